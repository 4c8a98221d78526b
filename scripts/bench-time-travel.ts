/**
 * Time travel and the recompute audit for `npm run bench` (issue 21 "Performance"; decision 0020), on the embedded
 * SQLite stores in this process, without HTTP (what is measured is the replay, not the request path):
 *  - time travel: one tenant's log of BENCH_TIME_TRAVEL_EVENTS (default 1,000,000) events over 730 business days
 *    (a BusinessDayStarted a day, account creations and contact changes between), appended straight into the log.
 *    "An account's state as of a date one year back": what GET /v1/accounts/{id}?asOf= does (`TimeTravel.readAccount`:
 *    the events about the account alone, found through its timeline's index, replayed into a store of their own),
 *    asOf = the business date minus 365 days, over ACCOUNT_SAMPLES reads of different accounts: p50 and p95. Target:
 *    under 50 ms at the median. Then the whole tenant's replay the other routes use (`TimeTravel.read`): cold (a new
 *    TimeTravel, the replay from the start; BENCH_TIME_TRAVEL_SAMPLES, default 1), warm (the same date again: the
 *    replayed store is kept), and the next day (a forward move of one day's events).
 *  - audit: a tenant of BENCH_AUDIT_EVENTS (default 200,000) events of the same kinds, its read models rebuilt, then
 *    `auditTenant` (replay through every projector, compare every document, recompute the hash chain): events/s.
 *    Target: at least 50,000 events/s.
 * Run alone: `npm run build && node dist/scripts/bench-time-travel.js` (prints its rows as JSON, last line).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { allProjectors } from '../apps/contexts';
import { accountStream } from '../libs/accounts/domain/account.decider';
import { ACCOUNTS } from '../libs/accounts/read-model';
import { SqliteEventStore } from '../libs/platform/event-store/sqlite/sqlite-event-store';
import { EventStore, NewEvent, StreamAppend } from '../libs/platform/event-store/event-store.port';
import { createReadStore } from '../libs/platform/read-store';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { TimeTravel } from '../libs/platform/time-travel/time-travel';
import { accountReplay, businessDaysOf } from '../libs/audit/time-travel.provider';
import { auditTenant } from '../libs/platform/audit/audit';
import { addDays } from '../libs/shared-kernel/calendar-date';
import { clockStream } from '../libs/time/domain';
import { fmt, Row, runStandalone } from './bench-support';

const EVENTS = Number(process.env.BENCH_TIME_TRAVEL_EVENTS ?? 1_000_000);
/** Whole-tenant replays a year back (each about half the log): slow, so few; 0 leaves that part out. */
const SAMPLES = Number(process.env.BENCH_TIME_TRAVEL_SAMPLES ?? 1);
/** Reads of the account a year back through its own events (the route's way): many, for the median. */
const ACCOUNT_SAMPLES = 50;
/** 0 leaves the audit out. */
const AUDIT_EVENTS = Number(process.env.BENCH_AUDIT_EVENTS ?? 200_000);
const DAYS = 730;
const FIRST_DAY = '2023-01-01';
const TENANT = 'bench-time-travel';
const TARGET_MS = 50;
const AUDIT_TARGET = 50_000;
/** Accounts of the tenant: created in the first days, then changed round and round. */
const ACCOUNTS_COUNT = 10_000;

export async function benchTimeTravel(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-time-travel-'));
  const rows: Row[] = [];
  try {
    const events = new SqliteEventStore({ file: path.join(dataDir, 'events.sqlite') });
    const setUp = performance.now();
    const today = await appendLog(events, TENANT, EVENTS, DAYS);
    rows.push([`time travel set-up: ${fmt(EVENTS)} events over ${DAYS} days appended (ms)`, fmt(performance.now() - setUp), '']);
    // The index of each account's events (the account-history read model), as a running worker keeps it.
    const live = createReadStore({ kind: 'sqlite', dataDir });
    const indexing = performance.now();
    await rebuildProjections(events, live, allProjectors.filter((projector) => projector.name === 'account-history'), () => performance.now());
    rows.push(['time travel set-up: the accounts\' timeline index built (ms)', fmt(performance.now() - indexing), '']);
    const asOf = addDays(today, -365);
    const tenant = { id: TENANT, createdOn: FIRST_DAY };
    const travel = () =>
      new TimeTravel({
        events,
        projectors: allProjectors,
        businessDays: businessDaysOf(events),
        today: () => today,
        account: accountReplay(events, live, { projectors: allProjectors, processManagers: [], healthCounts: [] }),
      });
    const accountAt = (timeTravel: TimeTravel, date: string) =>
      timeTravel.read(tenant, { asOf: date }, live, async ({ store }) => store.get(ACCOUNTS, TENANT, 'acc-42'));

    const byAccount: number[] = [];
    const accountTravel = travel();
    for (let i = 0; i < ACCOUNT_SAMPLES + 5; i++) {
      const accountId = `acc-${(i * 7919) % ACCOUNTS_COUNT}`;
      const started = performance.now();
      const account = await accountTravel.readAccount(tenant, { asOf }, accountId, live, async ({ store }) => store.get(ACCOUNTS, TENANT, accountId));
      if (i >= 5) byAccount.push(performance.now() - started); // the first few warm up the JIT and the page cache
      if (!account) throw new Error(`${accountId} did not exist a year back`);
    }
    const accountMedian = median(byAccount);
    rows.push(
      [`time travel: an account a year back, ${fmt(EVENTS)} events (its own events replayed): p50 (ms)`, accountMedian.toFixed(1), `< ${TARGET_MS}`],
      ['time travel: the same, p95 (ms)', percentile(byAccount, 0.95).toFixed(1), ''],
    );

    if (SAMPLES > 0) rows.push(...(await wholeTenant(travel, accountAt, asOf)));
    await live.close();
    await events.close();
    const audited = AUDIT_EVENTS > 0 ? await audit(path.join(dataDir, 'audit')) : { rows: [], rate: Number.NaN };
    rows.push(...audited.rows);
    return { rows, met: accountMedian < TARGET_MS && audited.rate >= AUDIT_TARGET };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * The whole tenant's replay a year back, as the routes other than an account's own use it: cold (a new TimeTravel
 * each), warm (the same date again), the next day (forward by a day's events).
 */
async function wholeTenant(travel: () => TimeTravel, accountAt: (timeTravel: TimeTravel, date: string) => Promise<unknown>, asOf: string): Promise<Row[]> {
  const tenant = { id: TENANT, createdOn: FIRST_DAY };
  const cold: number[] = [];
  let position = 0;
  for (let i = 0; i < SAMPLES; i++) {
    const timeTravel = travel();
    const started = performance.now();
    const account = await accountAt(timeTravel, asOf);
    cold.push(performance.now() - started);
    if (!account) throw new Error('the account did not exist a year back');
    position = (await timeTravel.resolve(tenant, { asOf })).position;
    await timeTravel.close();
  }
  const timeTravel = travel();
  await accountAt(timeTravel, asOf);
  const warm: number[] = [];
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    await accountAt(timeTravel, asOf);
    warm.push(performance.now() - started);
  }
  const nextDay: number[] = [];
  for (let i = 1; i <= 10; i++) {
    const started = performance.now();
    await accountAt(timeTravel, addDays(asOf, i));
    nextDay.push(performance.now() - started);
  }
  await timeTravel.close();
  const coldMedian = median(cold);
  console.error(`time travel: a year back (position ${fmt(position)} of ${fmt(EVENTS)}): cold ${cold.map((ms) => fmt(ms)).join(', ')} ms; warm p50 ${median(warm).toFixed(1)} ms`);
  return [
    [`time travel: the whole tenant a year back, cold replay of ${fmt(position)} events (ms)`, fmt(coldMedian), ''],
    ['time travel: cold replay rate (events/s)', fmt(position / (coldMedian / 1000)), ''],
    ['time travel: the same date again (replayed store kept): p50 (ms)', median(warm).toFixed(1), ''],
    ['time travel: the next day (forward by one day of events): p50 (ms)', median(nextDay).toFixed(1), ''],
  ];
}

/** The audit's rate on a tenant of a data folder of its own, its read models rebuilt first (what a running worker keeps). */
async function audit(auditDir: string): Promise<{ rows: Row[]; rate: number }> {
  const auditEvents = new SqliteEventStore({ file: path.join(auditDir, 'events.sqlite') });
  await appendLog(auditEvents, TENANT, AUDIT_EVENTS, Math.max(2, Math.round((DAYS * AUDIT_EVENTS) / EVENTS)));
  const auditLive = createReadStore({ kind: 'sqlite', dataDir: auditDir });
  await rebuildProjections(auditEvents, auditLive, allProjectors, () => performance.now());
  const report = await auditTenant({ events: auditEvents, live: auditLive, projectors: allProjectors, tenantId: TENANT });
  await auditLive.close();
  await auditEvents.close();
  if (!report.ok) throw new Error(`the audit found differences on a rebuilt tenant: ${JSON.stringify(report.differences.slice(0, 3))}`);
  console.error(`audit: ${fmt(report.events)} events, ${fmt(report.documents)} documents in ${fmt(report.millis)} ms`);
  return {
    rate: report.eventsPerSecond,
    rows: [
      [`audit: recompute rate, ${fmt(report.events)} events, ${fmt(report.documents)} documents compared (events/s)`, fmt(report.eventsPerSecond), `≥ ${fmt(AUDIT_TARGET)}`],
      ['audit: of which the replay and the chain (ms) / the comparison (ms)', `${fmt(report.replayMillis)} / ${fmt(report.millis - report.replayMillis)}`, ''],
    ],
  };
}

/**
 * The tenant's log: `days` business days, each a BusinessDayStarted on the clock stream and then its share of the
 * events (ACCOUNTS_COUNT creations first, then contact changes round the accounts), 1,000 to a commit. The business
 * date at the end.
 */
async function appendLog(events: EventStore, tenantId: string, total: number, days: number): Promise<string> {
  const perDay = Math.ceil(total / days);
  const revisions = new Map<string, number>();
  let written = 0;
  let day = FIRST_DAY;
  let pending = new Map<string, StreamAppend>();
  let pendingEvents = 0;
  const flush = async () => {
    if (pending.size > 0) await events.appendToStreams([...pending.values()]);
    pending = new Map();
    pendingEvents = 0;
  };
  const add = async (stream: string, event: NewEvent) => {
    const previous = revisions.get(stream);
    const part = pending.get(stream);
    if (part) part.events.push(event);
    else pending.set(stream, { stream, events: [event], expectedRevision: previous === undefined ? 'no_stream' : previous });
    revisions.set(stream, (previous ?? -1) + 1);
    pendingEvents += 1;
    if (pendingEvents >= 1_000) await flush();
  };
  for (let d = 0; d < days && written < total; d++, day = addDays(day, 1)) {
    if (d > 0) {
      await add(clockStream(tenantId), event(tenantId, `day-${day}`, 'BusinessDayStarted', { tenantId, date: day }, day));
      written += 1;
    }
    for (let i = 0; i < perDay && written < total; i++, written++) {
      const n = written % ACCOUNTS_COUNT;
      const accountId = `acc-${n}`;
      const email = `a${n}-${written}@example.com`;
      const created = written < ACCOUNTS_COUNT;
      await add(
        accountStream(tenantId, accountId),
        created
          ? event(tenantId, `e-${written}`, 'AccountCreated', { accountId, name: `Account ${n}`, currency: 'USD', status: 'active', parentAccountId: null, contact: { email, phone: '+44 20 7946 0000' }, email, country: null, language: null, channel: null, createdOn: day }, day)
          : event(tenantId, `e-${written}`, 'AccountContactUpdated', { accountId, contact: { firstName: 'Ada', lastName: `Lovelace ${written}`, email, phone: '+44 20 7946 0000' }, changed: ['lastName', 'email'] }, day),
      );
    }
  }
  await flush();
  return addDays(day, -1);
}

function event(tenantId: string, key: string, type: string, data: Record<string, unknown>, businessDate: string): NewEvent {
  const commandId = `bench-tt-${tenantId}-${key}`;
  return { id: `${commandId}:0`, type, data, metadata: { tenantId, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate } };
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Run on its own (`node dist/scripts/bench-time-travel.js`), it prints its rows, whether its targets were met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchTimeTravel);
