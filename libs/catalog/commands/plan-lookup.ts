import { toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { planDecider, planStream } from '../domain/plan.decider';
import { PlanEvent, PlanSnapshot } from '../domain/plan.events';
import { fold } from '../../shared-kernel/decider';
import { EventStore } from '../../platform/event-store/event-store.port';

/** The plan's current version, whole, as a plan instance keeps it; null when there is no such plan. */
export async function loadPlanSnapshot(events: EventStore, tenantId: string, planId: string): Promise<PlanSnapshot | null> {
  const state = fold(planDecider, (await events.readStream(planStream(tenantId, planId))).map(toDomainEvent) as PlanEvent[]);
  if (state === null) return null;
  const { id, version, name, currency, billingInterval, services } = state.current;
  return { id, version, name, currency, billingInterval, services };
}
