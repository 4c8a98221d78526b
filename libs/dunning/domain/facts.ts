import { CalendarDate } from '../../shared-kernel/calendar-date';
import { ReceivablesState } from '../../payments/domain';
import { DunningFacts } from './dunning-case.commands';

/**
 * What dunning needs of an account's receivables ledger on `date` (DOMAIN.md §9): everything past due, the charges
 * among it (a percentage fee's basis: no fees; installments only once due, as `dueDate < date` already says), and
 * the oldest past-due recurring invoice or cancelled schedule's remainder (STARTS_A_CASE: a failed order, an
 * installment or a late fee never starts a case; DOMAIN.md §9).
 * `planInstanceId` is the caller's to fill in: the ledger does not know which plan instance billed an invoice.
 */
/** Recurring invoices (`charge`) and a cancelled schedule's remainder start a case; orders, installments and fees never do. */
const STARTS_A_CASE: ReadonlySet<string> = new Set(['charge', 'remainder']);

export function dunningFacts(ledger: ReceivablesState, date: CalendarDate, threshold: number): DunningFacts {
  let pastDue = 0;
  let pastDueCharges = 0;
  let oldest: { invoiceId: string; dueDate: CalendarDate } | null = null;
  for (const item of ledger.items.values()) {
    if (item.balance <= 0 || item.dueDate >= date) continue;
    pastDue += item.balance;
    if (item.kind !== 'fee') pastDueCharges += item.balance;
    // Items are in posting order: a strictly earlier due date replaces, a tie keeps the earlier posting.
    if (STARTS_A_CASE.has(item.kind) && (oldest === null || item.dueDate < oldest.dueDate)) oldest = { invoiceId: item.invoiceId, dueDate: item.dueDate };
  }
  // Credit the account holds pays what is owed before anything is dunned for it.
  const settled = Math.min(ledger.credit, pastDue);
  return {
    currency: ledger.currency,
    pastDue: pastDue - settled,
    pastDueCharges,
    threshold,
    oldestPastDue: oldest === null ? null : { ...oldest, planInstanceId: null },
  };
}
