import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEventStore } from '../../libs/platform/event-store';
import { isPublished } from '../../libs/notifications/domain';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'webhook-crash-admin-key';
/** More than the deliverer's 32 requests in flight per endpoint: at the kill some are held in flight, others only queued in memory. */
const ACCOUNTS = 80;
const IN_FLIGHT = 4;
/**
 * The receiver answers the first KILL_AFTER distinct events at once and holds its answers to the others until the kill:
 * so at the kill the deliverer has attempts in flight and a queue in memory for requests the process manager has
 * already written and checkpointed past (the case a restart used to leave to the next business day's timers).
 */
const KILL_AFTER = 10;

interface Received {
  eventId: string;
  signatureOk: boolean;
  bodyIdOk: boolean;
}

/** A real receiver in the test process: checks every signature (and its timestamp) and records the event ids. */
async function receiver() {
  const received: Received[] = [];
  const secret = { value: '' };
  const held: ServerResponse[] = [];
  /** The events answered 2xx: the ones the deliverer can have recorded as delivered. */
  const answered = new Set<string>();
  const gate = { holding: true };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = String(request.headers['billing-signature'] ?? '');
      const { t, v1 } = Object.fromEntries(header.split(',').map((part) => part.split('=', 2)));
      const expected = createHmac('sha256', secret.value).update(`${t}.${raw}`).digest();
      const given = Buffer.from(v1 ?? '', 'hex');
      const fresh = Math.abs(Date.now() / 1000 - Number(t)) <= 300;
      const eventId = String(request.headers['billing-event-id']);
      let bodyIdOk = false;
      try {
        bodyIdOk = (JSON.parse(raw) as { id: string }).id === eventId;
      } catch {
        bodyIdOk = false;
      }
      received.push({ eventId, signatureOk: fresh && given.length === expected.length && timingSafeEqual(given, expected), bodyIdOk });
      const distinct = new Set(received.map((r) => r.eventId)).size;
      if (gate.holding && distinct > KILL_AFTER) held.push(response);
      else {
        answered.add(eventId);
        response.writeHead(204).end();
      }
    });
    request.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  const release = () => {
    gate.holding = false;
    held.splice(0).forEach((response) => response.destroy());
  };
  const close = async () => {
    release();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { received, secret, url, close, release, answered, ids: () => new Set(received.map((r) => r.eventId)) };
}

async function until<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Polls /health until every projection and process manager has reached the log head. */
async function settled(server: ServerProcess): Promise<void> {
  await until(
    'the consumers to reach the log head',
    async () => {
      const { body } = await call(server.url, 'GET', '/health', '');
      const positions = [...Object.values(body.projections), ...Object.values(body.processManagers)] as number[];
      return positions.every((p) => p >= body.logPosition);
    },
    20_000,
  );
}

/** The tenant's published events in the log (every one an endpoint for `*` is owed), read beside the running app. */
async function publishedEvents(dataDir: string, tenantId: string): Promise<string[]> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const ids: string[] = [];
  try {
    for (let after = 0; ; ) {
      const page = await events.readAll({ after, maxCount: 1000 });
      if (page.length === 0) break;
      for (const event of page) if (event.metadata.tenantId === tenantId && isPublished(event.type)) ids.push(event.id);
      after = page[page.length - 1].position;
    }
  } finally {
    await events.close();
  }
  return ids;
}

describe('A crash (kill -9) in the middle of webhook deliveries', () => {
  let dataDir: string;
  const servers: ServerProcess[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'webhook-crash-'));
  });
  afterEach(async () => {
    for (const server of servers.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGTERM');
        await server.exited;
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('delays deliveries, never loses one: after a restart (clock not advanced) every published event arrives, signed', async () => {
    const hooks = await receiver();
    try {
      const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
      servers.push(first);
      const tenant = await call(first.url, 'POST', '/v1/tenants', ADMIN, { name: 'Webhook crash', sandbox: true, businessDate: '2019-02-10' });
      const key: string = tenant.body.apiKey;
      const tenantId: string = tenant.body.id;
      const endpoint = await call(first.url, 'POST', '/v1/webhook-endpoints', key, { url: hooks.url, events: ['*'] });
      expect(endpoint.status).toBe(201);
      hooks.secret.value = endpoint.body.secret;

      // The burst: ACCOUNTS accounts, 4 requests in flight, until the kill cuts it short.
      let created = 0;
      let next = 0;
      const worker = async () => {
        while (next < ACCOUNTS) {
          const id = `acc${String(next++).padStart(2, '0')}`;
          try {
            const response = await call(first.url, 'POST', '/v1/accounts', key, { id, name: id, currency: 'USD', contact: { email: `${id}@example.com` } });
            if (response.status === 201) created++;
          } catch {
            return; // the app is gone
          }
        }
      };
      const burst = Promise.all(Array.from({ length: IN_FLIGHT }, worker));

      await burst;
      // The process manager has written every request and moved its checkpoint past them; the receiver holds the rest.
      await settled(first);
      await until(`the receiver to get ${KILL_AFTER} events`, () => hooks.ids().size > KILL_AFTER, 20_000);
      first.child.kill('SIGKILL');
      expect((await first.exited).signal).toBe('SIGKILL');
      const answeredAtKill = new Set(hooks.answered);
      hooks.release();
      const atKill = hooks.ids();
      const receivedAtKill = hooks.received.length;

      const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
      servers.push(second);
      expect((await call(second.url, 'GET', '/v1/clock', key)).body.businessDate).toBe('2019-02-10'); // not advanced
      await settled(second);
      const published = await publishedEvents(dataDir, tenantId);
      expect(published.length).toBeGreaterThanOrEqual(created);
      const missing = () => published.filter((id) => !hooks.ids().has(id));
      await until('the receiver to get every published event', () => missing().length === 0, 30_000).catch((error: Error) => {
        throw new Error(`${error.message}: ${missing().length} of ${published.length} missing`);
      });

      // Every published event arrived at least once, each arrival signed and naming its own id; nothing else arrived.
      expect(hooks.received.every((r) => r.signatureOk && r.bodyIdOk)).toBe(true);
      expect([...hooks.ids()].sort()).toEqual([...published].sort());
      const counts = new Map<string, number>();
      for (const r of hooks.received) counts.set(r.eventId, (counts.get(r.eventId) ?? 0) + 1);
      const twice = [...counts.values()].filter((n) => n > 1).length;
      console.log(
        `webhook crash: ${created} accounts created before the kill, ${published.length} published events; ` +
          `${atKill.size} distinct (${receivedAtKill} deliveries) received before the kill, ${published.length - atKill.size} only after the restart; ` +
          `arrived more than once: ${twice} (at-least-once: receivers de-duplicate on Billing-Event-Id)`,
      );
      // The kill landed in the middle: some events answered before it, the others (held in flight, or still queued)
      // delivered only after the restart. (Up to 32 requests are in flight per endpoint: most were held, not queued.)
      expect(answeredAtKill.size).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(published.filter((id) => !answeredAtKill.has(id)).length).toBeGreaterThanOrEqual(ACCOUNTS - KILL_AFTER - 2 * IN_FLIGHT);
    } finally {
      await hooks.close();
    }
  }, 60_000);
});
