import { toDomainEvent } from '../../../libs/command-pipeline/decider-runner';
import { planDecider } from '../../../libs/domain/catalog/plan.decider';
import { PlanEvent } from '../../../libs/domain/catalog/plan.events';
import { fold } from '../../../libs/domain/shared/decider';
import { PlanSnapshot } from '../../../libs/domain/subscriptions/plan-instance.events';
import { EventStore } from '../../../libs/event-store/event-store.port';
import { planStream } from './create-plan';

/** The plan's current version, whole, as a plan instance keeps it; null when there is no such plan. */
export async function loadPlanSnapshot(events: EventStore, tenantId: string, planId: string): Promise<PlanSnapshot | null> {
  const state = fold(planDecider, (await events.readStream(planStream(tenantId, planId))).map(toDomainEvent) as PlanEvent[]);
  if (state === null) return null;
  const { id, version, name, currency, billingInterval, services } = state.current;
  return { id, version, name, currency, billingInterval, services };
}
