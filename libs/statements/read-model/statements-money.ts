import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { DocKey, ProjectionView } from '../../platform/projection-runner/projector';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import { ReceivablesEvent } from '../../payments/domain';
import { emptyBalance, postToBalance, Statement, statementId } from '../domain/statement';
import { addMoney, addPostedCharge, moneyOf, settleCharge, settleInstallment } from '../domain/statement-money';
import { ACCOUNT_BALANCES, AccountBalanceDoc, balanceOf, STATEMENT_CHARGES, statementChargeId, StatementChargeDoc, StatementDoc, STATEMENTS, storedFields } from './statement-docs';

/**
 * The statements projector's part for the payments context's receivables events (rules in domain/statement-money):
 * money received and credits join the account's latest statement and move its balance; each application settles
 * (or reopens) the charge of the statement that carries the account's share of that invoice.
 *
 * That statement is named by the account's `statementCharges` document for the invoice, written when the invoice's
 * share joined a statement (its own, or a section of the payer's). Read by id through the view (which sees the batch's
 * pending writes), so no commit is needed before these events: a bill run's collections stay in large batches.
 */
export const MONEY_EVENT_TYPES: readonly ReceivablesEvent['type'][] = ['ReceivablePosted', 'PaymentRecorded', 'CreditApplied', 'CreditMemoIssued', 'InvoiceWrittenOff', 'PaymentRefunded', 'PaymentReversed'];

export function moneyPrefetch(recorded: RecordedEvent): DocKey[] {
  const { accountId } = recorded.data as { accountId: string };
  const { tenantId } = recorded.metadata;
  const movement = moneyOf(recorded as unknown as ReceivablesEvent);
  if (movement === null) return []; // an invoice's posting (a bill run has 100,000): read nothing
  const charges = (movement?.settlements ?? []).map(({ invoiceId }) => ({ collection: STATEMENT_CHARGES, tenantId, id: statementChargeId(accountId, invoiceId) }));
  return [{ collection: ACCOUNT_BALANCES, tenantId, id: accountId }, ...charges];
}

export async function projectMoney(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
  const movement = moneyOf(recorded as unknown as ReceivablesEvent);
  if (movement === null) return [];
  const { tenantId } = recorded.metadata;
  const { position } = recorded;
  const { accountId, payments, credits, businessDate } = movement;

  const stored = (await view.get(ACCOUNT_BALANCES, tenantId, accountId)) as AccountBalanceDoc | null;
  if (stored && stored.lastPosition >= position) return [];
  const balance = stored ? balanceOf(stored) : emptyBalance(accountId, movement.currency ?? '');

  const touched = new Map<string, StatementDoc>();
  const change = async (id: string, next: (statement: Statement) => Statement): Promise<void> => {
    const current = touched.get(id) ?? (await storedFields<StatementDoc>(view, STATEMENTS, tenantId, id));
    // Missing, or already holds this event (written without the balance's by a store committing in part).
    if (!current || (!touched.has(id) && current.lastPosition >= position)) return;
    touched.set(id, { ...next(current), lastPosition: position } as StatementDoc);
  };

  // Before the account's first statement, money only moves the balance the first statement opens with.
  if ((payments !== 0 || credits !== 0) && balance.lastStatementDate !== null) {
    await change(statementId(accountId, balance.lastStatementDate), (statement) => addMoney(statement, payments, credits));
  }
  const writes: DocWrite[] = [];
  const { posted } = movement;
  if (posted && balance.lastStatementDate !== null) {
    // On the latest statement, which later payments then settle like any of its charges.
    const postedOn = statementId(accountId, balance.lastStatementDate);
    await change(postedOn, (statement) => addPostedCharge(statement, posted));
    const charge: StatementChargeDoc = { statementId: postedOn, dueDate: posted.dueDate, ...(posted.installment ? { installment: true } : {}) };
    writes.push({ op: 'upsert', collection: STATEMENT_CHARGES, tenantId, id: statementChargeId(accountId, posted.invoiceId), doc: charge, position });
  }
  const charges = await chargesOf(view, tenantId, accountId, new Set(movement.settlements.map((s) => s.invoiceId)));
  for (const { invoiceId, amount } of movement.settlements) {
    const charge = charges.get(invoiceId);
    if (!charge) continue;
    await change(charge.statementId, (statement) => {
      const settled = settleCharge(statement, charge.dueDate, amount, businessDate);
      return charge.installment ? settleInstallment(settled, amount) : settled;
    });
  }

  for (const [id, doc] of touched) writes.push({ op: 'upsert', collection: STATEMENTS, tenantId, id, doc, position });
  const after = postToBalance(balance, (posted?.amount ?? 0) - (payments + credits));
  const lastStatementId = after.lastStatementDate === null ? null : statementId(accountId, after.lastStatementDate);
  const doc: AccountBalanceDoc = { ...after, lastStatementId, lastPosition: position };
  writes.push({ op: 'upsert', collection: ACCOUNT_BALANCES, tenantId, id: accountId, doc, position });
  return writes;
}

/** The statement carrying the account's share of each invoice, and its due date (written when the invoice joined it). */
async function chargesOf(view: ProjectionView, tenantId: string, accountId: string, invoiceIds: Set<string>): Promise<Map<string, { statementId: string; dueDate: CalendarDate; installment: boolean }>> {
  const found = new Map<string, { statementId: string; dueDate: CalendarDate; installment: boolean }>();
  for (const invoiceId of invoiceIds) {
    const charge = (await view.get(STATEMENT_CHARGES, tenantId, statementChargeId(accountId, invoiceId))) as StatementChargeDoc | null;
    if (charge) found.set(invoiceId, { statementId: charge.statementId, dueDate: charge.dueDate, installment: charge.installment === true });
  }
  return found;
}
