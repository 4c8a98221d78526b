import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { AttemptOutcome, WebhookDeliveryEvent, webhookDeliveryKey, WebhookEndpointEvent } from '../domain';

/** A tenant's webhook endpoints (id: the endpoint's), deleted ones removed. Never the secret. */
export const WEBHOOK_ENDPOINTS = 'webhookEndpoints';
/** One per endpoint and event (id `<endpointId>.<eventId>`), with its attempts, newest round first. */
export const WEBHOOK_DELIVERIES = 'webhookDeliveries';
/** Attempts kept per delivery document (the log keeps them all). */
const ATTEMPTS_KEPT = 100;

export interface WebhookEndpointDoc extends Doc {
  endpointId: string;
  url: string;
  events: string[];
  status: 'enabled' | 'disabled';
  description: string | null;
  createdAt: string;
  disabledReason: string | null;
  sequence: number;
}

export interface WebhookDeliveryDoc extends Doc {
  endpointId: string;
  eventId: string;
  eventType: string;
  position: number;
  occurredAt: string;
  status: 'pending' | 'delivered' | 'abandoned';
  round: number;
  attempts: (AttemptOutcome & { round: number; attempt: number })[];
  /** Log position of the last request: deliveries list newest first. */
  sequence: number;
}

const ENDPOINT_EVENTS: WebhookEndpointEvent['type'][] = ['WebhookEndpointCreated', 'WebhookEndpointSecretRotated', 'WebhookEndpointDisabled', 'WebhookEndpointEnabled', 'WebhookEndpointDeleted'];
const DELIVERY_EVENTS: WebhookDeliveryEvent['type'][] = ['WebhookDeliveryRequested', 'WebhookDeliveryAttempted', 'WebhookDeliveryAbandoned'];

export const webhookEndpointsProjection: Projector = {
  name: 'webhook-endpoints',
  collections: [{ name: WEBHOOK_ENDPOINTS, indexes: ['status', 'sequence'] }],
  eventTypes: ENDPOINT_EVENTS,
  async project(recorded, view) {
    const event = recorded as unknown as RecordedEvent & WebhookEndpointEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const id = event.data.endpointId;
    const patch = (fields: Partial<WebhookEndpointDoc>): DocWrite[] => [{ op: 'patch', collection: WEBHOOK_ENDPOINTS, tenantId, id, fields, position }];
    switch (event.type) {
      case 'WebhookEndpointCreated': {
        const { endpointId, url, events, description, createdAt } = event.data;
        const doc: WebhookEndpointDoc = { endpointId, url, events, status: 'enabled', description, createdAt, disabledReason: null, sequence: position };
        return [{ op: 'upsert', collection: WEBHOOK_ENDPOINTS, tenantId, id, doc, position }];
      }
      case 'WebhookEndpointSecretRotated':
        return [];
      case 'WebhookEndpointDisabled':
        return patch({ status: 'disabled', disabledReason: event.data.detail ?? event.data.reason });
      case 'WebhookEndpointEnabled':
        return patch({ status: 'enabled', disabledReason: null });
      case 'WebhookEndpointDeleted':
        return [{ op: 'delete', collection: WEBHOOK_ENDPOINTS, tenantId, id, position }];
    }
  },
};

export const webhookDeliveriesProjection: Projector = {
  name: 'webhook-deliveries',
  collections: [{ name: WEBHOOK_DELIVERIES, indexes: ['endpointId', 'sequence', 'status'] }],
  eventTypes: DELIVERY_EVENTS,
  async project(recorded, view) {
    const event = recorded as unknown as RecordedEvent & WebhookDeliveryEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const id = webhookDeliveryKey(tenantId, recorded.streamName);
    const current = (await view.get(WEBHOOK_DELIVERIES, tenantId, id)) as WebhookDeliveryDoc | null;
    const write = (doc: WebhookDeliveryDoc): DocWrite[] => [{ op: 'upsert', collection: WEBHOOK_DELIVERIES, tenantId, id, doc, position }];
    switch (event.type) {
      case 'WebhookDeliveryRequested': {
        const { endpointId, eventId, eventType, position: eventPosition, occurredAt, round } = event.data;
        return write({ endpointId, eventId, eventType, position: eventPosition, occurredAt, status: 'pending', round, attempts: current?.attempts ?? [], sequence: position });
      }
      case 'WebhookDeliveryAttempted': {
        if (!current) return [];
        const { endpointId: _endpoint, eventId: _event, ...attempt } = event.data;
        const attempts = [attempt, ...current.attempts].slice(0, ATTEMPTS_KEPT);
        return write({ ...current, attempts, status: attempt.ok ? 'delivered' : current.status });
      }
      case 'WebhookDeliveryAbandoned':
        return current ? write({ ...current, status: 'abandoned' }) : [];
    }
  },
  prefetch: (event) => [{ collection: WEBHOOK_DELIVERIES, tenantId: event.metadata.tenantId, id: webhookDeliveryKey(event.metadata.tenantId, event.streamName) }],
};
