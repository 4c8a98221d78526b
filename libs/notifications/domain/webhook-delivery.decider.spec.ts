import { specFor } from '../../shared-kernel/testing/given-when-then';
import { MAX_RETRY_DELAY_MS, retryDelayMs, WebhookDeliveryEvent, webhookDeliveryDecider } from './webhook-delivery.decider';

const spec = specFor(webhookDeliveryDecider);
const T0 = '2026-11-22T10:00:00.000Z';
const target = { endpointId: 'we_1', eventId: 'e1', eventType: 'AccountCreated', position: 7, occurredAt: T0 };
const requested = (round = 1, reason: 'published' | 'redeliver' = 'published', requestedAt = T0): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryRequested',
  data: { ...target, reason, round, requestedAt },
});
const outcome = (at: string, ok: boolean) => ({ at, ok, status: ok ? 200 : 500, durationMs: 12, responseSnippet: 'x'.repeat(600), error: null });
const attempted = (attempt: number, at: string, ok: boolean, round = 1): WebhookDeliveryEvent => ({
  type: 'WebhookDeliveryAttempted',
  data: { endpointId: 'we_1', eventId: 'e1', round, attempt, ...outcome(at, ok), responseSnippet: 'x'.repeat(500) },
});

describe('webhook delivery decider', () => {
  it('is requested once when published; a redeliver starts another round', () => {
    spec.given([]).when({ type: 'RequestWebhookDelivery', data: { ...target, reason: 'published', at: T0 } }).then([requested()]);
    spec.given([requested()]).when({ type: 'RequestWebhookDelivery', data: { ...target, reason: 'published', at: T0 } }).then([]);
    spec.given([requested(), attempted(1, T0, true)]).when({ type: 'RequestWebhookDelivery', data: { ...target, reason: 'redeliver', at: T0 } }).then([requested(2, 'redeliver')]);
  });

  it('records attempts (snippet cut to 500 characters) until one succeeds; later attempts of the round change nothing', () => {
    spec.given([requested()]).when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome(T0, false) } }).then([attempted(1, T0, false)]);
    spec.given([requested(), attempted(1, T0, false)]).when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome(T0, true) } }).then([attempted(2, T0, true)]);
    spec.given([requested(), attempted(1, T0, true)]).when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome(T0, true) } }).then([]);
    spec.given([requested(), requested(2, 'redeliver')]).when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome(T0, false) } }).then([]);
  });

  it('abandons the round when an attempt fails three days after it began', () => {
    const late = '2026-11-25T10:00:00.000Z';
    spec.given([requested(), attempted(1, T0, false)]).when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome('2026-11-25T09:59:59.999Z', false) } }).then([attempted(2, '2026-11-25T09:59:59.999Z', false)]);
    spec
      .given([requested(), attempted(1, T0, false)])
      .when({ type: 'RecordWebhookAttempt', data: { round: 1, ...outcome(late, false) } })
      .then([attempted(2, late, false), { type: 'WebhookDeliveryAbandoned', data: { endpointId: 'we_1', eventId: 'e1', round: 1, attempts: 2, abandonedAt: late } }]);
  });

  it('backs off exponentially with jitter, capped', () => {
    expect(retryDelayMs(1, 60_000, 0)).toBe(30_000);
    expect(retryDelayMs(1, 60_000, 0.999999)).toBe(59_999);
    expect(retryDelayMs(3, 60_000, 0)).toBe(120_000);
    expect(retryDelayMs(40, 60_000, 0.999999)).toBeLessThan(MAX_RETRY_DELAY_MS);
    expect(retryDelayMs(40, 60_000, 0)).toBe(MAX_RETRY_DELAY_MS / 2);
  });
});
