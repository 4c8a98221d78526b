import { StoredOverride } from '../pricing/effective-pricing';
import { CalendarDate } from '../shared/calendar-date';
import { DomainCommand } from '../shared/decider';
import { PlanSnapshot } from './plan-instance.events';

/**
 * What the decider needs to know about the world to price a period, gathered by the caller (a handler or
 * the bill run) since deciders do no I/O: the account's ancestors (nearest first) and the price overrides
 * set on the account and on them (DOMAIN.md §5: the nearest wins).
 */
export interface PricingContext {
  ancestors: string[];
  overrides: StoredOverride[];
}

/** Facts every billing command carries besides its own input. */
export interface BillingFacts {
  /** The tenant's business date. */
  today: CalendarDate;
  pricing: PricingContext;
  /** The account's payment terms: invoices are due this many days after their date. */
  paymentTermsDays: number;
  /** The tenant's default, used when the call gives no prorationRule. */
  tenantProrationRule: 'prorate' | 'none';
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
    altBillDay?: unknown;
    invoicingOption?: unknown;
    prorationRule?: unknown;
  }
>;

/** The daily bill run: apply what is due today (scheduled changes, new periods) and invoice it. */
export type BillPlanInstance = DomainCommand<'BillPlanInstance', BillingFacts & { planInstanceId: string }>;

export type ChangePlanQuantity = DomainCommand<
  'ChangePlanQuantity',
  BillingFacts & { planInstanceId: string; quantity: unknown; prorationRule?: unknown }
>;

export type SwitchPlan = DomainCommand<
  'SwitchPlan',
  BillingFacts & { planInstanceId: string; planId: unknown; plan: PlanSnapshot | null; effective?: unknown; prorationRule?: unknown }
>;

/** `effective`: "now", "nextBillDate" or a date (the first day without the service). */
export type CancelPlan = DomainCommand<'CancelPlan', BillingFacts & { planInstanceId: string; effective?: unknown; prorationRule?: unknown }>;

export type PlanInstanceCommand = AssignPlan | BillPlanInstance | ChangePlanQuantity | SwitchPlan | CancelPlan;
