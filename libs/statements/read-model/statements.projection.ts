import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { DocKey, ProjectionView, Projector } from '../../platform/projection-runner/projector';
import { INVOICE_EVENT_TYPES, postedInvoices } from '../../plan-instances/domain';
import {
  AccountBalance,
  addToSections,
  addToStatement,
  Contribution,
  contributionsOf,
  emptyBalance,
  openStatement,
  postToBalance,
  Statement,
  statementDateFor,
  statementId,
  StatementSection,
} from '../domain/statement';

export const STATEMENTS = 'statements';
export const ACCOUNT_BALANCES = 'accountBalances';
export const STATEMENT_SECTIONS = 'statementSections';

/** One per account and statement date (id `<accountId>:<YYYY-MM-DD>`). */
export type StatementDoc = Statement & Doc & { lastPosition: number };
/** One per statement and account whose lines the statement's account pays (id `sectionId(statementId, accountId)`). */
export type StatementSectionDoc = StatementSection & Doc & { lastPosition: number };
/** One per account that has owed or been invoiced anything (id = accountId). */
export type AccountBalanceDoc = AccountBalance & Doc & { lastStatementId: string | null; lastPosition: number };

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
  ],
  eventTypes: [...INVOICE_EVENT_TYPES],
  /**
   * Each paying account's balance, and the statement (and sections) of each invoice's own date: the one it joins
   * unless it is late (then the account's latest statement is read as before, and the named one is not used).
   */
  prefetch(recorded: RecordedEvent): DocKey[] {
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
    const byAccount = contributionsByAccount(recorded);
    if (byAccount.size === 0) return [];
    const { tenantId } = recorded.metadata;
    const { position } = recorded;

    const statementWrites: DocWrite[] = [];
    const balanceWrites: DocWrite[] = [];
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
        const after: AccountBalance = { ...postToBalance(balance, contribution.charges - contribution.credits, contribution.dueDate), lastStatementDate: date };
        // Already holds this event (its write was committed without the balance's): only the balance moves.
        if (current.lastPosition < position || touched.has(id)) {
          const late = date !== contribution.invoiceDate;
          touched.set(id, { ...addToStatement(current, contribution, after, late), lastPosition: position });
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
    return [...statementWrites, ...balanceWrites];
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

/** A stored document without the store's own fields (`id`, `_position`), so documents are the same however batches fall. */
async function storedFields<T extends Doc>(view: ProjectionView, collection: string, tenantId: string, id: string): Promise<T | null> {
  const doc = await view.get(collection, tenantId, id);
  if (!doc) return null;
  const { id: _id, _position, ...fields } = doc as Doc & { id?: string; _position?: number };
  return fields as T;
}

/** Ids never contain '/', so a statement's sections are the ids from `<statementId>/` to `<statementId>0`. */
export function sectionId(statementIdValue: string, accountId: string): string {
  return `${statementIdValue}/${accountId}`;
}

export function sectionsRange(statementIdValue: string): { gt: string; lt: string } {
  return { gt: `${statementIdValue}/`, lt: `${statementIdValue}0` };
}

function balanceOf(doc: AccountBalanceDoc): AccountBalance {
  const { accountId, currency, balance, openCharges, unappliedCredit, lastStatementDate } = doc;
  return { accountId, currency, balance, openCharges, unappliedCredit, lastStatementDate };
}

/** The stored fields of a statement document that are not part of the statement itself. */
export function statementOf(doc: StatementDoc): Statement {
  const { id: _id, _position, lastPosition: _last, ...statement } = doc as StatementDoc & { id?: string; _position?: number };
  return statement;
}
