import { itemBalance, OpenItem } from '../../payments/domain';
import { InstallmentScheduleState } from './installment-schedule.decider';
import { CompletionReason } from './installment-schedule.events';

/** What completion needs of a ledger item (the receivables ledger's OpenItem has it). */
export type SettledItemFacts = Pick<OpenItem, 'amount' | 'paid' | 'credited' | 'writtenOff'>;

/**
 * DOMAIN.md §10: a schedule is `completed` once paid off or written off. Null while anything is left: the schedule is
 * not active (a cancelled one stays cancelled when its remainder is paid; a completed one is done), a row is not billed
 * yet, or a billed row's receivable (by its invoice id, in the account's ledger `items`) is missing or still owed.
 * A row of amount 0 (largest remainder of a tiny total) is settled once billed, whatever the ledger says. The reason
 * is `writtenOff` when a write-off settled any part of any row, else `paidOff` (payments, credit, credit memos).
 */
export function completionReason(state: InstallmentScheduleState, items: ReadonlyMap<string, SettledItemFacts>): CompletionReason | null {
  if (state === null || state.status !== 'active') return null;
  let writtenOff = false;
  for (const row of state.installments) {
    if (row.invoiceId === null) return null;
    if (row.amount <= 0) continue;
    const item = items.get(row.invoiceId);
    if (item === undefined || itemBalance(item) > 0) return null;
    if (item.writtenOff > 0) writtenOff = true;
  }
  return writtenOff ? 'writtenOff' : 'paidOff';
}
