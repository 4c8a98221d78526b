import type { Metadata } from '../../shared-kernel/metadata';
import { BillingInterval, PlanSnapshot } from '../../catalog/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import type { StatusChangedBy } from '../../tenancy/domain';
import { Invoice } from './invoice';
import type { CouponUsage } from './discounts';

export type { PlanSnapshot };

/**
 * `cancelled` (final, by CancelPlan), or a status an operator or dunning sets: active, suspended, terminated or one of
 * the tenant's own (tenancy/domain/statuses.ts). Billed only while billable, its account's status too.
 */
export type PlanInstanceStatus = string;
export const INVOICING_OPTIONS = ['full', 'prorated'] as const;
export type InvoicingOption = (typeof INVOICING_OPTIONS)[number];
export const PRORATION_RULES = ['prorate', 'none'] as const;
export type ProrationRule = (typeof PRORATION_RULES)[number];

/**
 * What one recurring service costs for the period in force, as charged: the exact price of a whole period
 * for the quantity (after any discount), kept so a later credit refunds exactly what was charged.
 */
export interface ChargeInForce {
  serviceId: string;
  quantity: number;
  /** Exact, unrounded, major units: the price of one whole period for `quantity`. */
  periodPrice: string;
  /** As the invoice line showed it (null for tiered and volume prices). */
  unitPrice: string | null;
}

/**
 * The billing grid: period k is [boundary(k), boundary(k + 1)) with boundary(k) = anchor + k intervals,
 * on `billDay` (clamped to short months) for monthly intervals (DOMAIN.md §3).
 */
export interface BillingGrid {
  anchorDate: CalendarDate;
  billDay: number;
  interval: BillingInterval;
}

export type PlanAssigned = DomainEvent<
  'PlanAssigned',
  {
    planInstanceId: string;
    accountId: string;
    plan: PlanSnapshot;
    quantity: number;
    /** Any known status but terminated (default active); never cancelled. */
    status: PlanInstanceStatus;
    billingGroupId: string | null;
    dunningGroupId: string | null;
    startDate: CalendarDate;
    /** The first full period's start; earlier than it, [startDate, anchorDate) is a stub. */
    anchorDate: CalendarDate;
    billDay: number;
    altBillDay: number | null;
    invoicingOption: InvoicingOption;
    /** The rule in force for this call: the call's own, else the tenant's default. */
    prorationRule: ProrationRule;
    warnings: string[];
    /** The business date of the assignment; a startDate after it is a future-dated (pending) assignment. */
    assignedOn: CalendarDate;
    /** The client's key → value pairs (issue 22); absent when none were given (and on events recorded before). */
    metadata?: Metadata;
  }
>;

/**
 * Billing moved on: the instance is billed up to `nextBillDate` (exclusive) and `charges` are what the period
 * in force was charged. `invoice` holds the lines this produced, posted and immutable; null when nothing was
 * charged (a plan with no recurring service, a stub under proration `none`).
 */
export type PlanInstanceBilled = DomainEvent<
  'PlanInstanceBilled',
  {
    planInstanceId: string;
    accountId: string;
    reason: 'assignment' | 'billRun' | 'change';
    /** null once the instance is cancelled (nothing more is billed). */
    nextBillDate: CalendarDate | null;
    charges: ChargeInForce[];
    invoice: Invoice | null;
    /**
     * How far usage is billed after this billing (present once the plan has usage services; older events
     * without it replay with usage billed from the start date, see UsageBilling).
     */
    usage?: UsageBilling;
    /**
     * Present when due periods were skipped because the instance or its account was not billable: [from, to) was
     * passed over with no charge (and its usage not billed), never billed later. Absent otherwise.
     */
    skipped?: SkippedBilling;
    /** Where the account's coupon stands on this instance after this billing (DOMAIN.md §13); absent: unchanged. */
    coupon?: CouponUsage;
  }
>;

export interface SkippedBilling {
  reason: 'notBillable';
  from: CalendarDate;
  to: CalendarDate;
}

/**
 * Usage billed so far, per usage service: `billedTo` is the first day whose on-time usage is not billed yet
 * (usage is billed in arrears, DOMAIN.md §6); `lateBilled` the total late quantity billed so far (exact decimal
 * string), so late usage is billed once whatever day it arrives.
 */
export interface UsageBilling {
  billedTo: Record<string, CalendarDate>;
  lateBilled: Record<string, string>;
}

export type PlanQuantityChanged = DomainEvent<
  'PlanQuantityChanged',
  { planInstanceId: string; accountId: string; from: number; to: number; effectiveDate: CalendarDate; prorationRule: ProrationRule }
>;

/** The instance bills `plan` from `effectiveDate` on; the grid (anchor, bill day) is kept when the interval is the same, re-anchored on `effectiveDate` otherwise. */
export type PlanSwitched = DomainEvent<
  'PlanSwitched',
  {
    planInstanceId: string;
    accountId: string;
    from: { planId: string; version: number };
    plan: PlanSnapshot;
    effectiveDate: CalendarDate;
    grid: BillingGrid;
    prorationRule: ProrationRule;
  }
>;

/** A switch or cancellation that takes effect later (at the next bill date or on a date); the bill run applies it. */
export type PlanChangeScheduled = DomainEvent<
  'PlanChangeScheduled',
  { planInstanceId: string; accountId: string; change: ScheduledChange }
>;

export type ScheduledChange =
  | { kind: 'switch'; plan: PlanSnapshot; effectiveDate: CalendarDate; prorationRule: ProrationRule }
  | { kind: 'cancel'; effectiveDate: CalendarDate; prorationRule: ProrationRule };

/** No service from `effectiveDate` on (the first day without it); nothing is billed after. */
export type PlanCancelled = DomainEvent<
  'PlanCancelled',
  { planInstanceId: string; accountId: string; effectiveDate: CalendarDate; prorationRule: ProrationRule }
>;

/**
 * The bill run could not bill the instance on `date`: billing broke a rule (`field`, `rule`, `reason` from the
 * error; e.g. a charge beyond the safe range of minor units, from a price accepted before the door checked it).
 * Nothing was billed; the instance stays due and the next successful PlanInstanceBilled supersedes this. At
 * most one per instance and day.
 */
export type PlanInstanceBillingFailed = DomainEvent<
  'PlanInstanceBillingFailed',
  { planInstanceId: string; accountId: string; date: CalendarDate; reason: string; field: string | null; rule: string | null }
>;

/** The instance's status changed, by an operator or a dunning case; `changedOn` is the tenant's business date. */
export type PlanInstanceStatusChanged = DomainEvent<
  'PlanInstanceStatusChanged',
  { planInstanceId: string; accountId: string; from: PlanInstanceStatus; to: PlanInstanceStatus; reason: string; by: StatusChangedBy; changedOn: CalendarDate }
>;

/**
 * A future-dated assignment (PlanAssigned with startDate after assignedOn) starts: on its start date, its first
 * billing follows in the same append. `status` is the status it starts in (assigned, or changed while pending).
 */
export type PlanInstanceActivated = DomainEvent<
  'PlanInstanceActivated',
  { planInstanceId: string; accountId: string; status: PlanInstanceStatus; activatedOn: CalendarDate }
>;

/**
 * Seed 003's bill-date reset (decision 0022): from `effectiveDate` the instance bills on `grid`, laid from that date
 * (its day the bill day); what was charged from it is credited and a whole period from it charged, in the
 * PlanInstanceBilled of the same append. `reason`: a quantity change or switch made now (`change`), or the
 * instance or its account going from a non-billable to a billable status (`billableStatus`).
 */
export type PlanInstanceBillDateReset = DomainEvent<
  'PlanInstanceBillDateReset',
  { planInstanceId: string; accountId: string; effectiveDate: CalendarDate; grid: BillingGrid; reason: 'change' | 'billableStatus' }
>;

/** The instance's metadata changed: `metadata` is the whole of it after, `changed` the entries that differ (null: removed). Billing ignores it. */
export type PlanInstanceMetadataChanged = DomainEvent<
  'PlanInstanceMetadataChanged',
  { planInstanceId: string; accountId: string; metadata: Metadata; changed: Record<string, string | null> }
>;

export type PlanInstanceEvent =
  | PlanInstanceMetadataChanged
  | PlanInstanceActivated
  | PlanInstanceBillDateReset
  | PlanAssigned
  | PlanInstanceBilled
  | PlanQuantityChanged
  | PlanSwitched
  | PlanChangeScheduled
  | PlanCancelled
  | PlanInstanceBillingFailed
  | PlanInstanceStatusChanged;
