import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { endpointWants, PUBLISHED_TYPES } from '../domain';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { WEBHOOK_ENDPOINTS, WebhookEndpointDoc, webhookEndpointsProjection } from '../read-model';

/** How long the endpoints' read model may lag behind an event before the batch fails (and is retried, then parked). */
const ENDPOINTS_WAIT_MS = 10 * 60_000;
const POLL_MS = 20;

/**
 * Every endpoint created before `position` is in the read model once the endpoints' projector passed it. Only that
 * projector is waited for, and long: during a bill run the projectors run far behind the process managers, and
 * waiting for all of them with the read-your-writes timeout (5 s) failed batches of 100,000 invoices.
 */
async function endpointsAt(store: ReadStore, position: number): Promise<void> {
  for (const deadline = Date.now() + ENDPOINTS_WAIT_MS; ((await store.getCheckpoint(webhookEndpointsProjection.name)) ?? 0) < position; ) {
    if (Date.now() > deadline) throw new Error(`the webhook endpoints' read model did not reach position ${position} in ${ENDPOINTS_WAIT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

/**
 * Webhooks from the log: each published event becomes one RequestWebhookDelivery per enabled endpoint of its tenant
 * whose filter takes it, in a lane per endpoint. The command only records the request and hands the HTTP attempt to
 * the deliverer, so this consumer never waits for an endpoint: its checkpoint moves once the requests are written,
 * and from then on the log holds every delivery still owed (a crash delays a delivery, never loses it).
 */
export const webhookDeliveryProcessManager: ProcessManager = {
  name: 'webhook-delivery',
  eventTypes: PUBLISHED_TYPES,
  lanesAcrossEvents: true,
  async react(event, context) {
    const { tenantId } = event.metadata;
    await endpointsAt(context.store, event.position); // every endpoint created before the event is in the read model
    const endpoints = await context.store.find<WebhookEndpointDoc>(WEBHOOK_ENDPOINTS, tenantId, { filter: { status: 'enabled' }, limit: 1000 });
    return endpoints.items
      .filter((endpoint) => endpointWants(endpoint.events, event.type))
      .map(
        (endpoint): PmCommand => ({
          type: 'RequestWebhookDelivery',
          data: { endpointId: endpoint.endpointId, eventId: event.id, eventType: event.type, position: event.position, occurredAt: event.recordedAt },
          key: `webhook:${endpoint.endpointId}`,
          lane: endpoint.endpointId,
        }),
      );
  },
};
