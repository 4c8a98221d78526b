import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import type { PlanEvent } from '../domain/plan.events';

export const PLANS = 'plans';
export const PLAN_VERSIONS = 'planVersions';

/** A version's document id: plan ids never contain '@' (ID_PATTERN), so the pair is unambiguous. */
export function planVersionId(planId: string, version: number): string {
  return `${planId}@${version}`;
}

/**
 * `plans`: the current version of each plan (GET /v1/plans, /v1/plans/{id}).
 * `planVersions`: every version ever published (GET /v1/plans/{id}/versions/{n}), since plan instances
 * keep the version they were assigned. Both are written whole from the event, so replays are exact.
 */
export const plansProjection: Projector = {
  name: 'plans',
  collections: [
    { name: PLANS, indexes: ['name'] },
    { name: PLAN_VERSIONS, indexes: ['planId', 'version'] },
  ],
  eventTypes: ['PlanCreated', 'PlanRevised', 'PlanMetadataChanged'],
  project(recorded: RecordedEvent): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & PlanEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    switch (event.type) {
      case 'PlanCreated':
      case 'PlanRevised': {
        const { planId, version, name, currency, billingInterval, services } = event.data;
        const plan = { name, currency, billingInterval, services, version };
        // A revision patches the current version's fields: the plan's metadata (outside versions) stays.
        const current: DocWrite =
          event.type === 'PlanCreated'
            ? { op: 'upsert', collection: PLANS, tenantId, id: planId, doc: { ...plan, ...(event.data.metadata ? { metadata: event.data.metadata } : {}) }, position }
            : { op: 'patch', collection: PLANS, tenantId, id: planId, fields: plan, position };
        return [
          current,
          { op: 'upsert', collection: PLAN_VERSIONS, tenantId, id: planVersionId(planId, version), doc: { planId, ...plan }, position },
        ];
      }
      case 'PlanMetadataChanged':
        return [{ op: 'patch', collection: PLANS, tenantId, id: event.data.planId, fields: { metadata: event.data.metadata }, position }];
      default:
        return [];
    }
  },
};
