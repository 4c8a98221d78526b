import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { endpointWants, PUBLISHED_TYPES } from '../domain';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { WEBHOOK_ENDPOINTS, WebhookEndpointDoc, webhookEndpointsProjection } from '../read-model';
import { ReadModelAt } from '../../platform/process-manager-runtime/read-model-at';

/** A tenant's enabled endpoints, from their read model once it passed the event (every endpoint created before it is there). */
const enabledEndpoints = new ReadModelAt(webhookEndpointsProjection.name, async (store: ReadStore, tenantId: string) =>
  (await store.find<WebhookEndpointDoc>(WEBHOOK_ENDPOINTS, tenantId, { filter: { status: 'enabled' }, limit: 1000 })).items,
);

/**
 * Webhooks from the log: each published event becomes one RequestWebhookDelivery per enabled endpoint of its tenant
 * whose filter takes it, each in a lane of its own. The command only records the request and hands the HTTP attempt to
 * the deliverer, so this consumer never waits for an endpoint: its checkpoint moves once the requests are written,
 * and from then on the log holds every delivery still owed (a crash delays a delivery, never loses it).
 */
export const webhookDeliveryProcessManager: ProcessManager = {
  name: 'webhook-delivery',
  eventTypes: PUBLISHED_TYPES,
  lanesAcrossEvents: true,
  async react(event, context) {
    const { tenantId } = event.metadata;
    const endpoints = await enabledEndpoints.at(context.store, tenantId, event.position);
    return endpoints
      .filter((endpoint) => endpointWants(endpoint.events, event.type))
      .map(
        (endpoint): PmCommand => ({
          type: 'RequestWebhookDelivery',
          data: { endpointId: endpoint.endpointId, eventId: event.id, eventType: event.type, position: event.position, occurredAt: event.recordedAt },
          key: `webhook:${endpoint.endpointId}`,
          // A lane per delivery, not per endpoint: each request is its own stream, so they share group commits
          // (per endpoint they ran one commit after another: 84 deliveries/s). Receivers order on the position.
          lane: `${endpoint.endpointId}.${event.id}`,
        }),
      );
  },
};
