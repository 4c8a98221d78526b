import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { DocKey, ProjectionView, Projector } from '../../platform/projection-runner/projector';
import { INVOICE_EVENT_TYPES, postedInvoices } from '../../plan-instances/domain';
import { AccountBalance, addToSections, addToStatement, Contribution, contributionsOf, emptyBalance, openStatement, postToBalance, statementDateFor, statementId } from '../domain/statement';
import { ACCOUNT_BALANCES, AccountBalanceDoc, balanceOf, sectionId, STATEMENT_CHARGES, statementChargeId, StatementChargeDoc, STATEMENT_SECTIONS, StatementDoc, StatementSectionDoc, STATEMENTS, storedFields } from './statement-docs';
import { MONEY_EVENT_TYPES, moneyPrefetch, projectMoney } from './statements-money';

export {
  ACCOUNT_BALANCES,
  AccountBalanceDoc,
  sectionId,
  sectionsRange,
  STATEMENT_SECTIONS,
  StatementDoc,
  statementOf,
  StatementSectionDoc,
  STATEMENTS,
} from './statement-docs';

/**
 * `statements`, `statementSections` and `accountBalances` (DOMAIN.md §5, §7, §8; rules in libs/statements/domain). Invoices are read
 * only through `postedInvoices`, so every event that posts invoices (a plan instance's billing, a pool's rating, any
 * added to INVOICE_EVENT_TYPES later) reaches statements. Each invoice joins, for the invoiced account and every
 * payer of its lines, the statement of its date (or the account's latest one, when later) and moves its balance. A payer's sections are documents of their own, so an invoice
 * changes a few small documents however many accounts the payer pays for.
 *
 * Idempotent by `lastPosition`: an account whose balance already reflects the event is left alone (an event may post
 * several invoices, so an account's contributions from one event are applied together); a statement that already
 * reflects it gets no lines again. Statements are written before balances, so a store that commits a batch in part
 * (MongoDB's ordered writes) can only have a statement ahead of its balance, which the statement's own guard covers.
 * Everything follows the log's order, so a rebuild gives identical documents.
 *
 * The payments context's receivables events (`statements-money.ts`) add money received, credit memos and write-offs
 * to the account's latest statement and balance, and settle the charges of the statements their applications name.
 */
export const statementsProjection: Projector = {
  name: 'statements',
  collections: [
    // An account's statements are listed by id (its date): a statementDate index would be one more random
    // B-tree page written per invoice in a bill run (decision 0008).
    { name: STATEMENTS, indexes: ['accountId'] },
    { name: ACCOUNT_BALANCES, indexes: [] },
    // Read by a range of ids (a statement's sections), so no index.
    { name: STATEMENT_SECTIONS, indexes: [] },
    // Read by id when money settles a share (no query, so no commit before each money event).
    { name: STATEMENT_CHARGES, indexes: [] },
  ],
  eventTypes: [...INVOICE_EVENT_TYPES, ...MONEY_EVENT_TYPES],
  /**
   * Each paying account's balance, and the statement (and sections) of each invoice's own date: the one it joins
   * unless it is late (then the account's latest statement is read as before, and the named one is not used).
   */
  prefetch(recorded: RecordedEvent): DocKey[] {
    if (!isInvoiceEvent(recorded)) return moneyPrefetch(recorded);
    const byAccount = contributionsByAccount(recorded);
    const { tenantId } = recorded.metadata;
    const keys: DocKey[] = [];
    for (const [accountId, contributions] of byAccount) {
      keys.push({ collection: ACCOUNT_BALANCES, tenantId, id: accountId });
      for (const contribution of contributions) {
        const id = statementId(accountId, contribution.invoiceDate);
        keys.push({ collection: STATEMENTS, tenantId, id });
        for (const sectionAccountId of contribution.sectionPath ?? []) keys.push({ collection: STATEMENT_SECTIONS, tenantId, id: sectionId(id, sectionAccountId) });
      }
    }
    return keys;
  },
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    if (!isInvoiceEvent(recorded)) return projectMoney(recorded, view);
    const byAccount = contributionsByAccount(recorded);
    if (byAccount.size === 0) return [];
    const { tenantId } = recorded.metadata;
    const { position } = recorded;

    const statementWrites: DocWrite[] = [];
    const balanceWrites: DocWrite[] = [];
    const chargeWrites: DocWrite[] = [];
    for (const [accountId, contributions] of byAccount) {
      const stored = (await view.get(ACCOUNT_BALANCES, tenantId, accountId)) as AccountBalanceDoc | null;
      if (stored && stored.lastPosition >= position) continue;
      let balance: AccountBalance = stored ? balanceOf(stored) : emptyBalance(accountId, contributions[0].currency);
      const touched = new Map<string, StatementDoc>();
      const sections = new Map<string, StatementSectionDoc>();
      for (const contribution of contributions) {
        const date = statementDateFor(contribution.invoiceDate, balance.lastStatementDate);
        const id = statementId(accountId, date);
        const current = touched.get(id) ?? (await storedFields<StatementDoc>(view, STATEMENTS, tenantId, id)) ?? { ...openStatement(balance, date, contribution.currency), lastPosition: 0 };
        const after: AccountBalance = { ...postToBalance(balance, contribution.charges - contribution.credits), lastStatementDate: date };
        const charge: StatementChargeDoc = { statementId: id, dueDate: contribution.dueDate };
        chargeWrites.push({ op: 'upsert', collection: STATEMENT_CHARGES, tenantId, id: statementChargeId(accountId, contribution.invoiceId), doc: charge, position });
        // Already holds this event (its write was committed without the balance's): only the balance moves.
        if (current.lastPosition < position || touched.has(id)) {
          const late = date !== contribution.invoiceDate;
          touched.set(id, { ...addToStatement(current, contribution, late), lastPosition: position });
          if (contribution.sectionPath !== null) {
            const known = new Map<string, StatementSectionDoc | null>();
            for (const sectionAccountId of contribution.sectionPath) {
              const key = sectionId(id, sectionAccountId);
              known.set(sectionAccountId, sections.get(key) ?? (await storedFields<StatementSectionDoc>(view, STATEMENT_SECTIONS, tenantId, key)));
            }
            for (const section of addToSections(id, { ...contribution, sectionPath: contribution.sectionPath }, late, (a) => known.get(a) ?? null)) {
              const key = sectionId(id, section.accountId);
              // A section committed with this event while its statement was not (a store committing a batch in part).
              if (!sections.has(key) && (known.get(section.accountId)?.lastPosition ?? 0) >= position) continue;
              sections.set(key, { ...section, lastPosition: position });
            }
          }
        }
        balance = after;
      }
      for (const [id, doc] of sections) statementWrites.push({ op: 'upsert', collection: STATEMENT_SECTIONS, tenantId, id, doc, position });
      for (const [id, doc] of touched) statementWrites.push({ op: 'upsert', collection: STATEMENTS, tenantId, id, doc, position });
      const lastStatementId = balance.lastStatementDate === null ? null : statementId(accountId, balance.lastStatementDate);
      const doc: AccountBalanceDoc = { ...balance, lastStatementId, lastPosition: position };
      balanceWrites.push({ op: 'upsert', collection: ACCOUNT_BALANCES, tenantId, id: accountId, doc, position });
    }
    return [...statementWrites, ...chargeWrites, ...balanceWrites];
  },
};

/**
 * The contributions of an event's posted invoices by paying account, in the order they apply. Kept per event object
 * (a WeakMap, never changed once made), so `prefetch` and `project` of the same event work them out once.
 */
const contributionsMemo = new WeakMap<RecordedEvent, ReadonlyMap<string, readonly Contribution[]>>();

function contributionsByAccount(recorded: RecordedEvent): ReadonlyMap<string, readonly Contribution[]> {
  const memo = contributionsMemo.get(recorded);
  if (memo) return memo;
  const byAccount = new Map<string, Contribution[]>();
  for (const { invoice } of postedInvoices(recorded)) {
    for (const contribution of contributionsOf(invoice)) {
      const list = byAccount.get(contribution.accountId);
      if (list) list.push(contribution);
      else byAccount.set(contribution.accountId, [contribution]);
    }
  }
  contributionsMemo.set(recorded, byAccount);
  return byAccount;
}

function isInvoiceEvent(recorded: RecordedEvent): boolean {
  return (INVOICE_EVENT_TYPES as readonly string[]).includes(recorded.type);
}
