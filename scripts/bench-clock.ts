/**
 * Sandbox clock figures for `npm run bench`: the all-in-one app in-process on a temporary SQLite data
 * folder, driven over real HTTP as a client would.
 *  - days/s advancing a sandbox tenant with 1,000 accounts and nothing due (one advance of 364 days)
 *  - the one day on which 1,000 timers fall due: its seconds and timers fired/s
 * Sizes: BENCH_CLOCK_ACCOUNTS (default 1000).
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { ADMIN_KEY, fmt, Http, httpClient, Row, runPool, runStandalone, settled, startApp, Tenant } from './bench-support';

const ACCOUNTS = Number(process.env.BENCH_CLOCK_ACCOUNTS ?? 1000);
/** Requests in flight while creating accounts: enough to keep the app busy, few enough not to queue for long. */
const HTTP_CONCURRENCY = 32;
const START = '2025-01-01';
const YEAR_END = '2025-12-31';
/** The accounts of the second tenant lack a phone: their reminders fall due 7 days after creation. */
const EVE_OF_DUE_DAY = '2025-01-07';
const DUE_DAY = '2025-01-08';

export async function benchClock(): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-clock-'));
  const app = await startApp(dataDir, START);
  try {
    const http = await httpClient(app);
    const idle = await benchNothingDue(app, http);
    const due = await benchDueTimers(app, http);
    return [
      [`sandbox days/s, ${fmt(ACCOUNTS)} accounts, nothing due (${idle.days} days)`, fmt(idle.days / idle.seconds), ''],
      [`sandbox day with ${fmt(ACCOUNTS)} due timers (s)`, due.seconds.toFixed(2), ''],
      ['timers fired/s on that day', fmt(ACCOUNTS / due.seconds), ''],
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** (a) Accounts with a complete contact schedule no timer: the year is just 364 business days starting and settling. */
async function benchNothingDue(app: NestFastifyApplication, http: Http): Promise<{ days: number; seconds: number }> {
  const tenant = await createTenant(http, 'Clock idle');
  await createAccounts(http, tenant, (i) => ({ email: `idle${i}@example.com`, phone: '+1 555 0100' }));
  await settled(app);
  const { days, seconds } = await timedAdvance(http, tenant, YEAR_END);
  if (days !== 364) throw new Error(`expected to advance 364 days to ${YEAR_END}, advanced ${days}`);
  const timers = await eventsOf(app, tenant, 'TimerScheduled');
  if (timers !== 0) throw new Error(`the tenant with complete contacts scheduled ${timers} timers; expected none`);
  return { days, seconds };
}

/** (b) Every account lacks a phone: all their timers fall due on one day, which is timed alone. */
async function benchDueTimers(app: NestFastifyApplication, http: Http): Promise<{ seconds: number }> {
  const tenant = await createTenant(http, 'Clock due');
  await createAccounts(http, tenant, (i) => ({ email: `due${i}@example.com` }));
  await timedAdvance(http, tenant, EVE_OF_DUE_DAY); // settles every timer's scheduling; not part of the figure
  const { days, seconds } = await timedAdvance(http, tenant, DUE_DAY);
  if (days !== 1) throw new Error(`expected to advance 1 day to ${DUE_DAY}, advanced ${days}`);
  // The advance answers once the day settled, so every effect must already be in the log.
  for (const type of ['AccountContactReminderSent', 'TimerFired']) {
    const count = await eventsOf(app, tenant, type);
    if (count !== ACCOUNTS) throw new Error(`expected ${ACCOUNTS} ${type} events for tenant ${tenant.id} on ${DUE_DAY}, found ${count}`);
  }
  return { seconds };
}

function createTenant(http: Http, name: string): Promise<Tenant> {
  return http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name, sandbox: true, businessDate: START }, 201);
}

async function createAccounts(http: Http, tenant: Tenant, contact: (i: number) => Record<string, string>): Promise<void> {
  await runPool(ACCOUNTS, HTTP_CONCURRENCY, (i) =>
    http.call('POST', '/v1/accounts', tenant.apiKey, { id: `acc-${i}`, name: `Account ${i}`, currency: 'USD', contact: contact(i) }, 201),
  );
}

async function timedAdvance(http: Http, tenant: Tenant, to: string): Promise<{ days: number; seconds: number }> {
  const started = performance.now();
  const body = await http.call<{ businessDate: string; days: number }>('POST', '/v1/clock/advance', tenant.apiKey, { to }, 200);
  return { days: body.days, seconds: (performance.now() - started) / 1000 };
}

async function eventsOf(app: NestFastifyApplication, tenant: Tenant, type: string): Promise<number> {
  const all = await app.get<EventStore>(EVENT_STORE).readAll();
  return all.filter((event) => event.type === type && event.metadata.tenantId === tenant.id).length;
}


/** Run on its own (`node dist/scripts/bench-clock.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchClock);
