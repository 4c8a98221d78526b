import { Doc } from '../../platform/read-store/read-store.port';
import { ProjectionView } from '../../platform/projection-runner/projector';
import { AccountBalance, Statement, StatementSection } from '../domain/statement';

/** The statements projector's collections and documents, shared by its invoice and money parts and the queries. */
export const STATEMENTS = 'statements';
export const ACCOUNT_BALANCES = 'accountBalances';
export const STATEMENT_SECTIONS = 'statementSections';
/**
 * One per paying account and invoice (id `<accountId>/<invoiceId>`: `/` is in no id): which of the account's
 * statements carries its share of the invoice, and when that share is due. Read when money settles the share.
 */
export const STATEMENT_CHARGES = 'statementCharges';

export interface StatementChargeDoc {
  [field: string]: unknown;
  statementId: string;
  dueDate: string;
  /** An installment's charge (seed 002's `installment_due_paid` follows what of a statement is installments). */
  installment?: true;
}

export function statementChargeId(accountId: string, invoiceId: string): string {
  return `${accountId}/${invoiceId}`;
}

/** One per account and statement date (id `<accountId>:<YYYY-MM-DD>`). */
export type StatementDoc = Statement & Doc & { lastPosition: number };
/** One per statement and account whose lines the statement's account pays (id `sectionId(statementId, accountId)`). */
export type StatementSectionDoc = StatementSection & Doc & { lastPosition: number };
/** One per account that has owed, been invoiced or paid anything (id = accountId). */
export type AccountBalanceDoc = AccountBalance & Doc & { lastStatementId: string | null; lastPosition: number };

/** Ids never contain '/', so a statement's sections are the ids from `<statementId>/` to `<statementId>0`. */
export function sectionId(statementIdValue: string, accountId: string): string {
  return `${statementIdValue}/${accountId}`;
}

export function sectionsRange(statementIdValue: string): { gt: string; lt: string } {
  return { gt: `${statementIdValue}/`, lt: `${statementIdValue}0` };
}

/** A stored document without the store's own fields (`id`, `_position`), so documents are the same however batches fall. */
export async function storedFields<T extends Doc>(view: ProjectionView, collection: string, tenantId: string, id: string): Promise<T | null> {
  const doc = await view.get(collection, tenantId, id);
  if (!doc) return null;
  const { id: _id, _position, ...fields } = doc as Doc & { id?: string; _position?: number };
  return fields as T;
}

export function balanceOf(doc: AccountBalanceDoc): AccountBalance {
  const { accountId, currency, balance, lastStatementDate } = doc;
  return { accountId, currency, balance, lastStatementDate };
}

/** The stored fields of a statement document that are not part of the statement itself. */
export function statementOf(doc: StatementDoc): Statement {
  const { id: _id, _position, lastPosition: _last, ...statement } = doc as StatementDoc & { id?: string; _position?: number };
  return statement;
}
