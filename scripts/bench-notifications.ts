/**
 * Webhook figures for `npm run bench` (issue 17 "Performance"), against the all-in-one app in-process on a temporary
 * SQLite data folder, delivering to a real HTTP receiver in this process:
 *  - deliveries/s: BENCH_NOTIFICATION_EVENTS (default 20,000) published events (AccountContactUpdated, appended
 *    straight into the log 500 to a commit, so the figure is the notifications' own) delivered to the live endpoint,
 *    from the first append to the last first arrival; target ≥ 2,000/s.
 *  - lag from append to delivery at a steady BENCH_NOTIFICATION_RATE (default 500) events/s for
 *    BENCH_NOTIFICATION_SECONDS (default 10): p50 and p99 of (first arrival − start of its append); target p99 < 1 s.
 * Beside the live endpoint (filter: AccountContactUpdated, answers 204 at once) a dead one (filter `*`) accepts
 * connections and never answers, so each of its attempts holds a connection for WEBHOOK_TIMEOUT_MS (10 s): it gets a
 * delivery request for every event too, and must slow the live one down in nothing but shared CPU and log writes.
 * Both receivers run in a process of their own (this file with `--receivers`), as a tenant's systems would: in this
 * process their HTTP servers shared the product's main thread. Arrival times cross as wall-clock milliseconds
 * (performance.timeOrigin + performance.now(), the same clock in both processes).
 * Every event's signature is not checked here (test/http/webhooks.e2e.spec.ts does); each delivery's id is.
 * Run alone: `npm run build && node dist/scripts/bench-notifications.js` (prints its rows as JSON, last line).
 */
import { ChildProcess, fork } from 'node:child_process';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, EventStore, NewEvent } from '../libs/platform/event-store/event-store.port';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { ADMIN_KEY, fmt, httpClient, Row, runStandalone, settled, startApp } from './bench-support';

const EVENTS = Number(process.env.BENCH_NOTIFICATION_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_NOTIFICATION_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_NOTIFICATION_SECONDS ?? 10);
const PER_COMMIT = 500;
const TARGET_PER_SECOND = 2000;
const TARGET_P99_MS = 1000;
const BUSINESS_DATE = '2026-11-22';
const ARRIVAL_TIMEOUT_MS = 300_000;

/** Reports the first arrival of each event id (wall-clock ms); answers 204, or never (dead). */
async function receiver(dead: boolean, onFirstArrival: (id: string, at: number) => void): Promise<{ url: string; close(): Promise<void> }> {
  const seen = new Set<string>();
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    request.resume();
    request.on('end', () => {
      if (dead) return; // never answers: the deliverer's timeout ends each attempt
      const id = String(request.headers['billing-event-id']);
      if (!seen.has(id)) {
        seen.add(id);
        onFirstArrival(id, performance.timeOrigin + performance.now());
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type FromReceivers = { type: 'listening'; live: string; dead: string } | { type: 'arrived'; arrivals: [string, number][] };

/** The child process: both receivers; every 20 ms the arrivals since the last report, to the parent. */
async function serveReceivers(): Promise<void> {
  let arrivals: [string, number][] = [];
  const live = await receiver(false, (id, at) => arrivals.push([id, at]));
  const dead = await receiver(true, () => undefined);
  setInterval(() => {
    if (arrivals.length === 0) return;
    process.send!({ type: 'arrived', arrivals } satisfies FromReceivers);
    arrivals = [];
  }, 20);
  process.send!({ type: 'listening', live: live.url, dead: dead.url } satisfies FromReceivers);
  process.on('disconnect', () => process.exit(0));
}

/** Starts the receivers' process; `arrived` holds each event's first arrival on this process's performance.now() scale. */
async function startReceivers(): Promise<{ live: string; dead: string; arrived: Map<string, number>; stop(): void }> {
  const child: ChildProcess = fork(__filename, ['--receivers'], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const arrived = new Map<string, number>();
  return new Promise((resolve, reject) => {
    child.on('message', (message: FromReceivers) => {
      if (message.type === 'arrived') for (const [id, at] of message.arrivals) arrived.set(id, at - performance.timeOrigin);
      else resolve({ live: message.live, dead: message.dead, arrived, stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`the receivers' process exited (code ${code})`)));
  });
}

export async function benchNotifications(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-notifications-'));
  const app = await startApp(dataDir, BUSINESS_DATE);
  const receivers = await startReceivers();
  try {
    const http = await httpClient(app);
    // A sandbox tenant: its endpoints may be on localhost.
    const tenant = await http.call<{ id: string; apiKey: string }>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench hooks', sandbox: true, businessDate: BUSINESS_DATE }, 201);
    await http.call('POST', '/v1/webhook-endpoints', tenant.apiKey, { url: receivers.live, events: ['AccountContactUpdated'], description: 'live' }, 201);
    await http.call('POST', '/v1/webhook-endpoints', tenant.apiKey, { url: receivers.dead, description: 'dead: never answers' }, 201);
    await settled(app);
    const events = app.get<EventStore>(EVENT_STORE);
    let serial = 0;
    /** `count` published events in one commit; the ids, and when their append began. */
    const publish = async (count: number): Promise<{ ids: string[]; at: number }> => {
      const batch = Array.from({ length: count }, () => contactUpdated(tenant.id, serial++));
      const at = performance.now();
      await events.appendToStream(`account-${tenant.id}.bench-${serial}`, batch, 'no_stream');
      return { ids: batch.map((event) => event.id), at };
    };

    // Throughput: everything at once, then wait for the live receiver to have it all.
    const statsOf = () => (events as unknown as { stats?: { commits: number; appends: number } }).stats ?? { commits: 0, appends: 0 };
    const statsBefore = statsOf();
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const all: string[] = [];
    for (let sent = 0; sent < EVENTS; sent += PER_COMMIT) all.push(...(await publish(Math.min(PER_COMMIT, EVENTS - sent))).ids);
    const appendedIn = performance.now() - started;
    await arrivedAll(receivers.arrived, all);
    const lastArrival = Math.max(...all.map((id) => receivers.arrived.get(id)!));
    const perSecond = EVENTS / ((lastArrival - started) / 1000);
    // CPU of this process (the product; the receivers have their own) per delivery: steadier than wall time on a shared machine.
    const cpu = process.cpuUsage(cpuBefore);
    const cpuMsPerDelivery = (cpu.user + cpu.system) / 1000 / EVENTS;
    const stats = statsOf();
    console.error(`notifications: ${fmt(stats.commits - statsBefore.commits)} commits, ${fmt(stats.appends - statsBefore.appends)} appends`);
    console.error(`notifications: ${fmt(EVENTS)} events appended in ${fmt(appendedIn)} ms, delivered at ${fmt(perSecond)}/s, ${cpuMsPerDelivery.toFixed(2)} CPU ms each`);
    await settled(app);

    // Lag at a steady rate: every tick, the events due by then, in one commit.
    const lags: number[] = [];
    const sentAt = new Map<string, number>();
    const total = RATE * SECONDS;
    const steadyStart = performance.now();
    for (let sent = 0; sent < total; ) {
      const due = Math.min(total, Math.floor(((performance.now() - steadyStart) / 1000) * RATE));
      if (due > sent) {
        const { ids, at } = await publish(due - sent);
        for (const id of ids) sentAt.set(id, at);
        sent = due;
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    await arrivedAll(receivers.arrived, [...sentAt.keys()]);
    for (const [id, at] of sentAt) lags.push(receivers.arrived.get(id)! - at);
    lags.sort((a, b) => a - b);
    const p50 = percentile(lags, 0.5);
    const p99 = percentile(lags, 0.99);
    console.error(`notifications: lag at ${RATE}/s for ${SECONDS} s: p50 ${p50.toFixed(0)} ms, p99 ${p99.toFixed(0)} ms, max ${lags[lags.length - 1].toFixed(0)} ms`);

    const rows: Row[] = [
      [`webhook deliveries/s (${fmt(EVENTS)} events, 1 dead endpoint beside)`, fmt(perSecond), `≥ ${fmt(TARGET_PER_SECOND)}`],
      ['CPU ms per webhook delivery (the product\'s process, both endpoints)', cpuMsPerDelivery.toFixed(2), ''],
      [`webhook lag p50 at ${RATE} events/s (ms)`, p50.toFixed(0), ''],
      [`webhook lag p99 at ${RATE} events/s (ms)`, p99.toFixed(0), `< ${fmt(TARGET_P99_MS)}`],
    ];
    return { rows, met: perSecond >= TARGET_PER_SECOND && p99 < TARGET_P99_MS };
  } finally {
    await app.close();
    receivers.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function arrivedAll(arrived: Map<string, number>, ids: string[]): Promise<void> {
  const deadline = Date.now() + ARRIVAL_TIMEOUT_MS;
  for (let from = 0; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
    while (from < ids.length && arrived.has(ids[from])) from++;
    if (from === ids.length) return;
    if (Date.now() > deadline) throw new Error(`${ids.filter((id) => !arrived.has(id)).length} of ${ids.length} events not delivered in ${ARRIVAL_TIMEOUT_MS} ms`);
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** A published event no other consumer acts on: a contact change of an account not in the read models, still missing a phone. */
function contactUpdated(tenantId: string, i: number): NewEvent {
  const commandId = `bench-hook-${i}`;
  return {
    id: deterministicUuid(tenantId, commandId),
    type: 'AccountContactUpdated',
    data: { accountId: `bench-${i}`, contact: { firstName: 'Ada', email: `a${i}@example.com` }, changed: ['firstName'] },
    metadata: { tenantId, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate: BUSINESS_DATE },
  };
}

if (require.main === module) {
  if (process.argv.includes('--receivers')) void serveReceivers();
  else runStandalone(benchNotifications);
}
