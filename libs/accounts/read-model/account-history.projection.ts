import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocKey, ProjectionView, Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';

/**
 * An index of the log by account (issue 21, decision 0018): one entry per event and account it is about, so
 * `GET /v1/accounts/{id}/history` pages an account's whole timeline (its own stream, hierarchy links, payment
 * responsibility, price overrides, plan instances, invoices, payments, credits, write-offs, payment methods,
 * dunning, orders and installments, pools, customer users) and reads the events themselves from the log by position.
 *
 * It matches on field names, importing no other context's event types: an event is about every account its data
 * names in `accountId`, `parentAccountId`, `previousParentAccountId`, `ownerAccountId`, a payer of its payment
 * responsibility, a payer of one of its invoice's lines, or a pool's explicit member list. An event naming only a
 * `planInstanceId` or a `scheduleId` is about the account that owns it, which this projector remembers from the
 * events naming both (`accountHistoryKeys`).
 */
export const ACCOUNT_HISTORY = 'accountHistory';
/** `planInstance:<id>` / `schedule:<id>` → the owning account (the `accountId` of the event that named both). */
export const ACCOUNT_HISTORY_KEYS = 'accountHistoryKeys';

/** One event of an account's timeline; id `<accountId>@<position, 16 digits>` so the id order is the log order. */
export interface AccountHistoryEntry extends Doc {
  accountId: string;
  /** `<accountId> <type>`: the type filter walks one index in log order. */
  accountType: string;
  position: number;
  type: string;
  businessDate: string;
}

/**
 * The event types an account's history shows (and its `type` filter accepts). Left out: usage records (by the
 * thousand; GET /v1/accounts/{id}/usage lists them), notification deliveries and emails, timers and business days,
 * sign-ins and sessions of customer users (they carry token and password hashes), the catalog and tenant settings.
 */
export const ACCOUNT_HISTORY_EVENT_TYPES: readonly string[] = [
  // accounts
  'AccountCreated',
  'AccountContactUpdated',
  'AccountContactReminderSent',
  'AccountPaymentTermsChanged',
  'AccountStatusChanged',
  'AccountParented',
  'AccountDetached',
  'AccountMetadataChanged',
  'AccountTaxExemptChanged',
  'PaymentResponsibilitySet',
  // catalog: an account's own prices
  'PriceOverrideSet',
  'PriceOverrideRemoved',
  'CouponApplied',
  'CouponRemoved',
  // plan instances and their invoices
  'PlanAssigned',
  'PlanInstanceBilled',
  'PlanQuantityChanged',
  'PlanSwitched',
  'PlanChangeScheduled',
  'PlanCancelled',
  'PlanInstanceBillingFailed',
  'PlanInstanceStatusChanged',
  'PlanInstanceMetadataChanged',
  'PlanInstanceActivated',
  'PlanInstanceBillDateReset',
  // pools
  'UsagePoolSet',
  'PoolRated',
  'PoolRatingPosted',
  // payments: receivables and payment methods
  'ReceivablePosted',
  'PaymentRecorded',
  'PaymentFailed',
  'CreditApplied',
  'CreditMemoIssued',
  'InvoiceWrittenOff',
  'PaymentRefunded',
  'PaymentReversed',
  'PaymentMethodAdded',
  'PaymentMethodRemoved',
  'DefaultPaymentMethodChanged',
  // dunning
  'DunningStarted',
  'DunningStepAdvanced',
  'DunningMigrated',
  'DunningResolved',
  // orders and installments
  'OrderPlaced',
  'InstallmentScheduleCreated',
  'InstallmentCreated',
  'InstallmentInvoiced',
  'InstallmentsRealigned',
  'InstallmentScheduleCancelled',
  'InstallmentScheduleCompleted',
  // self-service
  'CustomerUserCreated',
];

const HISTORY_TYPES = new Set(ACCOUNT_HISTORY_EVENT_TYPES);

export function isHistoryType(type: string): boolean {
  return HISTORY_TYPES.has(type);
}

/** Top-level fields that name an account the event is about. */
const ACCOUNT_FIELDS = ['accountId', 'parentAccountId', 'previousParentAccountId', 'ownerAccountId'] as const;
/** Top-level fields naming an entity whose events may not name its account: the key of the remembered owner. */
const OWNED_FIELDS: readonly [field: string, prefix: string][] = [
  ['planInstanceId', 'planInstance'],
  ['scheduleId', 'schedule'],
];

/** What the event's data alone tells: the accounts it names, and the owned entities it names (with or without their owner). */
export interface AccountsNamed {
  accounts: string[];
  /** The keys (`planInstance:<id>`, `schedule:<id>`) the event names. */
  keys: string[];
  /** The event's own `accountId`: the owner of the keys it names. */
  owner: string | null;
}

/** Pure: the accounts an event's data names by field name (see the projector's comment). */
export function accountsNamedBy(data: unknown): AccountsNamed {
  const accounts = new Set<string>();
  const keys: string[] = [];
  if (!isObject(data)) return { accounts: [], keys, owner: null };
  for (const field of ACCOUNT_FIELDS) addId(accounts, data[field]);
  // Payment responsibility: { recurring?: [{ payerAccountId, percent }], usage?, oneTime?, fees? }
  if (isObject(data.responsibility)) {
    for (const shares of Object.values(data.responsibility)) {
      if (Array.isArray(shares)) for (const share of shares) if (isObject(share)) addId(accounts, share.payerAccountId);
    }
  }
  // An invoice whose lines others pay (split billing): each payer's account.
  if (isObject(data.invoice) && Array.isArray(data.invoice.lines)) {
    for (const line of data.invoice.lines) {
      if (isObject(line) && Array.isArray(line.payers)) for (const payer of line.payers) if (isObject(payer)) addId(accounts, payer.accountId);
    }
  }
  // A pool's explicit members (not 'descendants').
  if (Array.isArray(data.members)) for (const member of data.members) addId(accounts, member);
  for (const [field, prefix] of OWNED_FIELDS) {
    const id = data[field];
    if (typeof id === 'string' && id.length > 0) keys.push(`${prefix}:${id}`);
  }
  const owner = typeof data.accountId === 'string' && data.accountId.length > 0 ? data.accountId : null;
  return { accounts: [...accounts], keys, owner };
}

/** `<accountId>@<position>` with the position zero-padded to 16 digits, so ids sort in log order. */
export function historyEntryId(accountId: string, position: number): string {
  return `${accountId}@${String(position).padStart(16, '0')}`;
}

/**
 * The ids of the account's entries after `after`: `@` never occurs in an id and `~` sorts after every digit, so
 * the range holds this account's entries and no other's (`a@…` < `a@~` < `ab@…`).
 */
export function historyRange(accountId: string, after: number): { gt: string; lt: string } {
  return { gt: historyEntryId(accountId, after), lt: `${accountId}@~` };
}

export const accountHistoryProjection: Projector = {
  name: 'account-history',
  collections: [
    // No index on accountId: an account's entries are the id range `<accountId>@…` (historyRange), read in id
    // order through the key itself; each index costs every entry a write, and the replay pays for it.
    { name: ACCOUNT_HISTORY, indexes: ['accountType', 'businessDate'] },
    { name: ACCOUNT_HISTORY_KEYS, indexes: [] },
  ],
  eventTypes: ACCOUNT_HISTORY_EVENT_TYPES,
  // The keys an event names are read for a whole batch at once (one getMany), whether to remember or to look up.
  prefetch(event: RecordedEvent): DocKey[] {
    return accountsNamedBy(event.data).keys.map((id) => ({ collection: ACCOUNT_HISTORY_KEYS, tenantId: event.metadata.tenantId, id }));
  },
  async project(event: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const { tenantId, businessDate } = event.metadata;
    const { position, type } = event;
    const named = accountsNamedBy(event.data);
    const accounts = new Set(named.accounts);
    const writes: DocWrite[] = [];
    if (named.owner !== null) {
      // Remembered once: the first event naming both is the entity's creation; its owner never changes.
      for (const key of named.keys) {
        const known = await view.get(ACCOUNT_HISTORY_KEYS, tenantId, key);
        if (!known) writes.push({ op: 'upsert', collection: ACCOUNT_HISTORY_KEYS, tenantId, id: key, doc: { accountId: named.owner }, position });
      }
    } else {
      for (const key of named.keys) {
        const known = await view.get(ACCOUNT_HISTORY_KEYS, tenantId, key);
        if (known && typeof known.accountId === 'string') accounts.add(known.accountId);
      }
    }
    for (const accountId of accounts) {
      const entry: AccountHistoryEntry = { accountId, accountType: `${accountId} ${type}`, position, type, businessDate };
      writes.push({ op: 'upsert', collection: ACCOUNT_HISTORY, tenantId, id: historyEntryId(accountId, position), doc: entry, position });
    }
    return writes;
  },
};

function addId(into: Set<string>, value: unknown): void {
  if (typeof value === 'string' && value.length > 0) into.add(value);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
