/**
 * What the in-process benchmarks share: the all-in-one app on a temporary SQLite folder, listening on a
 * random port, a JSON client, a wait for everything to settle, and a bounded pool of concurrent tasks.
 */
import 'reflect-metadata';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import pino from 'pino';
import { allInOneModules } from '../apps/all-in-one/all-in-one.module';
import { createApp } from '../apps/bootstrap';
import { FixedClock } from '../libs/platform/clock/clock';
import { loadConfig } from '../libs/platform/config/config';
import { ReadYourWrites } from '../libs/platform/app/read-your-writes';
import { CommandContext, eventMetadata } from '../libs/platform/command-pipeline/command-context';
import { Decider, DomainCommand, DomainEvent } from '../libs/shared-kernel/decider';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent } from '../libs/platform/event-store/event-store.port';
import * as http from 'node:http';
import { clockStream } from '../libs/time/domain/business-clock.decider';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import * as path from 'node:path';
import { SqliteEventStore } from '../libs/platform/event-store/sqlite/sqlite-event-store';
import { ProjectorThread } from '../libs/platform/projection-runner/thread/projector-thread';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { SqliteReadStore } from '../libs/platform/read-store/sqlite/sqlite-read-store';

export const ADMIN_KEY = 'bench-admin';
const SETTLE_TIMEOUT_MS = 60_000;

export type Row = [string, string, string];

export interface Http {
  /** Sends a JSON request and returns the parsed body; any status other than `expected` throws. */
  call<T>(method: string, route: string, key: string, body: unknown, expected: number): Promise<T>;
}

export interface Tenant {
  id: string;
  apiKey: string;
}

/** `env`: further configuration (e.g. SETTLE_TIMEOUT_MS for a day longer than a minute). */
export async function startApp(dataDir: string, startDate: string, env: Record<string, string> = {}): Promise<NestFastifyApplication> {
  // PROJECTORS=inline|thread from the environment compares both on one build (thread by default, as npm start).
  const projectors = process.env.PROJECTORS ? { PROJECTORS: process.env.PROJECTORS } : {};
  const config = loadConfig({ ...projectors, ...env, DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' });
  const app = await createApp('bench', allInOneModules, {
    config,
    clock: new FixedClock(new Date(`${startDate}T10:00:00Z`)),
    logger: pino({ level: 'silent' }),
    print: () => undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  return app;
}

/**
 * The benches' HTTP client, in this process: node:http with keep-alive sockets. It runs on the product's main thread,
 * so it is kept light: fetch (undici: web streams, an AbortSignal and transferables per request, a WASM parser) cost
 * about a tenth of that thread on the payments bench (decision 0033).
 */
export async function httpClient(app: NestFastifyApplication): Promise<Http> {
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('the app is not listening on a TCP port');
  return nodeHttpClient('127.0.0.1', address.port);
}

function nodeHttpClient(hostname: string, port: number): Http {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  return {
    call<T>(method: string, route: string, key: string, body: unknown, expected: number): Promise<T> {
      const payload = body === undefined ? undefined : JSON.stringify(body);
      const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${key}` };
      if (payload !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(payload);
      }
      return new Promise<T>((resolve, reject) => {
        const request = http.request({ hostname, port, method, path: route, headers, agent }, (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () => {
            if (response.statusCode !== expected) return reject(new Error(`${method} ${route}: ${response.statusCode} ${text}`));
            try {
              resolve(JSON.parse(text) as T);
            } catch (error) {
              reject(error);
            }
          });
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end(payload);
      });
    },
  };
}

/** Waits until every projector and process manager caught up and nothing more is written, so timing starts idle. */
export async function settled(app: NestFastifyApplication): Promise<void> {
  const log = app.get<EventStore>(EVENT_STORE);
  const consumers = app.get(ReadYourWrites);
  for (;;) {
    const head = await log.headPosition();
    if (!(await consumers.waitForEverything(head, SETTLE_TIMEOUT_MS))) throw new Error(`consumers did not reach position ${head}`);
    if ((await log.headPosition()) === head) return;
  }
}

/** Runs `count` tasks with at most `concurrency` in flight. */
export async function runPool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** What DeciderRunner appends for a command on a new stream: the decider's events, ids from the command id (set-up without HTTP). */
export async function appendDecided<C extends DomainCommand, E extends DomainEvent, S>(events: EventStore, decider: Decider<C, E, S>, stream: string, command: C, context: CommandContext): Promise<NewEvent[]> {
  const decided: NewEvent[] = decider.decide(command, decider.initialState).map((event, index) => ({
    id: deterministicUuid(context.commandId, stream, String(index)),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: eventMetadata(context),
  }));
  if (decided.length === 0) throw new Error(`${command.type} on ${stream} decided nothing`);
  await events.appendToStream(stream, decided, 'no_stream');
  return decided;
}

/**
 * POST /v1/clock/advance through the benches' node:http client, which waits for the answer as long as it takes (no
 * timeout): a slow machine may need minutes for a busy day.
 */
export async function advanceClock(app: NestFastifyApplication, tenant: { apiKey: string }, to: string): Promise<{ days: number }> {
  return (await httpClient(app)).call<{ days: number }>('POST', '/v1/clock/advance', tenant.apiKey, { to }, 200);
}

/** The tenant clock's last BusinessDayStarted, which must be `date`. */
export async function lastDay(events: EventStore, tenantId: string, date: string): Promise<RecordedEvent> {
  const clock = await events.readStream(clockStream(tenantId));
  const event = clock[clock.length - 1];
  if (event?.type !== 'BusinessDayStarted' || event.data.date !== date) throw new Error(`the clock's last event is not ${date} starting`);
  return event;
}

/** Every event of the tenant after `position`, read a page at a time. */
export async function tenantEventsAfter(events: EventStore, position: number, tenantId: string, visit: (event: RecordedEvent) => void): Promise<void> {
  for (let after = position; ; ) {
    const page = await events.readAll({ after, maxCount: 5000 });
    if (page.length === 0) return;
    for (const event of page) if (event.metadata.tenantId === tenantId) visit(event);
    after = page[page.length - 1].position;
  }
}

/**
 * A benchmark run on its own (`node dist/scripts/bench-<name>.js`, as `npm run bench` runs its children): prints its
 * rows, whether its target was met (when it has one) and its own peak RSS as one line of JSON.
 */
export function runStandalone(bench: () => Promise<Row[] | { rows: Row[]; met?: boolean }>): void {
  bench()
    .then((result) => {
      const { rows, met } = Array.isArray(result) ? { rows: result, met: undefined } : result;
      process.stdout.write(`${JSON.stringify({ rows, peakRssMb: process.resourceUsage().maxRSS / 1024, met })}\n`);
    })
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}

/**
 * BENCH_CPU_PROF=<folder>: a CPU profile of the measured part alone (not the set-up) written there as
 * `<name>-<time>.cpuprofile` (open it in Chrome DevTools); `--cpu-prof` on the child would profile the set-up too.
 */
export async function cpuProfiler(name: string): Promise<{ stop(): Promise<void> }> {
  const folder = process.env.BENCH_CPU_PROF;
  if (!folder) return { stop: async () => undefined };
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object) =>
    new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
  return {
    async stop() {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      mkdirSync(folder, { recursive: true });
      writeFileSync(path.join(folder, `${name}-${Date.now()}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** The SQLite stores' commit counters (0 for other adapters): event store, read store (with the projector thread's), applies. */
export function commitCounts(app: NestFastifyApplication): [number, number, number] {
  const events = app.get<EventStore>(EVENT_STORE) as Partial<SqliteEventStore>;
  const reads = app.get<ReadStore>(READ_STORE) as Partial<SqliteReadStore>;
  // With the projectors in their thread (PROJECTORS=thread), its own read-store connection commits too.
  const thread = app.get(ProjectorThread, { strict: false }) as ProjectorThread | null;
  return [events.stats?.commits ?? 0, (reads.stats?.commits ?? 0) + (thread?.stats.commits ?? 0), (reads.stats?.applies ?? 0) + (thread?.stats.applies ?? 0)];
}

export const RSS_SAMPLE_MS = 50;

/** The highest RSS seen between now and stop(), sampled every RSS_SAMPLE_MS. */
export function rssSampler(): { stop(): number } {
  let most = process.memoryUsage.rss();
  const timer = setInterval(() => (most = Math.max(most, process.memoryUsage.rss())), RSS_SAMPLE_MS);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(most, process.memoryUsage.rss());
    },
  };
}

export function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

/** One business day advanced and timed alone: wall and CPU seconds, commits, events written, RSS around it. */
export interface TimedDay {
  seconds: number;
  cpuSeconds: number;
  commits: [number, number, number];
  /** Events the day wrote before the advance answered. */
  written: number;
  /** The log's head before the day began. */
  headBefore: number;
  rssBefore: number;
  rssDuring: number;
  rssAfter: number;
}

/**
 * Advances a sandbox tenant's clock by exactly one day to `date` and times it alone (garbage of the set-up collected
 * first; BENCH_CPU_PROF profiles it as `profileName`): the measured day of bench-dunning and bench-orders.
 */
export async function timedClockDay(app: NestFastifyApplication, tenant: { apiKey: string }, date: string, profileName: string): Promise<TimedDay> {
  const events = app.get<EventStore>(EVENT_STORE);
  (global as { gc?: () => void }).gc?.(); // the set-up's garbage is not the day's
  const rssBefore = process.memoryUsage.rss();
  const headBefore = await events.headPosition();
  const profiler = await cpuProfiler(profileName);
  const sampler = rssSampler();
  const cpuBefore = process.cpuUsage();
  const commitsBefore = commitCounts(app);
  const started = performance.now();
  const body = await advanceClock(app, tenant, date);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpuBefore);
  const commits = commitCounts(app).map((count, i) => count - commitsBefore[i]) as [number, number, number];
  const rssDuring = sampler.stop();
  await profiler.stop();
  const rssAfter = process.memoryUsage.rss();
  if (body.days !== 1) throw new Error(`expected to advance 1 day to ${date}, advanced ${body.days}`);
  const written = (await events.headPosition()) - headBefore;
  return { seconds, cpuSeconds: (user + system) / 1e6, commits, written, headBefore, rssBefore, rssDuring, rssAfter };
}
