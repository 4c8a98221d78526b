import { loadAccount } from '../../accounts';
import { EventStore } from '../../platform/event-store/event-store.port';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { TenantView } from '../../tenancy/domain';
import { billingFacts, instanceUsageFacts, loadPlanInstance } from '../commands/billing-lookups';
import { InvoiceResponse, scheduledInvoiceResponse } from '../commands/plan-instance-response';
import { PlanInstance } from '../domain/plan-instance';

/**
 * What GET /v1/plan-instances/{id} shows as `scheduledInvoice` (decision 0022): for a pending (future-dated) instance,
 * or one with a scheduled switch or cancellation, the invoice the bill run will post on that date if nothing else
 * changes, as the command that scheduled it answered. The same simulation (domain/scheduled-invoice.ts) on the
 * instance's own stream and the billing facts known today: one instance's pricing run, so only this one-instance
 * read does it, never a list. null when nothing will post that day, or when the simulation breaks a rule (as the
 * commands' answers do).
 */
export async function scheduledInvoiceOf(events: EventStore, store: ReadStore, tenant: TenantView, planInstanceId: string, today: CalendarDate): Promise<InvoiceResponse | null> {
  const instance = (await loadPlanInstance(events, tenant.id, planInstanceId)) as PlanInstance | null;
  if (instance === null) return null;
  const date = scheduledDate(instance, today);
  if (date === null) return null;
  const planIds = [instance.plan.id, ...(instance.pending?.kind === 'switch' ? [instance.pending.plan.id] : [])];
  const account = await loadAccount(events, tenant.id, instance.accountId);
  const usage = await instanceUsageFacts(store, tenant.id, instance, today, null);
  const facts = await billingFacts(store, tenant, today, account, instance.accountId, planIds, usage);
  return scheduledInvoiceResponse(instance, facts, date);
}

/** The nearest dated event after today: the start of a pending instance, else its scheduled switch or cancellation. */
export function scheduledDate(instance: PlanInstance, today: CalendarDate): CalendarDate | null {
  const dates = [instance.activation?.on, instance.pending?.effectiveDate].filter((date): date is CalendarDate => date !== undefined && compareDates(date, today) > 0);
  return dates.sort(compareDates)[0] ?? null;
}
