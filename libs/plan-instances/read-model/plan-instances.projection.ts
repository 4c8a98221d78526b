import type { Metadata } from '../../shared-kernel/metadata';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite, StoredDoc, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { BillingInterval } from '../../catalog/domain';
import type { CalendarDate } from '../../shared-kernel/calendar-date';
import type { InvoicingOption, PlanInstanceEvent, PlanInstanceStatus, ScheduledChange } from '../domain/plan-instance.events';
import { usageAfterSwitch, usageFromStart } from '../domain/usage-charges';

export const PLAN_INSTANCES = 'planInstances';
/**
 * Process-wide (tenant `_system`, id `<tenantId>:<planInstanceId>`): every instance the bill run cannot bill
 * now, across tenants, so /health can count them (the manifest's `healthCounts`). Removed when it is billed.
 */
export const BILLING_FAILURES = 'billingFailures';

/** A change the bill run will apply, without the plan's services (the instance's stream has them). */
export interface PendingChangeDoc {
  kind: ScheduledChange['kind'];
  effectiveDate: CalendarDate;
  /** A switch only: the plan and version it switches to. */
  planId?: string;
  planVersion?: number;
}

/** One per plan instance (id = planInstanceId): what it bills now and when it next needs the bill run. */
export interface PlanInstanceDoc extends Doc {
  accountId: string;
  planId: string;
  planVersion: number;
  planName: string;
  currency: string;
  quantity: number;
  status: PlanInstanceStatus;
  billDay: number;
  /** The first day not billed yet; null once cancelled. */
  nextBillDate: CalendarDate | null;
  startDate: CalendarDate;
  anchorDate: CalendarDate;
  billingInterval: BillingInterval;
  billingGroupId: string | null;
  dunningGroupId: string | null;
  invoicingOption: InvoicingOption;
  /** The effective date of the cancellation (the first day without service), or null. */
  cancelledOn: CalendarDate | null;
  pendingChange: PendingChangeDoc | null;
  /** The daily bill run's key: the earlier of nextBillDate and pendingChange.effectiveDate; null once cancelled. */
  nextActionDate: CalendarDate | null;
  /** Plans with usage services only: per usage service, the first day whose usage is not billed yet (where the bill run reads usage from). */
  usageBilledTo?: Record<string, CalendarDate>;
  /** Set by PlanInstanceBillingFailed (why the bill run could not bill it), null after the next billing; absent if it never failed. */
  billingError?: BillingErrorDoc | null;
  /** The client's key → value pairs: absent until some are given, {} once all are removed. */
  metadata?: Metadata;
}

export interface BillingErrorDoc {
  date: CalendarDate;
  reason: string;
  field: string | null;
  rule: string | null;
}

/**
 * `planInstances`: every plan instance with its billing state, answered by GET /v1/plan-instances/{id} and
 * /v1/accounts/{id}/plan-instances, and queried by the bill run on `nextActionDate`.
 *
 * PlanAssigned creates the document with nextBillDate = startDate; the PlanInstanceBilled that follows it in
 * the same append (and every later one) carries the authoritative nextBillDate. Every other event patches the
 * document, reading it through the view (which sees the batch's pending writes) to recompute nextActionDate.
 */
export const planInstancesProjection: Projector = {
  name: 'planInstances',
  collections: [
    // planId: GET /v1/plan-instances?planId= (the field is in every document: no rebuild needed for it).
    { name: PLAN_INSTANCES, indexes: ['accountId', 'status', 'nextActionDate', 'planId'] },
    { name: BILLING_FAILURES, indexes: [] },
  ],
  eventTypes: [
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
  ],
  // Every event reads its instance: a batch's instances are read in one query (a bill run's chunk: ~1,000).
  prefetch: (recorded) => [{ collection: PLAN_INSTANCES, tenantId: recorded.metadata.tenantId, id: (recorded.data as { planInstanceId: string }).planInstanceId }],
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & PlanInstanceEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const id = event.data.planInstanceId;
    const current = (await view.get(PLAN_INSTANCES, tenantId, id)) as StoredDoc<PlanInstanceDoc> | null;
    // `_position` is the stored document's (pending writes of this batch do not move it, and are all earlier
    // than this event): at or past this event means the event was already applied and committed, which a
    // redelivery after a crash can show (a store whose checkpoint is not in the writes' transaction, a
    // rebuild stopped half-way). Re-deriving from the later state, then folding into the batch's later
    // writes, would undo what came after; so such an event changes nothing.
    if (current && current._position >= position) return [];

    if (event.type === 'PlanAssigned') {
      const { accountId, plan, quantity, billingGroupId, dunningGroupId, startDate, anchorDate, billDay, invoicingOption } = event.data;
      // A future-dated assignment is "pending" until PlanInstanceActivated says which status it starts in.
      const status = startDate > event.data.assignedOn ? 'pending' : event.data.status;
      const doc: PlanInstanceDoc = {
        accountId,
        planId: plan.id,
        planVersion: plan.version,
        planName: plan.name,
        currency: plan.currency,
        quantity,
        status,
        billDay,
        nextBillDate: startDate,
        startDate,
        anchorDate,
        billingInterval: plan.billingInterval,
        billingGroupId,
        dunningGroupId,
        invoicingOption,
        cancelledOn: null,
        pendingChange: null,
        nextActionDate: startDate,
        ...usageBilledToOf(usageFromStart(plan, startDate).billedTo),
        ...(event.data.metadata ? { metadata: event.data.metadata } : {}),
      };
      return [{ op: 'upsert', collection: PLAN_INSTANCES, tenantId, id, doc, position }];
    }

    // Every other event changes an existing instance; one without its PlanAssigned (impossible from the decider) is ignored.
    if (!current) return [];
    const patch = (fields: Partial<PlanInstanceDoc>): DocWrite[] => {
      const next = { ...current, ...fields };
      const nextActionDate = actionDate(next.status, next.nextBillDate, next.pendingChange);
      return [{ op: 'patch', collection: PLAN_INSTANCES, tenantId, id, fields: { ...fields, nextActionDate }, position }];
    };
    switch (event.type) {
      case 'PlanInstanceBilled': {
        // A cancelled instance bills nothing more: a closing (credit) billing recorded after PlanCancelled keeps it null.
        if (current.status === 'cancelled') return [];
        const billed = patch({
          nextBillDate: event.data.nextBillDate,
          ...(event.data.usage ? { usageBilledTo: event.data.usage.billedTo } : {}),
          ...(current.billingError ? { billingError: null } : {}), // billed again: the failure is over
        });
        if (!current.billingError) return billed;
        return [...billed, { op: 'delete', collection: BILLING_FAILURES, tenantId: SYSTEM_TENANT, id: `${tenantId}:${id}`, position }];
      }
      case 'PlanQuantityChanged':
        return patch({ quantity: event.data.to });
      case 'PlanSwitched': {
        const { plan, grid } = event.data;
        return patch({
          planId: plan.id,
          planVersion: plan.version,
          planName: plan.name,
          currency: plan.currency,
          billingInterval: grid.interval,
          billDay: grid.billDay,
          anchorDate: grid.anchorDate,
          pendingChange: current.pendingChange?.kind === 'switch' ? null : current.pendingChange,
          ...usageBilledToOf(usageAfterSwitch({ billedTo: current.usageBilledTo ?? {}, lateBilled: {} }, plan, event.data.effectiveDate).billedTo, current.usageBilledTo),
        });
      }
      case 'PlanChangeScheduled':
        return patch({ pendingChange: pendingChangeOf(event.data.change) });
      case 'PlanInstanceBillingFailed': {
        const { date, reason, field, rule } = event.data;
        const failure = { tenantId, planInstanceId: id, accountId: current.accountId, date, reason };
        return [
          ...patch({ billingError: { date, reason, field, rule } }),
          { op: 'upsert', collection: BILLING_FAILURES, tenantId: SYSTEM_TENANT, id: `${tenantId}:${id}`, doc: failure, position },
        ];
      }
      case 'PlanInstanceStatusChanged':
        // Before its start the instance stays "pending"; the status it starts in comes with PlanInstanceActivated.
        return current.status === 'pending' ? [] : patch({ status: event.data.to });
      case 'PlanInstanceActivated':
        return patch({ status: event.data.status });
      case 'PlanInstanceBillDateReset':
        return patch({ billDay: event.data.grid.billDay, anchorDate: event.data.grid.anchorDate });
      case 'PlanInstanceMetadataChanged':
        return patch({ metadata: event.data.metadata });
      case 'PlanCancelled':
        return patch({ status: 'cancelled', cancelledOn: event.data.effectiveDate, nextBillDate: null, pendingChange: null });
      default:
        return [];
    }
  },
};

/** The field only for plans with usage services (or that had some), so other documents stay as they were. */
function usageBilledToOf(billedTo: Record<string, CalendarDate>, before?: Record<string, CalendarDate>): { usageBilledTo?: Record<string, CalendarDate> } {
  return Object.keys(billedTo).length > 0 || before !== undefined ? { usageBilledTo: billedTo } : {};
}

function pendingChangeOf(change: ScheduledChange): PendingChangeDoc {
  return change.kind === 'switch'
    ? { kind: 'switch', effectiveDate: change.effectiveDate, planId: change.plan.id, planVersion: change.plan.version }
    : { kind: 'cancel', effectiveDate: change.effectiveDate };
}

/**
 * The earlier of the next bill date and the pending change's date (YYYY-MM-DD compares as text); null once
 * cancelled. Any other status stays due: a non-billable instance's periods are skipped by the bill run, not left due.
 */
export function actionDate(status: PlanInstanceStatus, nextBillDate: CalendarDate | null, pendingChange: PendingChangeDoc | null): CalendarDate | null {
  if (status === 'cancelled') return null;
  const dates = [nextBillDate, pendingChange?.effectiveDate ?? null].filter((date): date is CalendarDate => date !== null);
  if (dates.length === 0) return null;
  return dates.reduce((earliest, date) => (date < earliest ? date : earliest));
}
