import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { optional, text } from '../../shared-kernel/validation';
import { isPublished } from './catalog';
import { webhookUrl } from './webhook-url';

/**
 * One tenant's webhook endpoint (stream `webhookEndpoint-<tenant>.<id>`). The signing secret is never in an event:
 * only its ciphertext (AES-256-GCM under a key outside the database), made by the application layer.
 */
export type WebhookEndpointEvent =
  | {
      type: 'WebhookEndpointCreated';
      data: { endpointId: string; url: string; events: string[]; description: string | null; secretCiphertext: string; sandbox: boolean; createdAt: string };
    }
  | { type: 'WebhookEndpointSecretRotated'; data: { endpointId: string; secretCiphertext: string; rotatedAt: string } }
  | { type: 'WebhookEndpointDisabled'; data: { endpointId: string; url: string; reason: 'requested' | 'failing'; detail: string | null; disabledAt: string } }
  | { type: 'WebhookEndpointEnabled'; data: { endpointId: string; enabledAt: string } }
  | { type: 'WebhookEndpointDeleted'; data: { endpointId: string; deletedAt: string } };

export type WebhookEndpointCommand =
  | {
      type: 'CreateWebhookEndpoint';
      data: { endpointId: string; url: unknown; events: unknown; description: unknown; secretCiphertext: string; sandbox: boolean; allowPrivate: boolean; at: string };
    }
  | { type: 'RotateWebhookSecret'; data: { endpointId: string; secretCiphertext: string; at: string } }
  | { type: 'DisableWebhookEndpoint'; data: { endpointId: string; reason: 'requested' | 'failing'; detail?: string; at: string } }
  | { type: 'EnableWebhookEndpoint'; data: { endpointId: string; at: string } }
  | { type: 'DeleteWebhookEndpoint'; data: { endpointId: string; at: string } };

export interface WebhookEndpointState {
  status: 'none' | 'enabled' | 'disabled' | 'deleted';
  endpointId: string;
  url: string;
  events: string[];
  description: string | null;
  secretCiphertext: string;
  sandbox: boolean;
}

export const initialEndpointState: WebhookEndpointState = { status: 'none', endpointId: '', url: '', events: [], description: null, secretCiphertext: '', sandbox: false };

export const DESCRIPTION_MAX_LENGTH = 500;
export const MAX_EVENT_TYPES = 100;

export const webhookEndpointDecider: Decider<WebhookEndpointCommand, WebhookEndpointEvent, WebhookEndpointState> = {
  initialState: initialEndpointState,
  decide(command, state) {
    switch (command.type) {
      case 'CreateWebhookEndpoint': {
        const { endpointId, secretCiphertext, sandbox, at } = command.data;
        const url = webhookUrl(command.data.url, command.data.allowPrivate);
        const events = eventFilter(command.data.events);
        const description = descriptionOf(command.data.description);
        if (state.status !== 'none') throw new ConflictError(`webhook endpoint ${endpointId} already exists`, [{ field: 'id', rule: 'unique', message: 'use a new id' }]);
        return [{ type: 'WebhookEndpointCreated', data: { endpointId, url, events, description, secretCiphertext, sandbox, createdAt: at } }];
      }
      case 'RotateWebhookSecret':
        existing(state, command.data.endpointId);
        return [{ type: 'WebhookEndpointSecretRotated', data: { endpointId: state.endpointId, secretCiphertext: command.data.secretCiphertext, rotatedAt: command.data.at } }];
      case 'DisableWebhookEndpoint': {
        existing(state, command.data.endpointId);
        if (state.status === 'disabled') return [];
        const { reason, detail, at } = command.data;
        return [{ type: 'WebhookEndpointDisabled', data: { endpointId: state.endpointId, url: state.url, reason, detail: detail ?? null, disabledAt: at } }];
      }
      case 'EnableWebhookEndpoint':
        existing(state, command.data.endpointId);
        return state.status === 'enabled' ? [] : [{ type: 'WebhookEndpointEnabled', data: { endpointId: state.endpointId, enabledAt: command.data.at } }];
      case 'DeleteWebhookEndpoint':
        existing(state, command.data.endpointId);
        return [{ type: 'WebhookEndpointDeleted', data: { endpointId: state.endpointId, deletedAt: command.data.at } }];
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookEndpointCreated': {
        const { endpointId, url, events, description, secretCiphertext, sandbox } = event.data;
        return { status: 'enabled', endpointId, url, events, description, secretCiphertext, sandbox };
      }
      case 'WebhookEndpointSecretRotated':
        return { ...state, secretCiphertext: event.data.secretCiphertext };
      case 'WebhookEndpointDisabled':
        return { ...state, status: 'disabled' };
      case 'WebhookEndpointEnabled':
        return { ...state, status: 'enabled' };
      case 'WebhookEndpointDeleted':
        return { ...state, status: 'deleted' };
      default:
        return assertNever(event);
    }
  },
};

export function webhookEndpointStream(tenantId: string, endpointId: string): string {
  return streamName('webhookEndpoint', tenantId, endpointId);
}

/** Whether an endpoint's filter takes an event type. */
export function endpointWants(events: readonly string[], type: string): boolean {
  return events.includes('*') || events.includes(type);
}

function existing(state: WebhookEndpointState, endpointId: string): void {
  if (state.status === 'none' || state.status === 'deleted') throw new NotFoundError('Webhook endpoint', endpointId);
}

/** Absent: every published event. Else `["*"]` or a list of published types (GET /v1/webhook-events). */
export function eventFilter(value: unknown): string[] {
  if (value === undefined || value === null) return ['*'];
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_EVENT_TYPES) {
    throw InvalidInputError.forField('events', 'eventList', `events must be ["*"] or a list of 1 to ${MAX_EVENT_TYPES} event types from GET /v1/webhook-events`);
  }
  const types: string[] = [];
  value.forEach((type, index) => {
    if (type === '*' && value.length === 1) return types.push('*');
    if (typeof type !== 'string' || !isPublished(type)) {
      const got = typeof type === 'string' ? type.slice(0, 100) : typeof type;
      throw InvalidInputError.forField(`events[${index}]`, 'knownEventType', `events[${index}] must be "*" alone or a published event type from GET /v1/webhook-events (got ${JSON.stringify(got)})`);
    }
    if (!types.includes(type)) types.push(type);
  });
  return types;
}

function descriptionOf(value: unknown): string | null {
  return optional(value, 'description', (given, field) => text(given, field, DESCRIPTION_MAX_LENGTH));
}
