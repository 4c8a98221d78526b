import type { Metadata } from '../../shared-kernel/metadata';
import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { assertNever } from '../../shared-kernel/decider';
import { DunningHold, holdAfter } from '../../tenancy/domain';
import type { CouponUsage } from './discounts';
import {
  BillingGrid,
  ChargeInForce,
  InvoicingOption,
  PlanAssigned,
  PlanInstanceEvent,
  PlanInstanceStatus,
  PlanSnapshot,
  ProrationRule,
  ScheduledChange,
  UsageBilling,
} from './plan-instance.events';
import {
  usageAfterSwitch,
  usageFromStart,
} from './usage-charges';

/** One plan assigned to one account, as its stream says it is. */
export interface PlanInstance {
  id: string;
  accountId: string;
  plan: PlanSnapshot;
  quantity: number;
  status: PlanInstanceStatus;
  billingGroupId: string | null;
  dunningGroupId: string | null;
  startDate: CalendarDate;
  grid: BillingGrid;
  invoicingOption: InvoicingOption;
  /** The first day not billed yet; null once cancelled. */
  nextBillDate: CalendarDate | null;
  /** What the period in force was charged (credits refund from these). */
  charges: ChargeInForce[];
  invoiceCount: number;
  pending: ScheduledChange | null;
  /** The effective date of the last quantity change or switch: a cancellation may not go back before it. */
  lastChangeOn: CalendarDate | null;
  cancelledOn: CalendarDate | null;
  warnings: string[];
  /** How far usage is billed per usage service, and how much late usage was billed (DOMAIN.md §6). */
  usage: UsageBilling;
  /** The day of the last PlanInstanceBillingFailed not yet superseded by a billing; absent otherwise. */
  billingFailedOn?: CalendarDate;
  /** What a dunning case changed and would restore (tenancy/domain/statuses.ts); absent when none. */
  dunningHold?: DunningHold;
  /** The client's key → value pairs (issue 22); absent when none. */
  metadata?: Metadata;
  /**
   * Present while a future-dated assignment waits for its start date (the API shows status "pending"): the bill
   * run starts it on `on` with the assignment's proration rule for a stub, as if it were assigned that day.
   */
  activation?: Activation;
  /** How far the account's coupon has gone on this instance (discounts.ts); absent until one discounted it. */
  coupon?: CouponUsage;
}

export interface Activation {
  on: CalendarDate;
  prorationRule: ProrationRule;
}

/** What the API calls the instance's status: "pending" until a future-dated assignment starts. */
export function shownStatus(state: PlanInstance): PlanInstanceStatus {
  return state.activation ? 'pending' : state.status;
}

export type PlanInstanceState = PlanInstance | null;

/** An instance after one more event of its stream (the decider's evolve; the billing run replays its own events with it). */
export function evolvePlanInstance(state: PlanInstanceState, event: PlanInstanceEvent): PlanInstanceState {
  if (event.type === 'PlanAssigned') return assigned(event.data);
  if (state === null) throw new Error(`${event.type} before PlanAssigned`);
  switch (event.type) {
    case 'PlanInstanceBilled': {
      // Billed again: a failure recorded before is over (copied without it only when there is one: the bill run's hot path).
      const billed = state.billingFailedOn === undefined ? state : withoutBillingFailure(state);
      return {
        ...billed,
        nextBillDate: event.data.nextBillDate,
        charges: event.data.charges,
        invoiceCount: state.invoiceCount + (event.data.invoice ? 1 : 0),
        usage: event.data.usage ?? state.usage,
        ...(event.data.coupon ? { coupon: event.data.coupon } : {}),
      };
    }
    case 'PlanQuantityChanged':
      return { ...state, quantity: event.data.to, lastChangeOn: event.data.effectiveDate };
    case 'PlanSwitched':
      return {
        ...state,
        plan: event.data.plan,
        grid: event.data.grid,
        usage: usageAfterSwitch(state.usage, event.data.plan, event.data.effectiveDate),
        pending: state.pending?.kind === 'switch' ? null : state.pending,
        lastChangeOn: event.data.effectiveDate,
      };
    case 'PlanChangeScheduled':
      return { ...state, pending: event.data.change };
    case 'PlanInstanceBillingFailed':
      return { ...state, billingFailedOn: event.data.date };
    case 'PlanInstanceStatusChanged': {
      const { dunningHold: _before, ...rest } = state;
      const hold = holdAfter(state.dunningHold, event.data);
      return hold ? { ...rest, status: event.data.to, dunningHold: hold } : { ...rest, status: event.data.to };
    }
    case 'PlanCancelled': {
      const { activation: _never, ...rest } = state; // cancelled before its start: it never starts
      return { ...rest, status: 'cancelled', cancelledOn: event.data.effectiveDate, nextBillDate: null, charges: [], pending: null };
    }
    case 'PlanInstanceBillDateReset':
      return { ...state, grid: event.data.grid, lastChangeOn: event.data.effectiveDate };
    case 'PlanInstanceActivated': {
      const { activation: _started, ...rest } = state;
      return rest;
    }
    case 'PlanInstanceMetadataChanged': {
      const { metadata: _before, ...rest } = state;
      return Object.keys(event.data.metadata).length > 0 ? { ...rest, metadata: event.data.metadata } : rest;
    }
    default:
      return assertNever(event);
  }
}

/** A new instance, from its PlanAssigned. */
export function assigned(data: PlanAssigned['data']): PlanInstance {
  return {
    id: data.planInstanceId,
    accountId: data.accountId,
    plan: data.plan,
    quantity: data.quantity,
    status: data.status,
    billingGroupId: data.billingGroupId,
    dunningGroupId: data.dunningGroupId,
    startDate: data.startDate,
    grid: { anchorDate: data.anchorDate, billDay: data.billDay, interval: data.plan.billingInterval },
    invoicingOption: data.invoicingOption,
    nextBillDate: data.startDate,
    charges: [],
    invoiceCount: 0,
    pending: null,
    lastChangeOn: null,
    cancelledOn: null,
    warnings: data.warnings,
    usage: usageFromStart(data.plan, data.startDate),
    ...(data.metadata ? { metadata: data.metadata } : {}),
    ...(compareDates(data.startDate, data.assignedOn) > 0 ? { activation: { on: data.startDate, prorationRule: data.prorationRule } } : {}),
  };
}

function withoutBillingFailure(state: PlanInstance): PlanInstance {
  const { billingFailedOn: _cleared, ...rest } = state;
  return rest;
}
