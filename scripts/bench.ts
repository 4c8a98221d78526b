/**
 * `npm run bench`: prints the figures the foundation is held to (targets on a 2-core machine):
 *  - single-event commands/s through the command pipeline (CommandBus → handler → decide → append), no HTTP: ≥ 5,000
 *  - raw appends/s of the same events straight into SQLite, same concurrency; pipeline ≥ 1/3 of it
 *  - replay rate rebuilding read models from 100,000 events: ≥ 50,000 events/s
 *  - sandbox clock (./bench-clock.ts, no target yet): days/s advancing a sandbox tenant with 1,000 accounts and
 *    nothing due; the seconds of one day on which 1,000 timers fall due, and timers fired/s on it
 *  - peak RSS of the foundation figures above: < 300 MB; the clock figures run in a child process (a whole
 *    in-process app with its HTTP server) and report their own peak RSS
 * Sizes: BENCH_COMMANDS (default 20000), BENCH_REPLAY_EVENTS (default 100000), BENCH_CONCURRENCY (default 256),
 * BENCH_CLOCK_ACCOUNTS (default 1000), BENCH_SUBTREE (default 10000), BENCH_BILL_RUN_INSTANCES (default 100000).
 * BENCH_SKIP_CLOCK=1, BENCH_SKIP_HIERARCHY=1 and BENCH_SKIP_BILLING=1 leave those parts out.
 *  - hierarchy (./bench-hierarchy.ts, no target given): re-parenting a 10,000-account subtree (answered; settled)
 *    and the descendants query latency on it
 *  - bill run (./bench-billing.ts): the day on which 100,000 plan instances fall due, invoices/s ≥ 5,000; RSS
 *    before, during and after it; the same day again (after a restart, and its commands re-issued) writing nothing
 *  - usage (./bench-usage.ts): records/s through POST /v1/usage/batch over HTTP, batches of 1,000, ≥ 20,000;
 *    BENCH_USAGE_RECORDS (default 1000000), BENCH_USAGE_ACCOUNTS (default 100), BENCH_USAGE_IN_FLIGHT (default 4);
 *    BENCH_SKIP_USAGE=1 leaves it out
 *  - statements (./bench-statements.ts, no target given): invoices projected into statements per second, own-pay
 *    accounts and one payer of 20,000 accounts; BENCH_STATEMENT_ACCOUNTS (default 20000); BENCH_SKIP_STATEMENTS=1
 *  - payments (./bench-payments.ts): external payments/s through POST /v1/payments over HTTP, one per account, 16 in
 *    flight, ≥ 2,000; and doWrite: false previews/s; BENCH_PAYMENT_ACCOUNTS (default 10000); BENCH_SKIP_PAYMENTS=1
 *  - collection (./bench-billing.ts with BENCH_BILL_RUN_CARDS=1): the bill-run day with every account on a card,
 *    invoices collected/s ≥ 3,000; BENCH_SKIP_COLLECTION=1 (or BENCH_SKIP_BILLING=1) leaves it out
 *  - coupon and tax (./bench-billing.ts with BENCH_BILL_RUN_COUPON_TAX=1): the bill-run day with a 10% coupon on every
 *    account and a 20% tax rate, invoices/s ≥ 4,000; BENCH_SKIP_COUPON_TAX=1 (or BENCH_SKIP_BILLING=1) leaves it out
 *  - dunning (./bench-dunning.ts): a day on which BENCH_DUNNING_ACCOUNTS (default 100000) accounts take a dunning step
 *    (retry declined by the sandbox gateway, a notice, a 5% late fee): steps/s ≥ 3,000; BENCH_SKIP_DUNNING=1 leaves it out
 *  - webhooks (./bench-notifications.ts): published events delivered/s to a local receiver ≥ 2,000, and the lag from
 *    append to delivery at 500 events/s, p99 < 1 s, a dead endpoint beside the live one; BENCH_NOTIFICATION_EVENTS
 *    (default 20000), BENCH_NOTIFICATION_RATE (500), BENCH_NOTIFICATION_SECONDS (10); BENCH_SKIP_NOTIFICATIONS=1
 *  - orders (./bench-orders.ts): orders of 12 installments/s over HTTP ≥ 1,000, and the day on which their 2nd rows fall
 *    due, installments invoiced and posted/s ≥ 3,000; BENCH_ORDER_COUNT (default 100000), BENCH_ORDER_IN_FLIGHT (32);
 *    BENCH_SKIP_ORDERS=1
 *  - self-service (./bench-self-service.ts): what validating a customer session adds to GET /v1/accounts/{id} at the
 *    median, < 1 ms, against the same route with the API key; sign-ins/s (bounded by the password hash, stated);
 *    BENCH_SELF_SERVICE_USERS (default 200), BENCH_SELF_SERVICE_REQUESTS (5000); BENCH_SKIP_SELF_SERVICE=1
 *  - history (./bench-history.ts, no target given): GET /v1/accounts/{id}/history, a page of 100 of an account with
 *    BENCH_HISTORY_ACCOUNT_EVENTS (1,000) events among BENCH_HISTORY_EVENTS (200,000) of its tenant: p50 and p95;
 *    BENCH_SKIP_HISTORY=1 leaves it out
 *  - time travel and audit (./bench-time-travel.ts): an account as of a year back on a tenant of 1,000,000 events
 *    (target < 50 ms at the median) and the recompute audit's events/s (target ≥ 50,000); BENCH_SKIP_TIME_TRAVEL=1
 *  - event feed (./bench-event-feed.ts): a tenant's published events read through GET /v1/events in pages of 1,000,
 *    one request in flight, ≥ 50,000 events/s; BENCH_FEED_EVENTS (default 200000), BENCH_FEED_OTHER_EVENTS (20000,
 *    another tenant's, interleaved); BENCH_SKIP_EVENT_FEED=1 leaves it out
 *  - request path (./bench-request-path.ts): POST /v1/accounts and GET /v1/accounts/{id} over HTTP with autocannon, at
 *    16 and 64 connections, against the product (npm start) and a bare Fastify in the same run: req/s, p50, p99 and
 *    the share; writes ≥ 25% of bare Fastify with p99 < 20 ms at 64 connections, reads ≥ 50%. BENCH_REQUEST_SECONDS
 *    (default 5) per run, BENCH_REQUEST_ROUNDS (1, median); BENCH_SKIP_REQUEST_PATH=1 leaves it out
 */
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { CommandApiModule } from '../apps/command-api/command-api.module';
import { CreateAccountCommand } from '../libs/accounts/commands/create-account';
import { CommandContext } from '../libs/platform/command-pipeline/command-context';
import { streamName } from '../libs/shared-kernel/streams';
import { loadConfig } from '../libs/platform/config/config';
import { CoreModule } from '../apps/core.module';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { createEventStore } from '../libs/platform/event-store';
import { NewEvent } from '../libs/platform/event-store/event-store.port';
import { createReadStore } from '../libs/platform/read-store';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../apps/contexts';
import { execFileSync } from 'node:child_process';
import { PRODUCT_NODE_FLAGS } from './server-process';

const COMMANDS = Number(process.env.BENCH_COMMANDS ?? 20_000);
const REPLAY_EVENTS = Number(process.env.BENCH_REPLAY_EVENTS ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 256);
const TENANT = 'tenbench';
const BUSINESS_DATE = '2026-11-22';
const SKIP_CLOCK = process.env.BENCH_SKIP_CLOCK === '1';
const SKIP_HIERARCHY = process.env.BENCH_SKIP_HIERARCHY === '1';
const SKIP_BILLING = process.env.BENCH_SKIP_BILLING === '1';
const SKIP_USAGE = process.env.BENCH_SKIP_USAGE === '1';

async function main(): Promise<void> {
  console.log(`bench: ${COMMANDS} commands, ${REPLAY_EVENTS} replayed events, ${CONCURRENCY} in flight, node ${process.version}`);
  const pipeline = await benchPipeline();
  const raw = await benchRawAppends();
  const replay = await benchReplay();
  const peakRssMb = process.resourceUsage().maxRSS / 1024; // the foundation figures' own process
  const clock = SKIP_CLOCK ? SKIPPED : benchInChildProcess('bench-clock.js', 'clock');
  const hierarchy = SKIP_HIERARCHY ? SKIPPED : benchInChildProcess('bench-hierarchy.js', 'hierarchy');
  const billing = SKIP_BILLING ? SKIPPED : benchInChildProcess('bench-billing.js', 'billing');
  const usage = SKIP_USAGE ? SKIPPED : benchInChildProcess('bench-usage.js', 'usage');
  const statements = process.env.BENCH_SKIP_STATEMENTS === '1' ? SKIPPED : benchInChildProcess('bench-statements.js', 'statements');
  // Pool rating (./bench-pools.ts): a pool of BENCH_POOL_MEMBERS (10,000) rated at period end; BENCH_SKIP_POOLS=1 leaves it out.
  const pools = process.env.BENCH_SKIP_POOLS === '1' ? SKIPPED : benchInChildProcess('bench-pools.js', 'pools');
  const payments = process.env.BENCH_SKIP_PAYMENTS === '1' ? SKIPPED : benchInChildProcess('bench-payments.js', 'payments');
  // The bill-run day again with every account on a card: each invoice collected at once (BENCH_SKIP_COLLECTION=1 leaves it out).
  const collection = SKIP_BILLING || process.env.BENCH_SKIP_COLLECTION === '1' ? SKIPPED : benchInChildProcess('bench-billing.js', 'collection', { BENCH_BILL_RUN_CARDS: '1' });
  // The bill-run day again with a coupon on every account and a tax rate (BENCH_SKIP_COUPON_TAX=1 leaves it out).
  const couponTax = SKIP_BILLING || process.env.BENCH_SKIP_COUPON_TAX === '1' ? SKIPPED : benchInChildProcess('bench-billing.js', 'coupon and tax', { BENCH_BILL_RUN_COUPON_TAX: '1' });
  // A day on which BENCH_DUNNING_ACCOUNTS (100,000) accounts take a dunning step (./bench-dunning.ts); BENCH_SKIP_DUNNING=1 leaves it out.
  const dunning = process.env.BENCH_SKIP_DUNNING === '1' ? SKIPPED : benchInChildProcess('bench-dunning.js', 'dunning');
  // Webhook deliveries/s and the lag at 500 events/s, a dead endpoint beside (./bench-notifications.ts); BENCH_SKIP_NOTIFICATIONS=1 leaves it out.
  const notifications = process.env.BENCH_SKIP_NOTIFICATIONS === '1' ? SKIPPED : benchInChildProcess('bench-notifications.js', 'notifications');
  // Orders of 12 installments over HTTP and the day their 2nd rows fall due (./bench-orders.ts); BENCH_SKIP_ORDERS=1 leaves it out.
  const orders = process.env.BENCH_SKIP_ORDERS === '1' ? SKIPPED : benchInChildProcess('bench-orders.js', 'orders');
  // Session validation's cost per request and sign-ins/s (./bench-self-service.ts); BENCH_SKIP_SELF_SERVICE=1 leaves it out.
  const selfService = process.env.BENCH_SKIP_SELF_SERVICE === '1' ? SKIPPED : benchInChildProcess('bench-self-service.js', 'self-service');
  // The tenant event feed read in pages of 1,000 over HTTP (./bench-event-feed.ts); BENCH_SKIP_EVENT_FEED=1 leaves it out.
  const eventFeed = process.env.BENCH_SKIP_EVENT_FEED === '1' ? SKIPPED : benchInChildProcess('bench-event-feed.js', 'event feed');
  // An account's history: a page of 100 of an account with 1,000 events among 200,000 of its tenant (./bench-history.ts); BENCH_SKIP_HISTORY=1 leaves it out.
  const history = process.env.BENCH_SKIP_HISTORY === '1' ? SKIPPED : benchInChildProcess('bench-history.js', 'history');
  // An account a year back on a tenant of 1,000,000 events, and the audit's recompute rate (./bench-time-travel.ts); BENCH_SKIP_TIME_TRAVEL=1 leaves it out.
  const timeTravel = process.env.BENCH_SKIP_TIME_TRAVEL === '1' ? SKIPPED : benchInChildProcess('bench-time-travel.js', 'time travel and audit');
  // Single HTTP requests against the product and a bare Fastify, POST and GET /v1/accounts at 16 and 64 connections
  // (./bench-request-path.ts; BENCH_REQUEST_SECONDS per run, default 5); BENCH_SKIP_REQUEST_PATH=1 leaves it out.
  const requestPath = process.env.BENCH_SKIP_REQUEST_PATH === '1' ? SKIPPED : benchInChildProcess('bench-request-path.js', 'request path');

  const ratio = pipeline / raw;
  const rows: Array<[string, string, string]> = [
    ['commands/s through the pipeline (SQLite, no HTTP)', fmt(pipeline), '≥ 5,000'],
    ['raw appends/s of the same events (SQLite)', fmt(raw), ''],
    ['pipeline / raw', ratio.toFixed(2), '≥ 0.33'],
    [`replay events/s (rebuild from ${fmt(REPLAY_EVENTS)} events)`, fmt(replay), '≥ 50,000'],
    ['peak RSS of the figures above (MB)', peakRssMb.toFixed(0), '< 300'],
    ...clock.rows,
    ...hierarchy.rows,
    ...billing.rows,
    ...usage.rows,
    ...statements.rows,
    ...pools.rows,
    ...payments.rows,
    ...collection.rows,
    ...couponTax.rows,
    ...dunning.rows,
    ...notifications.rows,
    ...orders.rows,
    ...selfService.rows,
    ...history.rows,
    ...timeTravel.rows,
    ...eventFeed.rows,
    ...requestPath.rows,
  ];
  console.log('');
  for (const [name, value, target] of rows) console.log(`${name.padEnd(58)} ${value.padStart(10)}   ${target}`);
  const met = pipeline >= 5000 && ratio >= 1 / 3 && replay >= 50_000 && peakRssMb < 300 && [clock, hierarchy, billing, usage, statements, pools, payments, collection, couponTax, dunning, notifications, orders, selfService, history, timeTravel, eventFeed, requestPath].every((part) => part.met);
  console.log(`\ntargets ${met ? 'met' : 'NOT met'}`);
}

/** Single-event CreateAccount commands through the real CommandBus and handler, on the embedded SQLite store. */
async function benchPipeline(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pipeline-'));
  const config = loadConfig({ DATA_DIR: dataDir, BILLING_ADMIN_KEY: 'bench-admin', LOG_LEVEL: 'silent' });

  @Module({ imports: [CoreModule.forRoot({ config, logger: pino({ level: 'silent' }), print: () => undefined }), CommandApiModule] })
  class BenchModule {}

  const app = await NestFactory.createApplicationContext(BenchModule, { logger: false });
  const bus = app.get(CommandBus);
  const command = (i: number) =>
    new CreateAccountCommand({ id: `acc-${i}`, name: `Account ${i}`, currency: 'USD', email: `a${i}@example.com` }, context(randomUUID()));
  await runPool(200, (i) => bus.execute(command(COMMANDS + i))); // warm-up
  const started = performance.now();
  await runPool(COMMANDS, (i) => bus.execute(command(i)));
  const rate = COMMANDS / ((performance.now() - started) / 1000);
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rate;
}

/** The same AccountCreated events appended directly, one per call, with the same concurrency. */
async function benchRawAppends(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-raw-'));
  const store = createEventStore({ kind: 'sqlite', dataDir });
  await runPool(200, (i) => store.appendToStream(accountStream(COMMANDS + i), [accountCreated(COMMANDS + i)], 'no_stream'));
  const started = performance.now();
  await runPool(COMMANDS, (i) => store.appendToStream(accountStream(i), [accountCreated(i)], 'no_stream'));
  const rate = COMMANDS / ((performance.now() - started) / 1000);
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return rate;
}

/** Writes REPLAY_EVENTS account events (half creations, half contact changes), then rebuilds every read model. */
async function benchReplay(): Promise<number> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-replay-'));
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const accounts = Math.floor(REPLAY_EVENTS / 2);
  await runPool(accounts, (i) => events.appendToStream(accountStream(i), [accountCreated(i), contactUpdated(i)], 'no_stream'));
  const store = createReadStore({ kind: 'sqlite', dataDir });
  const report = await rebuildProjections(events, store, allProjectors, () => performance.now());
  await events.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  return report.events / (report.millis / 1000);
}

function context(commandId: string): CommandContext {
  return { tenantId: TENANT, actor: 'bench', correlationId: commandId, causationId: commandId, commandId, businessDate: BUSINESS_DATE };
}

function accountStream(i: number): string {
  return streamName('account', TENANT, `acc-${i}`);
}

function accountCreated(i: number): NewEvent {
  const contact = { email: `a${i}@example.com` };
  return event(i, 0, 'AccountCreated', {
    accountId: `acc-${i}`,
    name: `Account ${i}`,
    currency: 'USD',
    status: 'active',
    parentAccountId: null,
    contact,
    email: contact.email,
    country: null,
    language: null,
    channel: null,
    createdOn: BUSINESS_DATE,
  });
}

function contactUpdated(i: number): NewEvent {
  return event(i, 1, 'AccountContactUpdated', {
    accountId: `acc-${i}`,
    contact: { firstName: 'Ada', email: `a${i}@example.com` },
    changed: ['firstName'],
  });
}

function event(i: number, index: number, type: string, data: Record<string, unknown>): NewEvent {
  const commandId = `bench-${i}-${index}`;
  return {
    id: deterministicUuid(commandId, String(index)),
    type,
    data,
    metadata: { tenantId: TENANT, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate: BUSINESS_DATE },
  };
}

/** Runs `count` tasks with at most CONCURRENCY in flight. */
async function runPool(count: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, worker));
}

interface ChildPart {
  rows: Array<[string, string, string]>;
  /** Whether the part's own targets were met (a part without targets meets them). */
  met: boolean;
}

const SKIPPED: ChildPart = { rows: [], met: true };

/** A part of the figures in a process of its own, so each part's peak RSS is its own. */
function benchInChildProcess(script: string, part: string, env: Record<string, string> = {}): ChildPart {
  // With the product's own Node flags (`npm start`'s), so each figure is what the product does.
  const output = execFileSync(process.execPath, ['--expose-gc', ...PRODUCT_NODE_FLAGS, path.join(__dirname, script)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, ...env },
  });
  const { rows, peakRssMb, met } = JSON.parse(output.trim().split('\n').pop()!) as { rows: Array<[string, string, string]>; peakRssMb: number; met?: boolean };
  return { rows: [...rows, [`peak RSS of the ${part} figures (MB)`, peakRssMb.toFixed(0), '']], met: met ?? true };
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

