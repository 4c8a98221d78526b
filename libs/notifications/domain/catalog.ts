/**
 * The public event catalog: which events of the log reach webhooks, under which name, and with which payload.
 * Events are published under their own names (PlanInstanceBilled, not an invented "invoice.posted"): the name a
 * receiver sees is the name in the log and in GET /v1/accounts/{id}/history, so there is one vocabulary. Internal
 * bookkeeping (timers, business days, receivable postings, credit applications, pool ratings, checkpoints, usage
 * records by the thousand, API keys) is not published. Where a description lists `data: { … }`, that is the payload's
 * shape (the event's data as in the log, so as stable as the event itself).
 */
export interface PublishedEvent {
  type: string;
  description: string;
  /** The seeds' notification code, where they give one. */
  code?: number;
}

export const EVENT_CATALOG: readonly PublishedEvent[] = [
  { type: 'AccountCreated', description: 'An account was created' },
  { type: 'AccountContactUpdated', description: "An account's contact details changed" },
  { type: 'AccountContactReminderSent', description: 'An account was reminded of missing contact details' },
  { type: 'AccountPaymentTermsChanged', description: "An account's payment terms changed" },
  { type: 'AccountMetadataChanged', description: "An account's metadata changed (the keys set and removed)" },
  { type: 'AccountParented', description: 'An account was placed under a parent account' },
  { type: 'AccountDetached', description: 'An account was detached from its parent' },
  { type: 'PaymentResponsibilitySet', description: "Who pays an account's charges changed" },
  { type: 'PlanCreated', description: 'A plan was created in the catalog' },
  { type: 'PlanRevised', description: 'A plan was revised' },
  { type: 'PlanMetadataChanged', description: "A plan's metadata changed (kept outside its versions)" },
  { type: 'PriceOverrideSet', description: 'An account got a price override' },
  { type: 'PriceOverrideRemoved', description: "An account's price override was removed" },
  {
    type: 'CouponCreated',
    description:
      'A coupon was defined (immutable). data: { couponId, name, percentOff (decimal string) | null, amountOff (minor units) | null, currency | null, ' +
      'duration: once|repeating|forever, durationInPeriods | null, planIds, serviceIds, maxRedemptions | null, expiresOn | null, createdOn }',
  },
  {
    type: 'CouponApplied',
    description:
      'A coupon was set on an account (data.accountId), replacing its own; it also reaches its descendants without their own. ' +
      'data: { couponId, accountId, appliedOn, redemptions (accounts it was applied to), coupon: the terms as in CouponCreated without createdOn }',
  },
  {
    type: 'CouponRemoved',
    description: "A coupon was taken off an account: its next invoices (and its descendants') no longer get it from there. data: { couponId, accountId, removedOn, reason }",
  },
  {
    type: 'CouponDeactivated',
    description: 'A coupon was ended: it can no longer be applied; accounts that have it keep it until it is removed. data: { couponId, deactivatedOn, reason }',
  },
  {
    type: 'TaxRateCreated',
    description:
      'A tax rate was defined (immutable; a new rate is a new id). data: { taxRateId, name, percent (decimal string), country | null, region | null, ' +
      'taxCategory | null, inclusive, createdOn }',
  },
  { type: 'AccountTaxExemptChanged', description: 'An account became tax-exempt or taxable again (from its next invoice on). data: { accountId, taxExempt }' },
  {
    type: 'PlanAssigned',
    description: 'A plan was assigned to an account (a plan instance); with a startDate after assignedOn it is pending until PlanInstanceActivated on that date',
  },
  { type: 'PlanSwitched', description: 'A plan instance switched plans' },
  { type: 'PlanQuantityChanged', description: "A plan instance's quantity changed" },
  { type: 'PlanChangeScheduled', description: 'A plan change was scheduled for a later date' },
  { type: 'PlanCancelled', description: 'A plan instance was cancelled' },
  { type: 'PlanInstanceBilled', description: 'An invoice was posted for a plan instance (the invoice is in data)' },
  { type: 'PlanInstanceBillingFailed', description: 'A plan instance could not be billed' },
  { type: 'UsagePoolSet', description: 'A usage pool was set on an account' },
  { type: 'PaymentRecorded', description: 'A payment was received and applied' },
  { type: 'PaymentFailed', description: 'A payment attempt failed' },
  { type: 'PaymentRefunded', description: 'A payment was refunded' },
  { type: 'PaymentReversed', description: 'A payment was reversed' },
  {
    type: 'CreditMemoIssued',
    description:
      'A credit memo was issued. data: { accountId, creditMemoId, amount, currency, invoiceId (null on an account), applicationMethod, applications: [{ invoiceId, amount }], unapplied, tax?, taxLines?: [{ taxRateId, percent, inclusive, amount }] } (tax and taxLines only when the memo reversed tax: the part of amount that is tax, decision 0024)',
  },
  { type: 'InvoiceWrittenOff', description: 'An invoice was written off' },
  { type: 'PaymentMethodAdded', description: 'A payment method was added (never its gateway token)' },
  { type: 'PaymentMethodRemoved', description: 'A payment method was removed' },
  { type: 'DefaultPaymentMethodChanged', description: "An account's default payment method changed" },
  { type: 'TenantSettingsChanged', description: "The tenant's settings changed" },
  {
    type: 'InstallmentScheduleCreated',
    code: 760,
    description:
      'Account Installment Assigned: an order was put on an installment schedule, delivered on the destination account (data.accountId). ' +
      'data: { scheduleId, accountId, orderId, planInstanceId, termId, scheduleType: aligned|independent, currency, total, orderDate, ' +
      'installments: [{ number (0: the lump sum), kind: lumpSum|installment, invoiceDate, dueDate, amount }] } (amounts in minor units)',
  },
  { type: 'OrderPlaced', description: 'A one-time order was placed and invoiced (lines, total, invoice, its installment schedule if any)' },
  { type: 'InstallmentInvoiced', description: 'An installment of a schedule was invoiced (posted to the account as owed)' },
  { type: 'InstallmentScheduleCancelled', description: 'An installment schedule was cancelled: the remainder is due at once' },
  { type: 'InstallmentScheduleCompleted', description: 'An installment schedule was paid off or written off' },
  { type: 'AccountStatusChanged', description: "An account's status changed (by an operator with a reason, or by a dunning step)" },
  { type: 'PlanInstanceMetadataChanged', description: "A plan instance's metadata changed" },
  { type: 'PlanInstanceStatusChanged', description: "A plan instance's status changed (by an operator with a reason, or by a dunning step)" },
  { type: 'PlanInstanceActivated', description: 'A future-dated plan instance started on its start date (its first invoice follows)' },
  { type: 'PlanInstanceBillDateReset', description: "A plan instance's bill date was reset (a change made now, or going billable, under the bill-date reset rule)" },
  { type: 'DunningStarted', description: 'An account entered dunning: its process version, the past-due invoice it counts from, the next step and its date' },
  { type: 'DunningStepAdvanced', description: 'An account in dunning took a step: what each action did (retry, notice, late fee, status), the next step' },
  { type: 'DunningMigrated', description: "An account's dunning case moved to another process or version (an operator, or a plan switch)" },
  { type: 'DunningResolved', description: 'An account left dunning: its past-due balance was settled, or an operator ended the case' },
  { type: 'WebhookEndpointDisabled', description: 'A webhook endpoint was disabled (by you, or after failing for three days)' },
];

export const PUBLISHED_TYPES: readonly string[] = EVENT_CATALOG.map((entry) => entry.type);
const BY_TYPE = new Map(EVENT_CATALOG.map((entry) => [entry.type, entry]));

export function isPublished(type: string): boolean {
  return BY_TYPE.has(type);
}

export function codeOf(type: string): number | undefined {
  return BY_TYPE.get(type)?.code;
}

/** Fields never published, at any depth: what a gateway charges, key hashes, secrets. */
const SECRET_FIELDS = new Set(['token', 'apiKeyHash', 'keyHash', 'secret', 'secretCiphertext']);

/** The event's data as published: as in the log, minus secret fields. Stable: it changes only when the event does. */
export function publicPayload(data: unknown): unknown {
  if (Array.isArray(data)) return data.map(publicPayload);
  if (data === null || typeof data !== 'object') return data;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(data)) if (!SECRET_FIELDS.has(key)) out[key] = publicPayload(value);
  return out;
}

/** As much of a logged event as its published shape needs. */
export interface LoggedEvent {
  id: string;
  type: string;
  data: unknown;
  position: number;
  /** The instant the store recorded it. */
  recordedAt: string;
  metadata: { businessDate: string };
}

/** The published shape of an event: a webhook delivery's body, and an item of the tenant event feed (GET /v1/events). */
export interface PublishedEventBody {
  id: string;
  type: string;
  code?: number;
  tenantId: string;
  occurredAt: string;
  businessDate: string;
  position: number;
  data: unknown;
}

/** A stored data text that may hold a secret field (the slow path then strips it); JSON.stringify writes keys as `"key":`. */
const SECRET_KEY = new RegExp(`"(?:${[...SECRET_FIELDS].join('|')})":`);

/**
 * `JSON.stringify(publishedEvent(event, tenantId))`, the same text, faster when `storedData` (the data's JSON as
 * stored, `JSON.stringify(event.data)`) is given and holds no secret field: it is written out as it is, never parsed.
 * For the event feed, which writes thousands of events per page.
 */
export function publishedEventJson(event: LoggedEvent, tenantId: string, storedData?: string): string {
  if (storedData === undefined || SECRET_KEY.test(storedData)) return JSON.stringify(publishedEvent(event, tenantId));
  const code = codeOf(event.type);
  const businessDate = event.metadata.businessDate;
  return (
    `{"id":${JSON.stringify(event.id)},"type":${JSON.stringify(event.type)}${code !== undefined ? `,"code":${JSON.stringify(code)}` : ''}` +
    `,"tenantId":${JSON.stringify(tenantId)},"occurredAt":${JSON.stringify(event.recordedAt)}` +
    `${businessDate !== undefined ? `,"businessDate":${JSON.stringify(businessDate)}` : ''},"position":${JSON.stringify(event.position)},"data":${storedData}}`
  );
}

/** `{ id, type, code?, tenantId, occurredAt, businessDate, position, data }`, `data` without secrets, `code` only where there is one. */
export function publishedEvent(event: LoggedEvent, tenantId: string): PublishedEventBody {
  const code = codeOf(event.type);
  return {
    id: event.id,
    type: event.type,
    ...(code !== undefined ? { code } : {}),
    tenantId,
    occurredAt: event.recordedAt,
    businessDate: event.metadata.businessDate,
    position: event.position,
    data: publicPayload(event.data),
  };
}
