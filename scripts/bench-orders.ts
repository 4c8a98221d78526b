/**
 * Order figures for `npm run bench` (issue 19 "Performance": 100,000 orders with 12-installment schedules created over
 * HTTP, ≥ 1,000 orders/s; the business day on which 100,000 installments fall due, ≥ 3,000 installments invoiced/s;
 * peak RSS), against the all-in-one app in-process on a temporary SQLite data folder, over real HTTP:
 *  - orders/s through POST /v1/accounts/{id}/orders: one order per account (one item of 1,200.00, the independent
 *    monthly term of 12 installments, daysUntilDue 10), BENCH_ORDER_IN_FLIGHT requests in flight (default 32). Each
 *    answer must be 201 with a schedule of 12 rows of 100.00, the first on the order date. Latency p50/p99, the CPU
 *    seconds of the process for them, and the seconds until everything settled after the last answer (the first row
 *    invoiced and posted by the `installments` process manager, notification 760, the comments) as a row of its own.
 *  - the due day: the sandbox clock advanced over HTTP (POST /v1/clock/advance answers once the day settled) from the
 *    day before to the day a month after the orders, on which every schedule's 2nd row falls due: its seconds and
 *    installments invoiced and posted per second (`installments-daily` scan → InstallmentInvoiced → PostReceivable →
 *    ReceivablePosted, every read model caught up), CPU seconds, commits of both stores, RSS before/during/after.
 *  - checked after the day: exactly N InstallmentInvoiced (row 2, invoice id `ins:<order>:2`) and N ReceivablePosted
 *    of kind installment (the same ids, 100.00), one per schedule, none twice; the day's events by type go to stderr.
 * Set-up (not timed, a row of its own): the sandbox tenant, the item and the term over HTTP, then N accounts over HTTP
 * (POST /v1/accounts with a complete contact, so no reminder timers; BENCH_ORDER_SETUP_IN_FLIGHT in flight, default 32).
 * Sizes: BENCH_ORDER_COUNT (default 100000). BENCH_SKIP_ORDERS=1 leaves it out of `npm run bench`.
 * BENCH_CPU_PROF=<folder>: CPU profiles of the orders and of the due day alone.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { ADMIN_KEY, advanceClock, cpuProfiler, fmt, Http, httpClient, mb, Row, RSS_SAMPLE_MS, runPool, runStandalone, settled as settledOnce, startApp, Tenant, tenantEventsAfter, lastDay, TimedDay, timedClockDay } from './bench-support';

const ORDERS = Number(process.env.BENCH_ORDER_COUNT ?? 100_000);
const IN_FLIGHT = Number(process.env.BENCH_ORDER_IN_FLIGHT ?? 32);
const SET_UP_IN_FLIGHT = Number(process.env.BENCH_ORDER_SETUP_IN_FLIGHT ?? 32);
const TARGET_ORDERS_PER_SECOND = 1000;
const TARGET_INSTALLMENTS_PER_SECOND = 3000;
/** The orders' date (mid-month: no clamping); the 2nd rows fall due a month later, the day before nothing does. */
const START = '2025-01-15';
const DAY_BEFORE = '2025-02-14';
const DUE_DAY = '2025-02-15';
const INSTALLMENTS = 12;
const ROW_AMOUNT = 10000; // 1,200.00 in 12
/** A day of 100,000 installments may take longer than the default minute to settle. */
const APP_ENV = { SETTLE_TIMEOUT_MS: '3600000' };
const ITEM = { id: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1200.00' };
const TERM = { id: 'monthly-12', name: 'Twelve months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: INSTALLMENTS, daysUntilDue: 10 };

const accountId = (i: number) => `acc-${i}`;
/** A complete contact: no contact reminder (a timer per account firing 7 days later, inside the month advanced). */
const CONTACT = (i: number) => ({ email: `a${i}@example.com`, phone: '+1 555 0100' });
const orderId = (i: number) => `ord-${i}`;
/** installmentInvoiceId(scheduleId = orderId, 2), legible at these lengths. */
const secondRowId = (order: string) => `ins:${order}:2`;

interface OrderAnswer {
  id: string;
  total: number;
  installmentSchedule: { id: string; installments: Array<{ number: number; invoiceDate: string; amount: number }> } | null;
}

/** bench-support's settled() gives up after a minute; after 100,000 set-up requests the process managers may lag longer. */
async function settled(app: NestFastifyApplication): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await settledOnce(app);
    } catch (error) {
      if (attempt >= 30) throw error;
      console.error(`bench-orders: not settled yet (${String(error)}), waiting again`);
    }
  }
}

export async function benchOrders(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-orders-'));
  const app = await startApp(dataDir, START, APP_ENV);
  try {
    const client = await httpClient(app);
    const setUpStarted = performance.now();
    const tenant = await setUp(client);
    await settled(app);
    const setUpSeconds = (performance.now() - setUpStarted) / 1000;
    const rssAfterSetUp = process.memoryUsage.rss();
    console.error(`bench-orders: set-up ${setUpSeconds.toFixed(1)} s, RSS ${mb(rssAfterSetUp)} MB`);
    const orders = await timedOrders(app, client, tenant);
    console.error(`bench-orders: ${ORDERS} orders in ${orders.seconds.toFixed(1)} s (${fmt(ORDERS / orders.seconds)}/s), p50 ${orders.p50.toFixed(1)} ms, p99 ${orders.p99.toFixed(1)} ms, RSS ${mb(process.memoryUsage.rss())} MB`);
    const beforeStarted = performance.now();
    await advanceClock(app, tenant, DAY_BEFORE);
    await settled(app);
    console.error(`bench-orders: advanced to ${DAY_BEFORE} (30 days, nothing due) in ${((performance.now() - beforeStarted) / 1000).toFixed(1)} s`);
    const day = await timedDueDay(app, tenant);
    const orderRate = ORDERS / orders.seconds;
    const rowRate = ORDERS / day.seconds;
    const rows: Row[] = [
      [`orders/s (${fmt(ORDERS)} orders of 12 installments, HTTP, ${IN_FLIGHT} in flight)`, fmt(orderRate), `≥ ${fmt(TARGET_ORDERS_PER_SECOND)}`],
      ['orders: latency p50 (ms)', orders.p50.toFixed(1), ''],
      ['orders: latency p99 (ms)', orders.p99.toFixed(1), ''],
      ['orders: CPU seconds of the process (all threads) for them', orders.cpuSeconds.toFixed(1), ''],
      ['orders: then settled (1st rows invoiced, posted) (s)', orders.settleSeconds.toFixed(2), ''],
      [`orders: due day, ${fmt(ORDERS)} installments fall due (s)`, day.seconds.toFixed(2), ''],
      ['orders: installments invoiced and posted/s (settled)', fmt(rowRate), `≥ ${fmt(TARGET_INSTALLMENTS_PER_SECOND)}`],
      ['orders: CPU seconds of the due day (user + system)', day.cpuSeconds.toFixed(2), ''],
      ['orders: due day commits: event store / read store (applies)', `${fmt(day.commits[0])} / ${fmt(day.commits[1])} (${fmt(day.commits[2])})`, ''],
      ['orders: events written on the due day (after its answer)', `${fmt(day.written)} (${fmt(day.late)})`, ''],
      ['orders: RSS after the set-up, before the orders (MB)', mb(rssAfterSetUp), ''],
      ['orders: RSS before the due day (MB)', mb(day.rssBefore), ''],
      [`orders: RSS at most during it, sampled every ${RSS_SAMPLE_MS} ms (MB)`, mb(day.rssDuring), ''],
      ['orders: RSS after it (MB)', mb(day.rssAfter), ''],
      [`orders: set-up over HTTP (s, tenant, item, term, ${fmt(ORDERS)} accounts)`, setUpSeconds.toFixed(1), ''],
    ];
    return { rows, met: orderRate >= TARGET_ORDERS_PER_SECOND && rowRate >= TARGET_INSTALLMENTS_PER_SECOND };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function setUp(client: Http): Promise<Tenant> {
  const tenant = await client.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Orders bench', sandbox: true, businessDate: START }, 201);
  await client.call('POST', '/v1/items', tenant.apiKey, ITEM, 201);
  await client.call('POST', '/v1/installment-terms', tenant.apiKey, TERM, 201);
  await runPool(ORDERS, SET_UP_IN_FLIGHT, (i) => client.call('POST', '/v1/accounts', tenant.apiKey, { id: accountId(i), name: `Account ${i}`, currency: 'USD', contact: CONTACT(i) }, 201));
  return tenant;
}

interface Orders {
  seconds: number;
  settleSeconds: number;
  cpuSeconds: number;
  p50: number;
  p99: number;
}

/** One order per account, IN_FLIGHT in flight; each answer a 12-row schedule of 100.00, the first row today. */
async function timedOrders(app: NestFastifyApplication, client: Http, tenant: Tenant): Promise<Orders> {
  const latencies = new Float64Array(ORDERS);
  const profiler = await cpuProfiler(`orders-${ORDERS}`);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  await runPool(ORDERS, IN_FLIGHT, async (i) => {
    const sent = performance.now();
    const body = { id: orderId(i), items: [{ itemId: ITEM.id, quantity: 1 }], installmentTermId: TERM.id };
    const answer = await client.call<OrderAnswer>('POST', `/v1/accounts/${accountId(i)}/orders`, tenant.apiKey, body, 201);
    latencies[i] = performance.now() - sent;
    const rows = answer.installmentSchedule?.installments ?? [];
    if (answer.id !== orderId(i) || answer.total !== INSTALLMENTS * ROW_AMOUNT || rows.length !== INSTALLMENTS || rows.some((row) => row.amount !== ROW_AMOUNT) || rows[0].invoiceDate !== START) {
      throw new Error(`order ${i} answered ${JSON.stringify(answer)}`);
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpuBefore);
  await profiler.stop();
  const settleStarted = performance.now();
  await settled(app);
  const settleSeconds = (performance.now() - settleStarted) / 1000;
  const sorted = Array.from(latencies).sort((a, b) => a - b);
  const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { seconds, settleSeconds, cpuSeconds: (user + system) / 1e6, p50: percentile(50), p99: percentile(99) };
}

interface DueDay extends TimedDay {
  /** Events written after the advance answered (it answers once the day settled: 0). */
  late: number;
}

/** The day on which every schedule's 2nd row falls due, timed alone, then checked against the log. */
async function timedDueDay(app: NestFastifyApplication, tenant: Tenant): Promise<DueDay> {
  const events = app.get<EventStore>(EVENT_STORE);
  const day = await timedClockDay(app, tenant, DUE_DAY, `orders-due-day-${ORDERS}`);
  await settled(app);
  const late = (await events.headPosition()) - day.headBefore - day.written; // the advance answers once the day settled: 0
  await checkDueDay(events, tenant);
  return { ...day, late };
}

/** Exactly one InstallmentInvoiced (row 2) and one ReceivablePosted of kind installment per schedule, nothing else billed. */
async function checkDueDay(events: EventStore, tenant: Tenant): Promise<void> {
  const day = await lastDay(events, tenant.id, DUE_DAY);
  const invoiced = new Set<string>();
  const posted = new Set<string>();
  const counts = new Map<string, number>();
  const once = (set: Set<string>, id: string, what: string) => {
    if (set.has(id)) throw new Error(`${what} ${id} twice on ${DUE_DAY}`);
    set.add(id);
  };
  await tenantEventsAfter(events, day.position, tenant.id, (event) => {
    counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    const data = event.data as Record<string, any>;
    if (event.type === 'InstallmentInvoiced') {
      if (data.number !== 2 || data.amount !== ROW_AMOUNT || data.invoiceId !== secondRowId(data.scheduleId)) throw new Error(`an unexpected InstallmentInvoiced: ${JSON.stringify(data)}`);
      once(invoiced, data.scheduleId, 'row 2 invoiced for');
    } else if (event.type === 'ReceivablePosted') {
      const order = String(data.invoiceId).replace(/^ins:(.*):2$/, '$1');
      if (data.kind !== 'installment' || data.amount !== ROW_AMOUNT || data.invoiceId !== secondRowId(order) || data.accountId !== order.replace(/^ord-/, 'acc-') || data.invoiceDate !== DUE_DAY) {
        throw new Error(`an unexpected posting: ${JSON.stringify(data)}`);
      }
      once(posted, order, 'row 2 posted for');
    }
  });
  console.error(`bench-orders: ${DUE_DAY}'s events: ${JSON.stringify(Object.fromEntries(counts))}`);
  for (const [name, set] of [['InstallmentInvoiced', invoiced], ['ReceivablePosted (installment)', posted]] as const) {
    if (set.size !== ORDERS) throw new Error(`${set.size} ${name} on ${DUE_DAY}, expected ${ORDERS}; the day's events: ${JSON.stringify(Object.fromEntries(counts))}`);
  }
  for (let i = 0; i < ORDERS; i++) if (!invoiced.has(orderId(i)) || !posted.has(orderId(i))) throw new Error(`${orderId(i)}'s 2nd row not invoiced and posted on ${DUE_DAY}`);
}

/** Run on its own (`node dist/scripts/bench-orders.js`), it prints its rows, whether its targets were met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchOrders);
