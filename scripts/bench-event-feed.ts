/**
 * Tenant event feed figures for `npm run bench` (issue 21 "Performance"), against the all-in-one app in-process on a
 * temporary SQLite data folder, over real HTTP:
 *  - events/s read through `GET /v1/events?after=&limit=1000`, one request in flight (a poller), following nextAfter
 *    from the start of the tenant's log to its end; target ≥ 50,000 events/s. Also the median and p99 of a page, and
 *    events per CPU second of this process (server and client, the consumers idle by then), steadier than wall time
 *    on a shared machine.
 *  - the same with `types=` one type (the read examines every event of the tenant and keeps half).
 * Set-up (not timed): a sandbox tenant and BENCH_FEED_EVENTS (default 200,000) published events of it
 * (AccountCreated and AccountContactUpdated by halves, 1,000 to a commit, straight into the log, as
 * bench-notifications does), with BENCH_FEED_OTHER_EVENTS (default 20,000) events of another tenant interleaved (the
 * feed must skip them); then everything settles (the projectors and process managers read them all) so the timing
 * starts idle.
 * Run alone: `npm run build && node dist/scripts/bench-event-feed.js` (prints its rows as JSON, last line).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, EventStore, NewEvent } from '../libs/platform/event-store/event-store.port';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { ADMIN_KEY, cpuProfiler, fmt, httpClient, Row, runStandalone, settled, startApp } from './bench-support';

const EVENTS = Number(process.env.BENCH_FEED_EVENTS ?? 200_000);
const OTHER_EVENTS = Number(process.env.BENCH_FEED_OTHER_EVENTS ?? 20_000);
const PER_COMMIT = 1000;
const PAGE = 1000;
const TARGET_PER_SECOND = 50_000;
const BUSINESS_DATE = '2026-11-22';

interface FeedPage {
  items: Array<{ id: string; position: number }>;
  nextAfter: number;
  hasMore: boolean;
}

export async function benchEventFeed(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-event-feed-'));
  const app = await startApp(dataDir, BUSINESS_DATE);
  try {
    const http = await httpClient(app);
    const tenant = await http.call<{ id: string; apiKey: string }>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench feed', sandbox: true, businessDate: BUSINESS_DATE }, 201);
    const other = await http.call<{ id: string; apiKey: string }>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench other', sandbox: true, businessDate: BUSINESS_DATE }, 201);
    await settled(app);
    const events = app.get<EventStore>(EVENT_STORE);
    const start = await events.headPosition();

    const appendStarted = performance.now();
    const otherEvery = OTHER_EVENTS > 0 ? Math.max(1, Math.floor(EVENTS / OTHER_EVENTS)) : 0;
    let others = 0;
    for (let from = 0; from < EVENTS; from += PER_COMMIT) {
      const batch: NewEvent[] = [];
      for (let i = from; i < Math.min(EVENTS, from + PER_COMMIT); i++) {
        batch.push(published(tenant.id, i));
        if (otherEvery > 0 && i % otherEvery === 0 && others < OTHER_EVENTS) batch.push(published(other.id, EVENTS + others++));
      }
      await events.appendToStream(`account-bench.feed-${from}`, batch, 'no_stream');
    }
    const appendMs = performance.now() - appendStarted;
    console.error(`event feed: ${fmt(EVENTS)} events of the tenant and ${fmt(others)} of another appended in ${fmt(appendMs)} ms; settling`);
    await settled(app);

    const address = app.getHttpServer().address();
    if (typeof address !== 'object' || address === null) throw new Error('the app is not listening on a TCP port');
    const base = `http://127.0.0.1:${address.port}`;
    const page = async (query: string): Promise<FeedPage> => {
      const response = await fetch(`${base}/v1/events?${query}`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`GET /v1/events?${query}: ${response.status} ${text}`);
      return JSON.parse(text) as FeedPage;
    };
    /** Every page from `start` on; events read, seconds, page latencies (ms). */
    const readThrough = async (types: string, expected: number) => {
      const latencies: number[] = [];
      let read = 0;
      let after = start;
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      for (;;) {
        const sent = performance.now();
        const body = await page(`after=${after}&limit=${PAGE}${types ? `&types=${types}` : ''}`);
        latencies.push(performance.now() - sent);
        read += body.items.length;
        after = body.nextAfter;
        if (!body.hasMore) break;
      }
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      if (read !== expected) throw new Error(`the feed gave ${read} events, ${expected} expected`);
      return { perSecond: read / seconds, perCpuSecond: read / ((cpu.user + cpu.system) / 1e6), latencies };
    };

    await readThrough('', EVENTS); // warm-up: JIT, page cache
    const profiler = await cpuProfiler('event-feed');
    const all = await readThrough('', EVENTS);
    await profiler.stop();
    const typed = await readThrough('AccountCreated', Math.ceil(EVENTS / 2));
    console.error(`event feed: ${fmt(all.perSecond)} events/s (${fmt(all.perCpuSecond)} per CPU second), pages p50 ${percentile(all.latencies, 0.5).toFixed(1)} ms; typed ${fmt(typed.perSecond)} events/s`);

    const rows: Row[] = [
      [`event feed: events/s in pages of ${fmt(PAGE)} (${fmt(EVENTS)} events, HTTP)`, fmt(all.perSecond), `≥ ${fmt(TARGET_PER_SECOND)}`],
      // CPU of this process (server and client; the consumers are idle by then): steadier than wall time on a shared machine.
      ['event feed: events per CPU second (server and client)', fmt(all.perCpuSecond), ''],
      ['event feed: page of 1,000, p50 / p99 (ms)', `${percentile(all.latencies, 0.5).toFixed(1)} / ${percentile(all.latencies, 0.99).toFixed(1)}`, ''],
      ['event feed: events/s with types= one type (half kept)', fmt(typed.perSecond), ''],
    ];
    return { rows, met: all.perSecond >= TARGET_PER_SECOND };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * A published event of the tenant, about 400 bytes as stored: an account's creation (even i), then a change of its
 * contact (odd i). Chosen so that the consumers' set-up work stays small: a contact with an email and a phone
 * schedules no reminder, and a change that leaves the phone out cancels none.
 */
function published(tenantId: string, i: number): NewEvent {
  const commandId = `bench-feed-${tenantId}-${i}`;
  const accountId = `acc-${i - (i % 2)}`;
  const email = `ada${i}@example.com`;
  const created = i % 2 === 0;
  const data = created
    ? { accountId, name: `Account ${i}`, currency: 'USD', status: 'active', parentAccountId: null, contact: { email, phone: '+44 20 7946 0000' }, email, country: null, language: null, channel: null, createdOn: BUSINESS_DATE }
    : { accountId, contact: { firstName: 'Ada', lastName: 'Lovelace', email }, changed: ['firstName', 'lastName'] };
  return {
    id: deterministicUuid(commandId, '0'),
    type: created ? 'AccountCreated' : 'AccountContactUpdated',
    data,
    metadata: { tenantId, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate: BUSINESS_DATE },
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Run on its own (`node dist/scripts/bench-event-feed.js`), it prints its rows, whether its target was met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchEventFeed);
