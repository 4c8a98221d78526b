import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { publicPayload } from './catalog';
import { WebhookEndpointEvent, webhookEndpointDecider } from './webhook-endpoint.decider';
import { isPrivateHost } from './webhook-url';

const spec = specFor(webhookEndpointDecider);
const AT = '2026-11-22T10:00:00.000Z';
const create = (data: Record<string, unknown> = {}) => ({
  type: 'CreateWebhookEndpoint' as const,
  data: { endpointId: 'we_1', url: 'https://hooks.example.com/x', events: undefined, description: undefined, secretCiphertext: 'v1.abc', sandbox: false, allowPrivate: false, at: AT, ...data },
});
const created: WebhookEndpointEvent = {
  type: 'WebhookEndpointCreated',
  data: { endpointId: 'we_1', url: 'https://hooks.example.com/x', events: ['*'], description: null, secretCiphertext: 'v1.abc', sandbox: false, createdAt: AT },
};

describe('webhook endpoint decider', () => {
  it('creates an endpoint for every event by default, holding only the ciphertext of its secret', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('keeps a list of published types, once each', () => {
    spec
      .given([])
      .when(create({ events: ['PaymentFailed', 'PaymentFailed', 'PlanInstanceBilled'], description: 'ERP' }))
      .then([{ ...created, data: { ...created.data, events: ['PaymentFailed', 'PlanInstanceBilled'], description: 'ERP' } } as WebhookEndpointEvent]);
  });

  it.each([
    [{ url: 'ftp://x.example/y' }, 'url', 'httpUrl'],
    [{ url: `https://x.example/${'a'.repeat(2048)}` }, 'url', 'maxLength'],
    [{ url: 'https://user:pw@x.example/' }, 'url', 'noCredentials'],
    [{ url: 'http://127.0.0.1:9/x' }, 'url', 'publicUrl'],
    [{ url: 'http://localhost/x' }, 'url', 'publicUrl'],
    [{ events: ['TimerFired'] }, 'events[0]', 'knownEventType'],
    [{ events: ['*', 'AccountCreated'] }, 'events[0]', 'knownEventType'],
    [{ events: [] }, 'events', 'eventList'],
    [{ description: 5 }, 'description', 'type'],
    [{ description: 'x'.repeat(501) }, 'description', 'maxLength'],
  ])('refuses %j: %s %s', (data, field, rule) => {
    const error = spec.given([]).when(create(data)).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field, rule })]);
  });

  it('lets a sandbox (allowPrivate) endpoint target localhost', () => {
    const [event] = spec.given([]).when(create({ url: 'http://localhost:4000/hook', sandbox: true, allowPrivate: true })).then([
      { ...created, data: { ...created.data, url: 'http://localhost:4000/hook', sandbox: true } } as WebhookEndpointEvent,
    ]);
    expect(event.type).toBe('WebhookEndpointCreated');
  });

  it('rotates, disables once, enables, deletes; a deleted endpoint is not found', () => {
    spec.given([created]).when({ type: 'RotateWebhookSecret', data: { endpointId: 'we_1', secretCiphertext: 'v1.new', at: AT } }).then([
      { type: 'WebhookEndpointSecretRotated', data: { endpointId: 'we_1', secretCiphertext: 'v1.new', rotatedAt: AT } },
    ]);
    const disabled: WebhookEndpointEvent = { type: 'WebhookEndpointDisabled', data: { endpointId: 'we_1', url: created.data.url as string, reason: 'failing', detail: 'three days', disabledAt: AT } };
    spec.given([created]).when({ type: 'DisableWebhookEndpoint', data: { endpointId: 'we_1', reason: 'failing', detail: 'three days', at: AT } }).then([disabled]);
    spec.given([created, disabled]).when({ type: 'DisableWebhookEndpoint', data: { endpointId: 'we_1', reason: 'requested', at: AT } }).then([]);
    spec.given([created, disabled]).when({ type: 'EnableWebhookEndpoint', data: { endpointId: 'we_1', at: AT } }).then([{ type: 'WebhookEndpointEnabled', data: { endpointId: 'we_1', enabledAt: AT } }]);
    const deleted: WebhookEndpointEvent = { type: 'WebhookEndpointDeleted', data: { endpointId: 'we_1', deletedAt: AT } };
    spec.given([created]).when({ type: 'DeleteWebhookEndpoint', data: { endpointId: 'we_1', at: AT } }).then([deleted]);
    spec.given([created, deleted]).when({ type: 'EnableWebhookEndpoint', data: { endpointId: 'we_1', at: AT } }).thenThrows(NotFoundError);
    spec.given([]).when({ type: 'DeleteWebhookEndpoint', data: { endpointId: 'we_1', at: AT } }).thenThrows(NotFoundError);
  });
});

describe('private hosts and public payloads', () => {
  it.each(['localhost', 'api.localhost', '127.0.0.1', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '0.0.0.0', '100.64.0.1', '[::1]', '[::]', '[fe80::1]', '[fd00::1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]'])(
    '%s is private',
    (host) => expect(isPrivateHost(host)).toBe(true),
  );
  it.each(['example.com', '8.8.8.8', '172.32.0.1', '192.169.0.1', '[2001:db8::1]', 'fc.example.com'])('%s is not', (host) => expect(isPrivateHost(host)).toBe(false));

  it('leaves secrets out of published payloads, at any depth', () => {
    expect(publicPayload({ accountId: 'a', token: 'tok_x', nested: [{ secret: 's', keep: 1 }] })).toEqual({ accountId: 'a', nested: [{ keep: 1 }] });
  });
});
