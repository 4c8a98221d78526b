/**
 * Usage ingestion figures for `npm run bench` (issue 6: usage recorded at ≥ 20,000 records/s on the embedded
 * default), against the all-in-one app in-process on a temporary SQLite data folder, over real HTTP:
 *  - records/s through POST /v1/usage/batch: BENCH_USAGE_RECORDS records (default 1,000,000) in batches of
 *    1,000, BENCH_USAGE_IN_FLIGHT requests in flight (default 4). Each answer waits, as every command does in
 *    the all-in-one process, until the read models reflect it, so the figure includes the usageTotals projection.
 *    The records are spread over BENCH_USAGE_ACCOUNTS accounts (default 100) as a metering feed sends them: in
 *    time order, each batch mixing every account (about 10 records per account-month stream per batch), two
 *    usage services, instants over 21 days of one month (each account-month stream grows to 10,000 records).
 *    What costs is events, not records: a batch appends one event per account-month it touches, and every
 *    consumer of the log reads each event, so the rate falls as a batch spreads over more accounts (see README).
 *  - the same 10,000 records sent again: records/s when every one is a duplicate (nothing written).
 *  - checked: every record accepted, none a duplicate; the log holds exactly the records sent; one account's
 *    total from GET /v1/accounts/{id}/usage equals the sum of what was sent to it (exact decimals).
 *  - peak RSS of the process (app and client together).
 * BENCH_USAGE_PROFILE=<file>: writes a CPU profile (.cpuprofile) of the timed ingestion alone.
 * Set-up (not timed), over HTTP: a sandbox tenant on 2026-11-22, a monthly plan with one recurring and two usage
 * services, the accounts, and a plan instance each from 2026-11-01.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Decimal } from '../libs/shared-kernel/decimal';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { ADMIN_KEY, fmt, Http, httpClient, Row, runPool, runStandalone, settled, startApp, Tenant } from './bench-support';

const RECORDS = Number(process.env.BENCH_USAGE_RECORDS ?? 1_000_000);
const ACCOUNTS = Number(process.env.BENCH_USAGE_ACCOUNTS ?? 100);
const IN_FLIGHT = Number(process.env.BENCH_USAGE_IN_FLIGHT ?? 4);
const BATCH = 1000;
const TARGET_RECORDS_PER_SECOND = 20_000;
const BUSINESS_DATE = '2026-11-22';
const DAYS = 21; // 2026-11-01 … 2026-11-21
const SET_UP_CONCURRENCY = 32;
/** A file to write a CPU profile of the timed ingestion alone to (for `node --cpu-prof`-style analysis). */
const PROFILE = process.env.BENCH_USAGE_PROFILE;

interface Sent {
  accountId: string;
  serviceId: string;
  quantity: string;
  occurredAt: string;
  idempotencyKey: string;
}

/** Record i: deterministic, in time order across the month, on a pseudo-random account. */
function record(i: number): Sent {
  const second = Math.floor((i / RECORDS) * DAYS * 86_400);
  const day = 1 + Math.floor(second / 86_400);
  const inDay = second % 86_400;
  const hh = Math.floor(inDay / 3600);
  const mm = Math.floor((inDay % 3600) / 60);
  const ss = inDay % 60;
  return {
    accountId: `acc-${(Math.imul(i, 2_654_435_761) >>> 0) % ACCOUNTS}`,
    serviceId: i % 3 === 0 ? 'sms' : 'data',
    quantity: i % 3 === 0 ? '1' : `${i % 50}.${(i % 997).toString().padStart(3, '0')}`.replace(/^0\.000$/, '0.5'),
    occurredAt: `2026-11-${pad(day)}T${pad(hh)}:${pad(mm)}:${pad(ss)}Z`,
    idempotencyKey: `cdr-${i}`,
  };
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function batchOf(index: number): Sent[] {
  const from = index * BATCH;
  return Array.from({ length: Math.min(BATCH, RECORDS - from) }, (_, i) => record(from + i));
}

export async function benchUsage(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-usage-'));
  const app = await startApp(dataDir, BUSINESS_DATE);
  try {
    const http = await httpClient(app);
    const tenant = await setUp(http);
    await settled(app);
    const events = app.get<EventStore>(EVENT_STORE);
    const headBefore = await events.headPosition();

    const batches = Math.ceil(RECORDS / BATCH);
    let accepted = 0;
    let duplicates = 0;
    const profiler = PROFILE ? await startProfiler() : null;
    const started = performance.now();
    await runPool(batches, IN_FLIGHT, async (b) => {
      const answer = await http.call<{ accepted: number; duplicates: number }>('POST', '/v1/usage/batch', tenant.apiKey, { records: batchOf(b) }, 200);
      accepted += answer.accepted;
      duplicates += answer.duplicates;
    });
    const seconds = (performance.now() - started) / 1000;
    if (profiler && PROFILE) await stopProfiler(profiler, PROFILE);
    if (accepted !== RECORDS || duplicates !== 0) throw new Error(`expected ${RECORDS} accepted and no duplicates, got ${accepted} and ${duplicates}`);
    await settled(app);
    await checkLog(events, headBefore);
    await checkTotal(http, tenant);

    const resend = Math.min(10, batches);
    const head = await events.headPosition();
    const again = performance.now();
    let repeated = 0;
    await runPool(resend, IN_FLIGHT, async (b) => {
      const answer = await http.call<{ accepted: number; duplicates: number }>('POST', '/v1/usage/batch', tenant.apiKey, { records: batchOf(b) }, 200);
      if (answer.accepted !== 0) throw new Error(`a re-sent batch recorded ${answer.accepted} records`);
      repeated += answer.duplicates;
    });
    const againSeconds = (performance.now() - again) / 1000;
    if ((await events.headPosition()) !== head) throw new Error('re-sending recorded batches wrote to the log');

    const rate = RECORDS / seconds;
    return {
      rows: [
        [`usage records/s (${fmt(RECORDS)} records, ${fmt(ACCOUNTS)} accounts, HTTP)`, fmt(rate), `≥ ${fmt(TARGET_RECORDS_PER_SECOND)}`],
        [`usage ingestion time (s), batches of ${fmt(BATCH)}, ${IN_FLIGHT} in flight`, seconds.toFixed(1), ''],
        [`usage records/s re-sent, all duplicates (${fmt(repeated)})`, fmt(repeated / againSeconds), ''],
      ],
      met: rate >= TARGET_RECORDS_PER_SECOND,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function startProfiler(): Promise<Session> {
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  return session;
}

async function stopProfiler(session: Session, file: string): Promise<void> {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
}

async function setUp(http: Http): Promise<Tenant> {
  const tenant = await http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Usage bench', sandbox: true, businessDate: BUSINESS_DATE }, 201);
  const perUnit = (unitPrice: string) => ({ model: 'perUnit', unitPrice });
  await http.call('POST', '/v1/plans', tenant.apiKey, {
    id: 'metered',
    name: 'Metered',
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [
      { id: 'base', name: 'Base fee', type: 'recurring', pricing: perUnit('10.00') },
      { id: 'data', name: 'Data (GB)', type: 'usage', pricing: perUnit('0.50') },
      { id: 'sms', name: 'SMS', type: 'usage', pricing: perUnit('0.01') },
    ],
  }, 201);
  await runPool(ACCOUNTS, SET_UP_CONCURRENCY, async (i) => {
    await http.call('POST', '/v1/accounts', tenant.apiKey, { id: `acc-${i}`, name: `Account ${i}`, currency: 'USD' }, 201);
    await http.call('POST', `/v1/accounts/acc-${i}/plan-instances`, tenant.apiKey, { planId: 'metered', retroactiveStartDate: '2026-11-01' }, 201);
  });
  return tenant;
}

/** The log after the set-up holds UsageRecorded events only, with exactly the records sent. */
async function checkLog(events: EventStore, after: number): Promise<void> {
  let records = 0;
  let position = after;
  for (;;) {
    const page = await events.readAll({ after: position, maxCount: 10_000 });
    if (page.length === 0) break;
    for (const event of page) {
      if (event.type !== 'UsageRecorded') throw new Error(`unexpected ${event.type} in the log during usage ingestion`);
      records += (event.data.records as unknown[]).length;
    }
    position = page[page.length - 1].position;
  }
  if (records !== RECORDS) throw new Error(`the log holds ${records} usage records, expected ${RECORDS}`);
}

/** acc-0's data total, read over HTTP, equals the exact sum of its records. */
async function checkTotal(http: Http, tenant: Tenant): Promise<void> {
  let expected = new Decimal(0);
  for (let i = 0; i < RECORDS; i++) {
    const sent = record(i);
    if (sent.accountId === 'acc-0' && sent.serviceId === 'data') expected = expected.plus(sent.quantity);
  }
  const body = await http.call<{ services: Array<{ serviceId: string; total: string }> }>(
    'GET',
    '/v1/accounts/acc-0/usage?serviceId=data&from=2026-11-01&to=2026-11-30',
    tenant.apiKey,
    undefined,
    200,
  );
  const total = body.services[0]?.total ?? '0';
  if (total !== expected.toString()) throw new Error(`acc-0's data total is ${total}, expected ${expected.toString()}`);
}

/** Run on its own (`node dist/scripts/bench-usage.js`), it prints its rows, whether its target was met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchUsage);
