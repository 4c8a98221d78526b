import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { Lifecycle } from '../../platform/app/lifecycle';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { AppConfig } from '../../platform/config/config';
import { SqliteEventStore } from '../../platform/event-store/sqlite/sqlite-event-store';
import { NewEvent } from '../../platform/event-store/event-store.port';
import { deterministicUuid } from '../../shared-kernel/ids';
import {
  DeliverWebhookCommand,
  DeliverWebhookHandler,
  RedeliverWebhooksCommand,
  RedeliverWebhooksHandler,
  RequestWebhookDeliveryCommand,
  RequestWebhookDeliveryHandler,
} from '../commands/deliveries';
import {
  legacyWebhookDeliveryStream,
  webhookDeliveryDecider,
  webhookDeliveryKey,
  webhookDeliveryStream,
  webhookDeliveryStreamOfKey,
  webhookEndpointDecider,
  webhookEndpointStream,
} from '../domain';
import { SecretBox } from './secret-box';
import { WebhookDeliverer } from './webhook-deliverer';

const TENANT = 't1';
const ENDPOINT = 'we_1';
const NOW = new Date('2026-11-22T10:00:00.000Z');

const context = (commandId: string): CommandContext => ({ tenantId: TENANT, actor: 'test', correlationId: 'c', causationId: 'c', commandId, businessDate: '2026-11-22' });

/** A receiver that answers 204 once `release` is called (at once when it was called before the request). */
async function receiver() {
  const arrived: string[] = [];
  let answer: (() => void) | null = null;
  const released = new Promise<void>((resolve) => (answer = resolve));
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      arrived.push(String(request.headers['billing-event-id']));
      void released.then(() => response.writeHead(204).end());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    arrived,
    release: () => answer!(),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('WebhookDeliverer', () => {
  let dir: string;
  let events: SqliteEventStore;
  let runner: DeciderRunner;
  let deliverer: WebhookDeliverer;
  let requests: RequestWebhookDeliveryHandler;
  let hook: Awaited<ReturnType<typeof receiver>>;
  const stoppers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'deliverer-'));
    events = new SqliteEventStore({ file: path.join(dir, 'events.sqlite') });
    runner = new DeciderRunner(events);
    hook = await receiver();
    const box = new SecretBox(randomBytes(32));
    const config = { webhookRetryBaseMs: 60_000, webhookTimeoutMs: 5_000, webhookAllowPrivateUrls: false } as AppConfig;
    const clock = { now: () => NOW };
    const lifecycle = { onStop: (stop: () => Promise<void>) => stoppers.push(stop) } as unknown as Lifecycle;
    deliverer = new WebhookDeliverer(runner, events, config, clock, pino({ level: 'silent' }), box, lifecycle);
    requests = new RequestWebhookDeliveryHandler(runner, {} as never, deliverer, clock);
    const secretCiphertext = box.encrypt('whsec_test', `${TENANT}.${ENDPOINT}`);
    await runner.run(
      webhookEndpointDecider,
      webhookEndpointStream(TENANT, ENDPOINT),
      { type: 'CreateWebhookEndpoint', data: { endpointId: ENDPOINT, url: hook.url, events: ['*'], description: 'test receiver', secretCiphertext, sandbox: true, allowPrivate: true, at: NOW.toISOString() } },
      context('create'),
    );
  });

  afterEach(async () => {
    for (const stop of stoppers.splice(0)) await stop();
    await hook.close();
    await events.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A published event in the log, as the target of a delivery to the endpoint. */
  async function publish(name: string, accountId: string) {
    const event: NewEvent = { id: deterministicUuid('published', name), type: 'AccountContactUpdated', data: { accountId, contact: {}, changed: [] }, metadata: { ...context(`publish-${name}`) } };
    const { position } = await events.appendToStream(`account-${TENANT}.${accountId}`, [event], 'no_stream');
    return { endpointId: ENDPOINT, eventId: event.id, eventType: event.type, position, occurredAt: NOW.toISOString() };
  }

  /** A published event in the log, and its delivery requested as the webhook-delivery process manager requests it. */
  async function publishAndRequest(i: number): Promise<{ eventId: string; stream: string }> {
    const target = await publish(String(i), `a${i}`);
    await requests.execute(new RequestWebhookDeliveryCommand(target, context(`request-${i}`)));
    return { eventId: target.eventId, stream: webhookDeliveryStream(TENANT, ENDPOINT, target.position) };
  }

  async function until(done: () => Promise<boolean>): Promise<void> {
    for (let tries = 0; !(await done()); tries++) {
      if (tries > 500) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  const typesOf = async (stream: string) => (await events.readStream(stream)).map((event) => event.type);

  it('writes the request without reading its new stream and makes the first attempt from what it wrote: the attempt is recorded', async () => {
    hook.release();
    const reads = jest.spyOn(events, 'readStream');
    const batchedReads = jest.spyOn(events, 'readStreams');
    const { eventId, stream } = await publishAndRequest(1);
    await until(async () => (await typesOf(stream)).length === 2);
    expect(hook.arrived).toEqual([eventId]);
    expect(await typesOf(stream)).toEqual(['WebhookDeliveryRequested', 'WebhookDeliveryAttempted']);
    // Before this test's own reads of the delivery: the endpoint's stream, nothing else (the request writes its new
    // stream without reading it, the attempt starts from what the request wrote).
    expect(reads.mock.calls[0][0]).toBe(webhookEndpointStream(TENANT, ENDPOINT));
    expect(batchedReads).not.toHaveBeenCalled();
    const [, attempted] = await events.readStream(stream);
    expect(attempted.data).toMatchObject({ round: 1, attempt: 1, ok: true, status: 204 });
  });

  it('a repeated request (the process manager again after a crash) writes nothing and sends nothing for a delivered event', async () => {
    hook.release();
    const { stream } = await publishAndRequest(3);
    await until(async () => (await typesOf(stream)).length === 2);
    const [requested] = await events.readStream(stream);
    const target = { endpointId: ENDPOINT, eventId: requested.data.eventId as string, eventType: 'AccountContactUpdated', position: requested.data.position as number, occurredAt: NOW.toISOString() };
    const head = await events.headPosition();
    await requests.execute(new RequestWebhookDeliveryCommand(target, context('request-3')));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await events.headPosition()).toBe(head);
    expect(hook.arrived).toHaveLength(1);
  });

  it("sees the endpoint's stream as it is before each attempt: once disabled, nothing more is sent", async () => {
    hook.release();
    const first = await publishAndRequest(4);
    await until(async () => (await typesOf(first.stream)).length === 2);
    await runner.run(
      webhookEndpointDecider,
      webhookEndpointStream(TENANT, ENDPOINT),
      { type: 'DisableWebhookEndpoint', data: { endpointId: ENDPOINT, reason: 'requested', at: NOW.toISOString() } },
      context('disable'),
    );
    const second = await publishAndRequest(5);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(hook.arrived).toEqual([first.eventId]);
    expect(await typesOf(second.stream)).toEqual(['WebhookDeliveryRequested']);
  });

  it('records the attempt on what the stream holds when another process wrote to it meanwhile (no update lost)', async () => {
    const { eventId, stream } = await publishAndRequest(2);
    await until(async () => hook.arrived.length === 1);
    // While our request is in flight, another process records a failed attempt of the same round.
    const rival = { at: NOW.toISOString(), ok: false, status: 500, durationMs: 3, responseSnippet: 'busy', error: null, round: 1 };
    await new DeciderRunner(events).run(webhookDeliveryDecider, stream, { type: 'RecordWebhookAttempt', data: rival }, context('rival'));
    hook.release();
    await until(async () => (await typesOf(stream)).length === 3);
    const recorded = await events.readStream(stream);
    expect(recorded.map((event) => [event.type, event.data.attempt, event.data.ok])).toEqual([
      ['WebhookDeliveryRequested', undefined, undefined],
      ['WebhookDeliveryAttempted', 1, false],
      ['WebhookDeliveryAttempted', 2, true],
    ]);
    expect(hook.arrived).toEqual([eventId]);
  });

  it('deliveries requested before decision 0031 (streams named by the event id) are attempted by their timers, old or new, and a redeliver goes on in that stream', async () => {
    hook.release();
    const bus = { execute: async () => undefined } as never;
    const timer = new DeliverWebhookHandler(runner, bus, deliverer, { now: () => NOW }, events);
    /** A published event and its delivery as a build before decision 0031 requested it. */
    const legacyDelivery = async (name: string) => {
      const target = await publish(name, name);
      const { eventId, position } = target;
      const legacy = legacyWebhookDeliveryStream(TENANT, ENDPOINT, eventId);
      await runner.run(webhookDeliveryDecider, legacy, { type: 'RequestWebhookDelivery', data: { ...target, reason: 'published', at: NOW.toISOString() } }, context(`request-${name}`));
      return { eventId, position, legacy };
    };
    const old = await legacyDelivery('old');
    const rearmed = await legacyDelivery('rearmed');

    // A timer armed before (no position) and one armed since (with the position): each finds its delivery's old stream.
    await timer.execute(new DeliverWebhookCommand({ endpointId: ENDPOINT, eventId: old.eventId }, context('timer-old')));
    await timer.execute(new DeliverWebhookCommand({ endpointId: ENDPOINT, eventId: rearmed.eventId, position: rearmed.position }, context('timer-rearmed')));
    for (const { legacy } of [old, rearmed]) {
      await until(async () => (await typesOf(legacy)).length === 2);
      expect(await typesOf(legacy)).toEqual(['WebhookDeliveryRequested', 'WebhookDeliveryAttempted']);
    }

    const redeliver = new RedeliverWebhooksHandler(runner, bus, deliverer, { now: () => NOW }, events);
    await redeliver.execute(new RedeliverWebhooksCommand({ tenantId: TENANT, endpointId: ENDPOINT, input: { eventIds: [old.eventId] } }, context('redeliver')));
    await until(async () => (await typesOf(old.legacy)).length === 4);
    const [, , again] = await events.readStream(old.legacy);
    expect(again.data).toMatchObject({ reason: 'redeliver', round: 2 });
    for (const { position } of [old, rearmed]) expect(await events.readStream(webhookDeliveryStream(TENANT, ENDPOINT, position))).toEqual([]);
    expect([...hook.arrived].sort()).toEqual([old.eventId, old.eventId, rearmed.eventId].sort());
  });
});

describe('webhookDeliveryStream', () => {
  it('names a delivery by the zero-padded log position, so the names sort as the log does', () => {
    const names = [9, 10, 99_999, 1_000_000, Number.MAX_SAFE_INTEGER].map((position) => webhookDeliveryStream(TENANT, ENDPOINT, position));
    expect([...names].sort()).toEqual(names);
    expect(names[1]).toBe('webhookDelivery-t1.0000000000000010.we_1');
    expect(legacyWebhookDeliveryStream(TENANT, ENDPOINT, 'e-1')).toBe('webhookDelivery-t1.we_1.e-1');
  });

  it("keys a delivery by its stream's name after the tenant: a legacy delivery keeps the document id it had", () => {
    expect(webhookDeliveryKey(TENANT, webhookDeliveryStream(TENANT, ENDPOINT, 10))).toBe('0000000000000010.we_1');
    expect(webhookDeliveryKey(TENANT, legacyWebhookDeliveryStream(TENANT, ENDPOINT, 'e-1'))).toBe(`${ENDPOINT}.e-1`);
    expect(webhookDeliveryStreamOfKey(TENANT, '0000000000000010.we_1')).toBe(webhookDeliveryStream(TENANT, ENDPOINT, 10));
    expect(() => webhookDeliveryKey(TENANT, webhookDeliveryStream('t2', ENDPOINT, 10))).toThrow(RangeError);
  });
});
