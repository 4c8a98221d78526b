import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import { Invoice, INVOICE_EVENT_TYPES, owedBy, postedInvoices } from '../../plan-instances/domain';
import { Application, ApplicationMethod, invoiceStatus, InvoiceStatus, ledger, LedgerEntry, LedgerEntryType, RECEIVABLES_EVENT_TYPES, ReceivableKind, ReceivablesEvent } from '../domain';

/** One per payer account and invoice share (id `<accountId>/<invoiceId>`: `/` is in no id, so ids never collide). */
export const RECEIVABLE_ITEMS = 'receivableItems';
/** One per payer account (id = accountId): what it owes and its credit, so each ledger entry knows the balance after it. */
export const RECEIVABLE_ACCOUNTS = 'receivableAccounts';
/** One per payment, succeeded or failed (id = paymentId). */
export const PAYMENTS = 'payments';
/** The ledger: one entry per account and money-moving fact (id `<accountId>/<type>:<id>`), in log order by `sequence`. */
export const TRANSACTIONS = 'transactions';

/** Room in `sequence` for the entries of one event (log position × this + index). */
const LEDGER_ENTRIES_PER_EVENT = 100_000;

export function receivableItemId(accountId: string, invoiceId: string): string {
  return `${accountId}/${invoiceId}`;
}

export interface ReceivableItemDoc extends Doc {
  accountId: string;
  invoiceId: string;
  invoiceDate: CalendarDate;
  dueDate: CalendarDate;
  kind: ReceivableKind;
  currency: string;
  /** This account's share of the invoice (minor units); ≤ 0 for a credit-only invoice. */
  amount: number;
  paid: number;
  credited: number;
  writtenOff: number;
  /** Still owed. */
  balance: number;
  status: InvoiceStatus;
  /** The tax credit memos on this share reversed, part of `credited` (decision 0024); absent when none did. */
  taxCredited?: number;
}

export interface ReceivableAccountDoc extends Doc {
  currency: string;
  /** Open balances minus credit: the sum of the ledger. */
  balance: number;
  /** Sum of the open balances. */
  open: number;
  /** Unapplied credit. */
  credit: number;
}

export interface PaymentDoc extends Doc {
  accountId: string;
  /** Log position when first recorded: the account's payments sort on it. */
  sequence: number;
  date: CalendarDate;
  amount: number;
  currency: string;
  status: 'succeeded' | 'failed';
  failureReason: string | null;
  retryable: boolean | null;
  source: 'external' | 'paymentMethod' | null;
  reference: string | null;
  paymentMethodId: string | null;
  applicationMethod: ApplicationMethod | null;
  /** What it settles now (after refunds and reversals), merged per invoice. */
  applications: Application[];
  /** Of it, still account credit. */
  unapplied: number;
  refunded: number;
  reversed: number;
}

export interface TransactionDoc extends Doc {
  accountId: string;
  /** The id of what it records (invoiceId, paymentId, refundId, creditMemoId, writeOffId, reversalId). */
  entryId: string;
  sequence: number;
  type: LedgerEntryType;
  date: CalendarDate;
  amount: number;
  balanceAfter: number;
  reference: string | null;
  /** A credit memo that reversed tax: the tax in `amount`, signed as it is (decision 0024); absent otherwise. */
  tax?: number;
}

/**
 * Balances, payments and the ledger of every payer account: each receivables event carries the amounts it moves,
 * so this applies them and decides nothing; the item's status is the domain's rule over its amounts.
 *
 * What an account owes is taken from the invoices themselves (PlanInstanceBilled, PoolRated: each payer's share,
 * `owedBy`), not from ReceivablePosted: the receivables-posting process manager posts those to the ledgers a
 * moment later, and a read model fed by the invoices is current as soon as the invoice is (read-your-writes). Both
 * carry the same shares (zero shares are skipped by both), so nothing is counted twice or missed; a payment
 * decided before its invoice's share was posted is held as credit and applied by a CreditApplied when it is.
 */
export const receivablesProjection: Projector = {
  name: 'receivables',
  collections: [
    // dueDate: dunning's daily entry check asks for the items that became past due that day.
    { name: RECEIVABLE_ITEMS, indexes: ['accountId', 'invoiceId', 'dueDate'] },
    { name: RECEIVABLE_ACCOUNTS, indexes: [] },
    { name: PAYMENTS, indexes: ['accountId', 'sequence'] },
    { name: TRANSACTIONS, indexes: ['accountId', 'sequence'] },
  ],
  // ReceivablePosted only for what has no invoice event (see postedAlone): a charge is taken from its invoice.
  eventTypes: [...INVOICE_EVENT_TYPES, ...RECEIVABLES_EVENT_TYPES],
  prefetch(recorded) {
    const { tenantId } = recorded.metadata;
    if (recorded.type === 'ReceivablePosted' && !postedAlone(recorded)) return [];
    const shares = isInvoiceEvent(recorded)
      ? sharesOf(recorded).map(({ accountId, invoice }) => ({ accountId, invoiceId: invoice.invoiceId }))
      : invoicesTouched(recorded as unknown as ReceivablesEvent).map((invoiceId) => ({ accountId: (recorded.data as { accountId: string }).accountId, invoiceId }));
    const accounts = new Set(isInvoiceEvent(recorded) ? shares.map((share) => share.accountId) : [(recorded.data as { accountId: string }).accountId]);
    return [
      ...[...accounts].map((id) => ({ collection: RECEIVABLE_ACCOUNTS, tenantId, id })),
      ...shares.map(({ accountId, invoiceId }) => ({ collection: RECEIVABLE_ITEMS, tenantId, id: receivableItemId(accountId, invoiceId) })),
    ];
  },
  async project(recorded, view) {
    const writes = new ReceivablesWrites(recorded, view);
    if (isInvoiceEvent(recorded)) return writes.ofInvoices(sharesOf(recorded));
    return writes.of(recorded as unknown as ReceivablesEvent);
  },
};

/** A posting with no invoice event to take it from (a late fee, an order, an installment, a remainder): any but `charge`. */
function postedAlone(recorded: RecordedEvent): boolean {
  return (recorded.data as { kind?: string }).kind !== 'charge';
}

function isInvoiceEvent(recorded: RecordedEvent): boolean {
  return (INVOICE_EVENT_TYPES as readonly string[]).includes(recorded.type);
}

type Share = { accountId: string; amount: number; invoice: Invoice };

/** Worked out once per event object: `prefetch` and `project` both need the shares (a bill run has 100,000). */
const sharesMemo = new WeakMap<RecordedEvent, readonly Share[]>();

/** Every payer's share of the invoices the event posts, as the receivables-posting process manager posts them. */
function sharesOf(recorded: RecordedEvent): readonly Share[] {
  const memo = sharesMemo.get(recorded);
  if (memo) return memo;
  const shares = postedInvoices(recorded).flatMap(({ invoice }) =>
    owedBy(invoice)
      .filter((share) => share.amount !== 0)
      .map((share) => ({ ...share, invoice })),
  );
  sharesMemo.set(recorded, shares);
  return shares;
}

/** The invoices whose share an event changes. */
function invoicesTouched(event: ReceivablesEvent): string[] {
  switch (event.type) {
    case 'ReceivablePosted':
    case 'InvoiceWrittenOff':
      return [event.data.invoiceId];
    case 'PaymentRecorded':
    case 'CreditApplied':
    case 'CreditMemoIssued':
      return event.data.applications.map((a) => a.invoiceId);
    case 'PaymentRefunded':
    case 'PaymentReversed':
      return event.data.unapplications.map((a) => a.invoiceId);
    case 'PaymentFailed':
      return [];
  }
}

type Settlement = 'paid' | 'credited' | 'writtenOff';

/** The writes of one event: item shares settled or reopened, the account's totals, the payment, the ledger entry. */
class ReceivablesWrites {
  private readonly writes: DocWrite[] = [];
  /** This event's own writes: the view shows earlier events' pending writes, not those of the event being projected. */
  private readonly written = new Map<string, Doc>();
  private readonly tenantId: string;
  private readonly position: number;
  private entries = 0;

  constructor(
    recorded: RecordedEvent,
    private readonly view: ProjectionView,
  ) {
    this.tenantId = recorded.metadata.tenantId;
    this.position = recorded.position;
  }

  /** Each share becomes an item the payer owes (a share ≤ 0, a credit-only invoice, is credit), with its ledger entry. */
  async ofInvoices(shares: readonly Share[]): Promise<DocWrite[]> {
    for (const { accountId, amount, invoice } of shares) {
      const id = receivableItemId(accountId, invoice.invoiceId);
      if (await this.get(RECEIVABLE_ITEMS, id)) continue; // the same invoice again (a redelivery): counted once
      const { invoiceId, invoiceDate, dueDate, currency } = invoice;
      const item: ReceivableItemDoc = { accountId, invoiceId, invoiceDate, dueDate, kind: 'charge', currency, amount, paid: 0, credited: 0, writtenOff: 0, balance: Math.max(amount, 0), status: 'unpaid' };
      this.upsert(RECEIVABLE_ITEMS, id, { ...item, status: invoiceStatus(item) });
      const entry: Omit<LedgerEntry, 'balanceAfter'> = { id: invoiceId, type: 'invoice', date: invoiceDate, amount, reference: invoiceId };
      await this.changeAccount(accountId, currency, Math.max(amount, 0), Math.max(-amount, 0), entry);
    }
    return this.writes;
  }

  async of(event: ReceivablesEvent): Promise<DocWrite[]> {
    const { accountId } = event.data;
    // Open and credit move with the event; the balance is always open - credit.
    let open = 0;
    let credit = 0;
    switch (event.type) {
      case 'ReceivablePosted': {
        if (event.data.kind === 'charge') return []; // taken from the invoice itself (see the projector)
        const { invoiceId, invoiceDate, dueDate, currency, amount, kind } = event.data;
        const id = receivableItemId(accountId, invoiceId);
        if (await this.get(RECEIVABLE_ITEMS, id)) return [];
        const item: ReceivableItemDoc = { accountId, invoiceId, invoiceDate, dueDate, kind, currency, amount, paid: 0, credited: 0, writtenOff: 0, balance: amount, status: 'unpaid' };
        this.upsert(RECEIVABLE_ITEMS, id, { ...item, status: invoiceStatus(item) });
        open += amount;
        break;
      }
      case 'PaymentRecorded': {
        const { paymentId, amount, currency, source, reference, paymentMethodId, applicationMethod, applications, unapplied, businessDate } = event.data;
        open -= await this.settle(accountId, applications, 'paid', 1);
        credit += unapplied;
        const recorded = { status: 'succeeded' as const, source, reference, paymentMethodId, applicationMethod, applications: merged([], applications, 1), unapplied };
        this.upsert(PAYMENTS, paymentId, this.payment(accountId, businessDate, amount, currency, recorded));
        break;
      }
      case 'PaymentFailed': {
        const { paymentId, amount, currency, reason, retryable, businessDate } = event.data;
        this.upsert(PAYMENTS, paymentId, this.payment(accountId, businessDate, amount, currency, { status: 'failed', failureReason: reason, retryable }));
        break;
      }
      case 'CreditApplied': {
        for (const application of event.data.applications) {
          const settlement: Settlement = application.sourceType === 'payment' ? 'paid' : 'credited';
          open -= await this.settle(accountId, [application], settlement, 1);
          if (application.sourceType === 'payment') await this.changePayment(application.sourceId, [application], 1, { unapplied: -application.amount });
        }
        credit -= event.data.amount;
        break;
      }
      case 'CreditMemoIssued':
        open -= await this.settle(accountId, event.data.applications, 'credited', 1);
        credit += event.data.unapplied;
        if (event.data.invoiceId !== null && event.data.tax) await this.creditTax(accountId, event.data.invoiceId, event.data.tax);
        break;
      case 'InvoiceWrittenOff':
        open -= await this.settle(accountId, [{ invoiceId: event.data.invoiceId, amount: event.data.amount }], 'writtenOff', 1);
        break;
      case 'PaymentRefunded':
      case 'PaymentReversed': {
        const { paymentId, amount, fromCredit, unapplications } = event.data;
        open += await this.settle(accountId, unapplications, 'paid', -1);
        credit -= fromCredit;
        const taken = event.type === 'PaymentRefunded' ? { refunded: amount } : { reversed: amount };
        await this.changePayment(paymentId, unapplications, -1, { unapplied: -fromCredit, ...taken });
        break;
      }
    }
    const [entry] = ledger([event]);
    await this.changeAccount(accountId, 'currency' in event.data ? event.data.currency : null, open, credit, entry ?? null);
    return this.writes;
  }

  /** A payment's document: a failed one's fields, or a succeeded one's, over nothing applied, refunded or reversed. */
  private payment(accountId: string, date: CalendarDate, amount: number, currency: string, fields: Partial<PaymentDoc>): PaymentDoc {
    const nothing = { failureReason: null, retryable: null, source: null, reference: null, paymentMethodId: null, applicationMethod: null, applications: [], unapplied: 0, refunded: 0, reversed: 0 };
    return { accountId, sequence: this.position, date, amount, currency, status: 'succeeded', ...nothing, ...fields };
  }

  /** Settles (+1) or reopens (-1) the account's shares; returns the total moved. */
  private async settle(accountId: string, applications: readonly Application[], settlement: Settlement, sign: 1 | -1): Promise<number> {
    let moved = 0;
    for (const { invoiceId, amount } of applications) {
      const id = receivableItemId(accountId, invoiceId);
      const item = (await this.get(RECEIVABLE_ITEMS, id)) as ReceivableItemDoc | null;
      if (!item) continue; // impossible from the decider: every application names a posted share
      const next = { ...item, [settlement]: item[settlement] + sign * amount, balance: item.balance - sign * amount };
      this.upsert(RECEIVABLE_ITEMS, id, { ...next, status: invoiceStatus(next) });
      moved += amount;
    }
    return moved;
  }

  /** A memo on an invoice's share that reversed tax: the share says how much of its tax was credited. */
  private async creditTax(accountId: string, invoiceId: string, tax: number): Promise<void> {
    const id = receivableItemId(accountId, invoiceId);
    const item = (await this.get(RECEIVABLE_ITEMS, id)) as ReceivableItemDoc | null;
    if (item) this.upsert(RECEIVABLE_ITEMS, id, { ...item, taxCredited: (item.taxCredited ?? 0) + tax });
  }

  private async changePayment(paymentId: string, applications: readonly Application[], sign: 1 | -1, deltas: Partial<Record<'unapplied' | 'refunded' | 'reversed', number>>): Promise<void> {
    const payment = (await this.get(PAYMENTS, paymentId)) as PaymentDoc | null;
    if (!payment) return;
    const next: PaymentDoc = { ...payment, applications: merged(payment.applications, applications, sign) };
    for (const [field, delta] of Object.entries(deltas) as ['unapplied' | 'refunded' | 'reversed', number][]) next[field] = payment[field] + delta;
    this.upsert(PAYMENTS, paymentId, next);
  }

  /** The account's totals, and the ledger entry (if the event moves the balance) with the balance after it. */
  private async changeAccount(accountId: string, currency: string | null, open: number, credit: number, entry: Omit<LedgerEntry, 'balanceAfter'> | null): Promise<void> {
    const current = (await this.get(RECEIVABLE_ACCOUNTS, accountId)) as ReceivableAccountDoc | null;
    const next: ReceivableAccountDoc = { currency: current?.currency ?? currency ?? '', open: (current?.open ?? 0) + open, credit: (current?.credit ?? 0) + credit, balance: 0 };
    next.balance = next.open - next.credit;
    this.upsert(RECEIVABLE_ACCOUNTS, accountId, next);
    if (!entry) return;
    // The log orders the ledger; one event may post several (a pool's rating: at most 500 invoices per event).
    const sequence = this.position * LEDGER_ENTRIES_PER_EVENT + this.entries++;
    const transaction: TransactionDoc = { accountId, entryId: entry.id, sequence, type: entry.type, date: entry.date, amount: entry.amount, balanceAfter: next.balance, reference: entry.reference };
    if (entry.tax !== undefined) transaction.tax = entry.tax;
    this.upsert(TRANSACTIONS, `${accountId}/${entry.type}:${entry.id}`, transaction);
  }

  private async get(collection: string, id: string): Promise<Doc | null> {
    return this.written.get(`${collection}|${id}`) ?? (await this.view.get(collection, this.tenantId, id));
  }

  private upsert(collection: string, id: string, doc: Doc): void {
    // A later write of the same document in this event replaces the earlier one.
    this.written.set(`${collection}|${id}`, doc);
    const index = this.writes.findIndex((write) => write.collection === collection && write.id === id);
    const write: DocWrite = { op: 'upsert', collection, tenantId: this.tenantId, id, doc, position: this.position };
    if (index >= 0) this.writes[index] = write;
    else this.writes.push(write);
  }
}

/** Applications merged per invoice, in the order first applied; an invoice whose amount comes to 0 drops out. */
function merged(current: readonly Application[], changes: readonly Application[], sign: 1 | -1): Application[] {
  const amounts = new Map(current.map(({ invoiceId, amount }) => [invoiceId, amount]));
  for (const { invoiceId, amount } of changes) amounts.set(invoiceId, (amounts.get(invoiceId) ?? 0) + sign * amount);
  return [...amounts].filter(([, amount]) => amount !== 0).map(([invoiceId, amount]) => ({ invoiceId, amount }));
}
