import { PaymentResponsibility } from '../../accounts/domain';
import { CouponTerms, PricingContext } from '../../catalog/domain';
import type { TaxFacts } from './tax';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainCommand } from '../../shared-kernel/decider';
import type { BillDateReset, StatusSettings } from '../../tenancy/domain';
import { PlanSnapshot } from './plan-instance.events';

export type { PricingContext };

/** Facts every billing command carries besides its own input. */
export interface BillingFacts {
  /** The tenant's business date. */
  today: CalendarDate;
  pricing: PricingContext;
  /** The account's payment terms: invoices are due this many days after their date. */
  paymentTermsDays: number;
  /** The tenant's default, used when the call gives no prorationRule. */
  tenantProrationRule: 'prorate' | 'none';
  /** The tenant's bill-date reset rule (settings.billDateReset), used when the call gives no billDateReset; absent: keep. */
  tenantBillDateReset?: BillDateReset;
  /**
   * The usage of each usage service the command may bill, gathered before the decider runs. Required when
   * the plan instance's plan (or the plan it switches to) has usage services: the decider refuses to bill
   * usage it was not told about rather than bill zero.
   */
  usage?: UsageFacts;
  /** Who pays the account's charges (DOMAIN.md §7); absent: the account pays everything itself. */
  payment?: PaymentFacts;
  /**
   * false when the account's status is not billable (the caller judges it from the account and the tenant's
   * settings): due periods are then skipped. Absent: billable.
   */
  billable?: boolean;
  /**
   * The tenant's settings on statuses, to judge the instance's own status (its state has it). Absent: the
   * defaults. The bill run sends only what can stop billing (non-billable custom statuses, billWhileSuspended false).
   */
  statusSettings?: StatusSettings;
  /** The coupon in force for the account: its own, else the nearest ancestor's (DOMAIN.md §5, §13). Absent: none. */
  coupon?: CouponTerms;
  /** The account's tax (the tax-calculation port's answer, tax.ts). Absent: no tax. */
  tax?: TaxFacts;
}

/** Usage per usage service (by id). */
export type UsageFacts = Record<string, ServiceUsage>;

/** One usage quantity of one day (an exact decimal string). */
export interface DayUsage {
  date: CalendarDate;
  quantity: string;
}

/**
 * A service's usage as read before deciding: on-time usage per day in [from, to) and late usage per day in
 * [lateFrom, to), days without usage left out. On-time usage of a day is its total less its late part.
 */
export interface ServiceUsage {
  from: CalendarDate;
  lateFrom: CalendarDate;
  to: CalendarDate;
  onTime: DayUsage[];
  late: DayUsage[];
}

/** The account's payment responsibility and its ancestors (nearest first), for the invoices it generates. */
export interface PaymentFacts {
  responsibility: PaymentResponsibility;
  ancestors: string[];
}

/** Fields typed loosely, as the API sends them: the decider validates each and names the field. */
export type AssignPlan = DomainCommand<
  'AssignPlan',
  BillingFacts & {
    planInstanceId: string;
    accountId: string;
    /** null when the account does not exist (404). */
    account: { currency: string } | null;
    /** What the client asked for; `plan` is that plan's current version, or null when there is none. */
    planId: unknown;
    plan: PlanSnapshot | null;
    quantity?: unknown;
    status?: unknown;
    billingGroupId?: unknown;
    dunningGroupId?: unknown;
    retroactiveStartDate?: unknown;
    /** A start after today: a pending instance, started and billed by the bill run on that date; today: as without it. */
    startDate?: unknown;
    /** The tenant's settings.maxRetroactivePeriods; absent: DEFAULT_MAX_RETROACTIVE_PERIODS. */
    maxRetroactivePeriods?: number;
    altBillDay?: unknown;
    invoicingOption?: unknown;
    prorationRule?: unknown;
    /** String key → string value, checked here (shared-kernel/metadata.ts). */
    metadata?: unknown;
  }
>;

/** PATCH /v1/plan-instances/{id}/metadata: a string sets a key, null removes it, a key not named stays. */
export type ChangePlanInstanceMetadata = DomainCommand<'ChangePlanInstanceMetadata', { planInstanceId: string; metadata: unknown }>;

/** The daily bill run: apply what is due today (scheduled changes, new periods) and invoice it. */
export type BillPlanInstance = DomainCommand<'BillPlanInstance', BillingFacts & { planInstanceId: string }>;

/** `billDateReset`: "keep" or "reset" (seed 003) for this call; absent: the tenant's rule. */
export type ChangePlanQuantity = DomainCommand<
  'ChangePlanQuantity',
  BillingFacts & { planInstanceId: string; quantity: unknown; prorationRule?: unknown; billDateReset?: unknown }
>;

export type SwitchPlan = DomainCommand<
  'SwitchPlan',
  BillingFacts & { planInstanceId: string; planId: unknown; plan: PlanSnapshot | null; effective?: unknown; prorationRule?: unknown; billDateReset?: unknown }
>;

/** `effective`: "now", "nextBillDate" or a date (the first day without the service). */
export type CancelPlan = DomainCommand<'CancelPlan', BillingFacts & { planInstanceId: string; effective?: unknown; prorationRule?: unknown }>;

/**
 * From an operator (PUT /v1/plan-instances/{id}/status) or a dunning case (`dunningCaseId`); checked against the tenant's statuses.
 * A change from a non-billable to a billable status resets the bill date when `billDateReset` (else the tenant's rule,
 * `billing.tenantBillDateReset`) says "reset" and `billing` (gathered only then) is given: BillDateResetFacts.
 */
export type ChangePlanInstanceStatus = DomainCommand<
  'ChangePlanInstanceStatus',
  { planInstanceId: string; status: unknown; reason: unknown; dunningCaseId?: unknown; settings: StatusSettings; today: CalendarDate } & BillDateResetFacts
>;

/** From the dunning process when its case is resolved: back to what the case found, unless an operator changed it since. */
export type RestorePlanInstanceStatusAfterDunning = DomainCommand<
  'RestorePlanInstanceStatusAfterDunning',
  { planInstanceId: string; caseId: unknown; today: CalendarDate } & BillDateResetFacts
>;

/** What a status change needs to reset the bill date (seed 003): the call's rule, and the billing facts when it may reset. */
export interface BillDateResetFacts {
  billDateReset?: unknown;
  billing?: BillingFacts;
}

/**
 * Sent when the instance's account went from a non-billable to a billable status under the "reset" rule: the bill
 * date is reset on `today` if the instance is billed now (not cancelled, not pending, its own status billable).
 */
export type ResetPlanInstanceBillDate = DomainCommand<'ResetPlanInstanceBillDate', BillingFacts & { planInstanceId: string }>;

export type PlanInstanceCommand =
  | AssignPlan
  | BillPlanInstance
  | ChangePlanQuantity
  | SwitchPlan
  | CancelPlan
  | ChangePlanInstanceStatus
  | RestorePlanInstanceStatusAfterDunning
  | ResetPlanInstanceBillDate
  | ChangePlanInstanceMetadata;
