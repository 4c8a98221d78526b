import { addDays, CalendarDate, isBefore } from '../../shared-kernel/calendar-date';
import { Invoice, InvoiceLine, LinePayer, linePayers } from '../../plan-instances/domain';

/**
 * Statements (DOMAIN.md §5, §7, §8): what an account is told it owes at each of its statement dates. Pure rules;
 * the statements projector keeps the documents. Rules decided here (docs/decisions/0010-statements.md):
 * - An account's statement dates are the dates of the invoices it owes or that belong to it: one statement per
 *   account and date (`<accountId>:<YYYY-MM-DD>`). Each invoice joins, for every account concerned (the invoiced
 *   account and each payer of a line), the statement of its date.
 * - A statement is open until a later one exists. An invoice dated before the account's latest statement (posted
 *   late, e.g. a pool rated after the next bill date) joins that latest statement, marked `lateInvoice`: a
 *   statement already superseded is never rewritten, so opening balances never move.
 * - Credits are shown positive; closing = opening + charges − credits − payments. Money received, credit memos and
 *   write-offs (the payments context's events) join the account's latest statement: `statement-money.ts`.
 * - A statement's own charges (its invoices' shares, in sections too) are settled by the invoice applications the
 *   payments context's events carry, whenever they come: its `openCharges`, `dueDate` and status follow them.
 * - Status is computed when read, from the tenant's business date (paid, unpaid, late, late_ok).
 */

/** An invoice line as a statement shows it: what the statement's account owes of it, and who else pays. */
export interface StatementLine extends Omit<InvoiceLine, 'payers'> {
  invoiceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  /** Minor units the statement's account owes of the line (0 when others pay all of it; negative for credits). */
  owed: number;
  /** The other accounts that owe part of the line, with their part; absent when the statement's account owes all of it. */
  paidBy?: LinePayer[];
  /** The invoice was dated before this statement (posted after the statement of its own date was superseded). */
  lateInvoice?: true;
}

/**
 * The lines of one account that the statement's account pays (part of). Kept apart from the statement, one per
 * statement and account (a payer of 20,000 accounts has 20,000), flat: `parentAccountId` is the account of the
 * enclosing section, null directly under the statement. Nested when read (`nestSections`).
 */
export interface StatementSection {
  statementId: string;
  accountId: string;
  parentAccountId: string | null;
  lines: StatementLine[];
  /** What the statement's account owes of this section's own lines (nested sections excluded). */
  owed: number;
}

export interface Statement {
  accountId: string;
  statementDate: CalendarDate;
  /** The day after the previous statement; the statement's own date for an account's first one. */
  periodStart: CalendarDate;
  periodEnd: CalendarDate;
  currency: string;
  openingBalance: number;
  /** Positive amounts owed that joined this statement (own lines and sections' lines). */
  charges: number;
  /** Money received while this was the account's latest statement, less refunds and reversals then (may be negative). */
  payments: number;
  /** Shown positive: the credit lines of its invoices, and credit memos and write-offs while it was the latest. */
  credits: number;
  closingBalance: number;
  /** The closing balance when positive, else 0 (a negative balance is a credit to the account). */
  amountDue: number;
  /** The oldest due date of this statement's own charges still owed (now, not when it closed); null when none is. */
  dueDate: CalendarDate | null;
  /** This statement's own charges still owed, per due date, oldest first: settled and reopened by the payments context's applications. */
  openCharges: OpenCharge[];
  /** One of its charges was settled (paid, credited, written off) after its due date: `late_ok` once nothing is owed. */
  settledLate: boolean;
  /** How much of `openCharges` is installments (seed 002's `installment_due_paid`); absent: none. */
  openInstallments?: number;
  /** The account's own invoices on this statement (the invoices of sections are named on their lines). */
  invoiceIds: string[];
  /** The account's own invoice lines, with `owed` and `paidBy`. */
  lines: StatementLine[];
}

/** Charges still owed that fall due on one date (minor units, > 0). */
export interface OpenCharge {
  dueDate: CalendarDate;
  amount: number;
}

/**
 * An account's running balance across its statements: what it was invoiced (its shares, net), less money received,
 * credit memos and write-offs, plus refunds and reversals (minor units; negative: a credit). The next statement opens
 * with it. Which invoice is still owed is the payments context's to decide; statements follow its applications.
 */
export interface AccountBalance {
  accountId: string;
  currency: string;
  balance: number;
  lastStatementDate: CalendarDate | null;
}

/** What one invoice brings to one account's statement. */
export interface Contribution {
  accountId: string;
  invoiceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  currency: string;
  /** The lines as this account sees them: its own lines, or those it pays of another account's invoice. */
  lines: StatementLine[];
  /** Null for the account's own invoice; else the section path, from the payer's nearest section down to the invoiced account. */
  sectionPath: string[] | null;
  /** Sum of positive `owed`. */
  charges: number;
  /** Minus the sum of negative `owed` (shown positive). */
  credits: number;
}

export function statementId(accountId: string, statementDate: CalendarDate): string {
  return `${accountId}:${statementDate}`;
}

export function emptyBalance(accountId: string, currency: string): AccountBalance {
  return { accountId, currency, balance: 0, lastStatementDate: null };
}

/**
 * The contributions of one invoice: the invoiced account's own (every line, with what others pay of it), then one
 * per other payer, in account-id order (the order of the line's payers), with only the lines it pays part of.
 * A line without `payers` is owed by the invoiced account.
 */
export function contributionsOf(invoice: Invoice): Contribution[] {
  const own = invoice.lines.map((line) => statementLine(invoice, line, invoice.accountId));
  const contributions = [contribution(invoice, invoice.accountId, own, null)];
  const otherPayers = new Set<string>();
  for (const line of invoice.lines) for (const payer of linePayers(line, invoice)) if (payer.accountId !== invoice.accountId) otherPayers.add(payer.accountId);
  for (const payerId of [...otherPayers].sort()) {
    const lines = invoice.lines.filter((line) => linePayers(line, invoice).some((payer) => payer.accountId === payerId)).map((line) => statementLine(invoice, line, payerId));
    contributions.push(contribution(invoice, payerId, lines, sectionPath(payerId, invoice.accountId, invoice.ancestors ?? [])));
  }
  return contributions;
}

/**
 * Where a payer's statement shows an account's lines (DOMAIN.md §5): nested as the tree is when the payer is an
 * ancestor (its child, that child's child, … down to the account); directly under the statement otherwise (a
 * payer elsewhere in the tree or outside it). `ancestors` are the account's, nearest first, as on the invoice.
 */
export function sectionPath(payerId: string, accountId: string, ancestors: readonly string[]): string[] {
  const at = ancestors.indexOf(payerId);
  if (at < 0) return [accountId];
  return [...ancestors.slice(0, at).reverse(), accountId];
}

/** The statement an invoice dated `invoiceDate` joins: its own date, or the latest statement when that is later. */
export function statementDateFor(invoiceDate: CalendarDate, lastStatementDate: CalendarDate | null): CalendarDate {
  return lastStatementDate !== null && isBefore(invoiceDate, lastStatementDate) ? lastStatementDate : invoiceDate;
}

/** A new statement on `statementDate`, opening with the account's balance. */
export function openStatement(balance: AccountBalance, statementDate: CalendarDate, currency: string): Statement {
  return {
    accountId: balance.accountId,
    statementDate,
    periodStart: balance.lastStatementDate === null ? statementDate : addDays(balance.lastStatementDate, 1),
    periodEnd: statementDate,
    currency,
    openingBalance: balance.balance,
    charges: 0,
    payments: 0,
    credits: 0,
    closingBalance: balance.balance,
    amountDue: Math.max(balance.balance, 0),
    dueDate: null,
    invoiceIds: [],
    lines: [],
    openCharges: [],
    settledLate: false,
  };
}

/** The balance after the account owes `net` more (negative: it owes less). */
export function postToBalance(balance: AccountBalance, net: number): AccountBalance {
  return { ...balance, balance: balance.balance + net };
}

/**
 * The statement with a contribution's totals added, and the lines of the account's own invoice (a section's lines
 * go to `addToSections`). What the account owes of the invoice in net (> 0) is one of the statement's own charges,
 * as the payments context opens an item of that share; a net credit is account credit there, not a settlement here.
 */
export function addToStatement(statement: Statement, contribution: Contribution, lateInvoice: boolean): Statement {
  const charges = statement.charges + contribution.charges;
  const credits = statement.credits + contribution.credits;
  const closingBalance = closing(statement.openingBalance, charges, statement.payments, credits);
  const own = contribution.sectionPath === null;
  const net = contribution.charges - contribution.credits;
  const openCharges = net > 0 ? addOpenCharge(statement.openCharges, { dueDate: contribution.dueDate, amount: net }) : statement.openCharges;
  return {
    ...statement,
    charges,
    credits,
    closingBalance,
    amountDue: Math.max(closingBalance, 0),
    dueDate: openCharges[0]?.dueDate ?? null,
    openCharges,
    invoiceIds: own ? [...statement.invoiceIds, contribution.invoiceId] : statement.invoiceIds,
    lines: own ? [...statement.lines, ...markedLate(contribution.lines, lateInvoice)] : statement.lines,
  };
}

/**
 * The sections a payer's contribution changes: the one of the path's last account gets the lines, the enclosing ones
 * are created when missing (with no lines of their own). `existing` gives a section already on the statement; a
 * section keeps the place it was first given (an account re-parented between two invoices of one statement).
 */
export function addToSections(
  statementId: string,
  contribution: Contribution & { sectionPath: string[] },
  lateInvoice: boolean,
  existing: (accountId: string) => StatementSection | null,
): StatementSection[] {
  const changed: StatementSection[] = [];
  let parent: string | null = null;
  for (const [depth, accountId] of contribution.sectionPath.entries()) {
    const last = depth === contribution.sectionPath.length - 1;
    const section = existing(accountId);
    if (last) {
      const lines = markedLate(contribution.lines, lateInvoice);
      const owed = contribution.charges - contribution.credits;
      changed.push(section ? { ...section, lines: [...section.lines, ...lines], owed: section.owed + owed } : { statementId, accountId, parentAccountId: parent, lines, owed });
    } else if (!section) {
      changed.push({ statementId, accountId, parentAccountId: parent, lines: [], owed: 0 });
    }
    parent = accountId;
  }
  return changed;
}

/** A section as the API shows it: nested as the tree is, `total` owed for it and every section inside it. */
export interface NestedSection {
  accountId: string;
  name: string | null;
  lines: StatementLine[];
  total: number;
  sections: NestedSection[];
}

/** The flat sections nested under their parents, in the order given; names from `nameOf`. */
export function nestSections(sections: readonly StatementSection[], nameOf: (accountId: string) => string | null): NestedSection[] {
  const children = new Map<string | null, StatementSection[]>();
  for (const section of sections) {
    const siblings = children.get(section.parentAccountId) ?? [];
    siblings.push(section);
    children.set(section.parentAccountId, siblings);
  }
  const nest = (parent: string | null): NestedSection[] =>
    (children.get(parent) ?? []).map((section) => {
      const inner = nest(section.accountId);
      const total = inner.reduce((sum, child) => sum + child.total, section.owed);
      return { accountId: section.accountId, name: nameOf(section.accountId), lines: section.lines, total, sections: inner };
    });
  return nest(null);
}

function statementLine(invoice: Invoice, line: InvoiceLine, accountId: string): StatementLine {
  const { payers: _payers, ...rest } = line;
  const payers = linePayers(line, invoice);
  const owed = payers.reduce((sum, payer) => (payer.accountId === accountId ? sum + payer.amount : sum), 0);
  const others = payers.filter((payer) => payer.accountId !== accountId);
  return { invoiceId: invoice.invoiceId, invoiceDate: invoice.invoiceDate, dueDate: invoice.dueDate, ...rest, owed, ...(others.length > 0 ? { paidBy: others } : {}) };
}

function contribution(invoice: Invoice, accountId: string, lines: StatementLine[], path: string[] | null): Contribution {
  let charges = 0;
  let credits = 0;
  for (const line of lines) {
    if (line.owed > 0) charges += line.owed;
    else credits -= line.owed;
  }
  return { accountId, invoiceId: invoice.invoiceId, invoiceDate: invoice.invoiceDate, dueDate: invoice.dueDate, currency: invoice.currency, lines, sectionPath: path, charges, credits };
}

/** closing = opening + charges − payments − credits (credits shown positive). */
export function closing(openingBalance: number, charges: number, payments: number, credits: number): number {
  return openingBalance + charges - payments - credits;
}

/** The charges with one more owed on its due date, kept oldest first, one entry per due date. */
export function addOpenCharge(openCharges: readonly OpenCharge[], charge: OpenCharge): OpenCharge[] {
  const at = openCharges.findIndex((open) => !isBefore(open.dueDate, charge.dueDate));
  if (at < 0) return [...openCharges, charge];
  if (openCharges[at].dueDate === charge.dueDate) return openCharges.map((open, i) => (i === at ? { dueDate: open.dueDate, amount: open.amount + charge.amount } : open));
  return [...openCharges.slice(0, at), charge, ...openCharges.slice(at)];
}

function markedLate(lines: StatementLine[], lateInvoice: boolean): StatementLine[] {
  return lateInvoice ? lines.map((line): StatementLine => ({ ...line, lateInvoice: true })) : lines;
}
