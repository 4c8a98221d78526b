import { assertNever, Decider } from '../../shared-kernel/decider';
import { streamName } from '../../shared-kernel/streams';

/** A failing delivery is retried this long after its round began; then it is abandoned and the endpoint disabled. */
export const RETRY_WINDOW_MS = 3 * 24 * 60 * 60 * 1000;
/** Back-off stops doubling here, so a three-day window still sees an attempt every few hours. */
export const MAX_RETRY_DELAY_MS = 6 * 60 * 60 * 1000;
export const SNIPPET_MAX_LENGTH = 500;

export interface AttemptOutcome {
  at: string;
  ok: boolean;
  /** The HTTP status; null when no answer came (timeout, refused connection). */
  status: number | null;
  durationMs: number;
  responseSnippet: string | null;
  error: string | null;
}

/**
 * One event's delivery to one endpoint (stream `webhookDelivery-<tenant>.<endpointId>.<eventId>`): requested once
 * per round (the first when the event is published, one more per redeliver), then every attempt, until one is
 * answered 2xx or the round is abandoned three days after it began.
 */
export type WebhookDeliveryEvent =
  | {
      type: 'WebhookDeliveryRequested';
      data: { endpointId: string; eventId: string; eventType: string; position: number; occurredAt: string; reason: 'published' | 'redeliver'; round: number; requestedAt: string };
    }
  | { type: 'WebhookDeliveryAttempted'; data: AttemptOutcome & { endpointId: string; eventId: string; round: number; attempt: number } }
  | { type: 'WebhookDeliveryAbandoned'; data: { endpointId: string; eventId: string; round: number; attempts: number; abandonedAt: string } };

export type WebhookDeliveryCommand =
  | {
      type: 'RequestWebhookDelivery';
      data: { endpointId: string; eventId: string; eventType: string; position: number; occurredAt: string; reason: 'published' | 'redeliver'; at: string };
    }
  | { type: 'RecordWebhookAttempt'; data: AttemptOutcome & { round: number } };

export interface WebhookDeliveryState {
  status: 'none' | 'pending' | 'delivered' | 'abandoned';
  endpointId: string;
  eventId: string;
  eventType: string;
  position: number;
  round: number;
  roundStartedAt: string;
  /** Attempts of the current round. */
  attempts: number;
}

export const initialDeliveryState: WebhookDeliveryState = { status: 'none', endpointId: '', eventId: '', eventType: '', position: 0, round: 0, roundStartedAt: '', attempts: 0 };

export const webhookDeliveryDecider: Decider<WebhookDeliveryCommand, WebhookDeliveryEvent, WebhookDeliveryState> = {
  initialState: initialDeliveryState,
  decide(command, state) {
    switch (command.type) {
      case 'RequestWebhookDelivery': {
        const { at, ...rest } = command.data;
        // Publishing requests a delivery once; only a redeliver starts another round.
        if (state.status !== 'none' && rest.reason === 'published') return [];
        return [{ type: 'WebhookDeliveryRequested', data: { ...rest, round: state.round + 1, requestedAt: at } }];
      }
      case 'RecordWebhookAttempt': {
        const { round, ...outcome } = command.data;
        // An attempt of a finished or superseded round changes nothing (another process may have raced it).
        if (state.status !== 'pending' || round !== state.round) return [];
        const { endpointId, eventId } = state;
        const attempt = state.attempts + 1;
        const events: WebhookDeliveryEvent[] = [
          { type: 'WebhookDeliveryAttempted', data: { endpointId, eventId, round, attempt, ...outcome, responseSnippet: snippet(outcome.responseSnippet), error: snippet(outcome.error) } },
        ];
        if (!outcome.ok && Date.parse(outcome.at) - Date.parse(state.roundStartedAt) >= RETRY_WINDOW_MS) {
          events.push({ type: 'WebhookDeliveryAbandoned', data: { endpointId, eventId, round, attempts: attempt, abandonedAt: outcome.at } });
        }
        return events;
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'WebhookDeliveryRequested': {
        const { endpointId, eventId, eventType, position, round, requestedAt } = event.data;
        return { status: 'pending', endpointId, eventId, eventType, position, round, roundStartedAt: requestedAt, attempts: 0 };
      }
      case 'WebhookDeliveryAttempted':
        return { ...state, attempts: event.data.attempt, status: event.data.ok ? 'delivered' : state.status };
      case 'WebhookDeliveryAbandoned':
        return { ...state, status: 'abandoned' };
      default:
        return assertNever(event);
    }
  },
};

/** Digits of a log position in a delivery's stream name (Number.MAX_SAFE_INTEGER has 16). */
const POSITION_DIGITS = 16;

/**
 * A delivery's stream: the published event's log position, zero-padded, then the endpoint. The names sort as the log
 * does, so a new delivery's entries in the event store's stream index land beside the last one's. Named by the event
 * id (random), each new delivery dirtied a random page of that index, written to the WAL at every commit: about half
 * the pages the webhook load wrote (decision 0031).
 */
export function webhookDeliveryStream(tenantId: string, endpointId: string, position: number): string {
  return webhookDeliveryStreamOfKey(tenantId, `${String(position).padStart(POSITION_DIGITS, '0')}.${endpointId}`);
}

/** The stream of a delivery requested before decision 0031, named by the event id: still found where it is. */
export function legacyWebhookDeliveryStream(tenantId: string, endpointId: string, eventId: string): string {
  return webhookDeliveryStreamOfKey(tenantId, `${endpointId}.${eventId}`);
}

/**
 * A delivery's key: its stream's name after the tenant, whichever naming the stream has. It is the id of the
 * delivery's document in the delivery log (read model), so documents sort as their streams do (decision 0031), and
 * a document names its stream.
 */
export function webhookDeliveryKey(tenantId: string, stream: string): string {
  const prefix = webhookDeliveryStreamOfKey(tenantId, '');
  if (!stream.startsWith(prefix)) throw new RangeError(`${stream} is not a webhook delivery stream of tenant ${tenantId}`);
  return stream.slice(prefix.length);
}

export function webhookDeliveryStreamOfKey(tenantId: string, key: string): string {
  return streamName('webhookDelivery', tenantId, key);
}

/**
 * Exponential back-off with jitter: about base × 2^(attempt−1), capped, times a random factor in [0.5, 1)
 * ("equal jitter"), so endpoints that failed together do not retry together. `random` is in [0, 1).
 */
export function retryDelayMs(attempt: number, baseMs: number, random: number): number {
  const exponential = Math.min(baseMs * 2 ** Math.min(Math.max(attempt - 1, 0), 30), MAX_RETRY_DELAY_MS);
  return Math.max(1, Math.floor(exponential * (0.5 + random / 2)));
}

function snippet(text: string | null): string | null {
  return text === null ? null : text.slice(0, SNIPPET_MAX_LENGTH);
}
