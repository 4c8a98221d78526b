/**
 * Payment figures for `npm run bench` (issue 16: external payments applied at ≥ 2,000/s on the embedded default),
 * against the all-in-one app in-process on a temporary SQLite data folder, over real HTTP:
 *  - payments/s through POST /v1/payments (source external, the default): one request per account, each paying
 *    part of the account's one open invoice, BENCH_PAYMENT_IN_FLIGHT requests in flight (default 16). Each answer
 *    (201, its `applications` naming the invoice) comes, as every command's does in the all-in-one process, once
 *    the read models reflect it, so the figure includes the receivables and statements projections. Latency p50
 *    and p99 of those requests, and the CPU seconds the whole process (app, projector thread, client) spent on
 *    them: steadier than wall time on a shared machine.
 *  - previews/s: the same request with `doWrite: false` (paying the rest of the invoice) for up to 5,000 accounts;
 *    each answers 200 naming the invoice and the rest; checked: the log's head did not move.
 *  - checked after the payments: the log grew by exactly one PaymentRecorded per payment, one on each account's
 *    receivables stream, and nothing else; every account's receivable item (read store) owes its invoice total less
 *    its payment, status partiallyPaid, and its balance is that too; for 100 accounts over HTTP, the invoice
 *    (GET /v1/invoices/{id}) shows the same balance and the ledger (GET /v1/accounts/{id}/transactions) sums to
 *    the balance (GET /v1/accounts/{id}/balance).
 *  - peak RSS of the process (app, client and set-up together).
 * Set-up (not timed), all over HTTP, 32 requests in flight: a sandbox tenant on 2026-11-22 and a monthly plan
 * of 10.00, then per account `POST /v1/accounts` and `POST /v1/accounts/{id}/plan-instances` (invoiced at
 * assignment: one open invoice of 1,000 cents, id derived from the instance id as the decider derives it). Over
 * HTTP rather than events written into the store (as bench-billing.ts does for 100,000): 10,000 accounts took
 * 49 s on 2 shared cores (130 s with the machine loaded), and the invoices, receivables and read models are then
 * exactly what the app makes.
 * The set-up's seconds are a row of their own. Sizes: BENCH_PAYMENT_ACCOUNTS (default 10000).
 * BENCH_CPU_PROF=<folder>: a CPU profile of the payments alone (the main thread: the app and this client) is written there.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { RECEIVABLE_ACCOUNTS, RECEIVABLE_ITEMS, ReceivableAccountDoc, ReceivableItemDoc, receivableItemId } from '../libs/payments/read-model/receivables.projection';
import { receivablesStream } from '../libs/payments/domain';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { ADMIN_KEY, cpuProfiler, fmt, Http, httpClient, Row, runPool, runStandalone, settled, startApp, Tenant } from './bench-support';

const ACCOUNTS = Number(process.env.BENCH_PAYMENT_ACCOUNTS ?? 10_000);
const IN_FLIGHT = Number(process.env.BENCH_PAYMENT_IN_FLIGHT ?? 16);
const PREVIEWS = Math.min(ACCOUNTS, 5000);
const TARGET_PAYMENTS_PER_SECOND = 2000;
const BUSINESS_DATE = '2026-11-22';
const SET_UP_CONCURRENCY = 32;
const HTTP_SAMPLE = 100;
const INVOICE_TOTAL = 1000; // the plan's 10.00, a whole month invoiced at assignment

interface PaymentAnswer {
  id: string;
  status: string;
  applications: Array<{ invoiceId: string; amount: number }>;
  unapplied: number;
}

const accountId = (i: number) => `acc-${i}`;
const invoiceId = (i: number) => deterministicUuid('invoice', `pi-${i}`, '1');
/** What account i pays: part of its invoice, 100 to 899 cents, so that every invoice stays partly open. */
const amountOf = (i: number) => 100 + ((i * 37) % 800);

export async function benchPayments(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-payments-'));
  const app = await startApp(dataDir, BUSINESS_DATE);
  try {
    const http = await httpClient(app);
    const setUpStarted = performance.now();
    const tenant = await setUp(http);
    await settled(app);
    const setUpSeconds = (performance.now() - setUpStarted) / 1000;
    const events = app.get<EventStore>(EVENT_STORE);
    const store = app.get<ReadStore>(READ_STORE);
    const first = await http.call<{ total: number; balance: number }>('GET', `/v1/invoices/${invoiceId(0)}`, tenant.apiKey, undefined, 200);
    if (first.total !== INVOICE_TOTAL || first.balance !== INVOICE_TOTAL) throw new Error(`acc-0's invoice: total ${first.total}, balance ${first.balance}; expected ${INVOICE_TOTAL}`);
    const headBefore = await events.headPosition();

    // Timed: one external payment per account, IN_FLIGHT in flight.
    const latencies = new Float64Array(ACCOUNTS);
    const profiler = await cpuProfiler('payments');
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await runPool(ACCOUNTS, IN_FLIGHT, async (i) => {
      const sent = performance.now();
      const body = { id: `pay-${i}`, accountId: accountId(i), amount: amountOf(i), currency: 'USD', reference: `wire ${i}` };
      const answer = await http.call<PaymentAnswer>('POST', '/v1/payments', tenant.apiKey, body, 201);
      latencies[i] = performance.now() - sent;
      const [applied, ...more] = answer.applications;
      if (answer.status !== 'succeeded' || more.length > 0 || applied?.invoiceId !== invoiceId(i) || applied.amount !== amountOf(i) || answer.unapplied !== 0) {
        throw new Error(`payment ${i} answered ${JSON.stringify(answer)}`);
      }
    });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    await profiler.stop();
    await settled(app);
    await checkLog(events, headBefore, tenant.id);
    await checkReadStore(store, tenant.id);
    await checkOverHttp(http, tenant);

    // Previews: paying the rest of each invoice, nothing written.
    const head = await events.headPosition();
    const previewStarted = performance.now();
    await runPool(PREVIEWS, IN_FLIGHT, async (i) => {
      const rest = INVOICE_TOTAL - amountOf(i);
      const body = { id: `preview-${i}`, accountId: accountId(i), amount: rest, currency: 'USD', reference: `wire ${i} rest`, doWrite: false };
      const answer = await http.call<PaymentAnswer>('POST', '/v1/payments', tenant.apiKey, body, 200);
      const [applied, ...more] = answer.applications;
      if (more.length > 0 || applied?.invoiceId !== invoiceId(i) || applied.amount !== rest || answer.unapplied !== 0) throw new Error(`preview ${i} answered ${JSON.stringify(answer)}`);
    });
    const previewSeconds = (performance.now() - previewStarted) / 1000;
    await settled(app);
    if ((await events.headPosition()) !== head) throw new Error('previews (doWrite: false) wrote to the log');

    const rate = ACCOUNTS / seconds;
    const sorted = Array.from(latencies).sort((a, b) => a - b);
    const percentile = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
    return {
      rows: [
        [`payments/s (${fmt(ACCOUNTS)} external payments, HTTP, ${IN_FLIGHT} in flight)`, fmt(rate), `≥ ${fmt(TARGET_PAYMENTS_PER_SECOND)}`],
        ['payments: CPU seconds of the process (all threads) for them', cpuSeconds.toFixed(1), ''],
        ['payments: latency p50 (ms)', percentile(50).toFixed(1), ''],
        ['payments: latency p99 (ms)', percentile(99).toFixed(1), ''],
        [`payments: previews/s (doWrite false, ${fmt(PREVIEWS)}, nothing written)`, fmt(PREVIEWS / previewSeconds), ''],
        [`payments: set-up over HTTP (s, ${fmt(ACCOUNTS)} accounts + plans)`, setUpSeconds.toFixed(1), ''],
      ],
      met: rate >= TARGET_PAYMENTS_PER_SECOND,
    };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function setUp(http: Http): Promise<Tenant> {
  const tenant = await http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Payments bench', sandbox: true, businessDate: BUSINESS_DATE }, 201);
  await http.call('POST', '/v1/plans', tenant.apiKey, {
    id: 'monthly',
    name: 'Monthly',
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '10.00' } }],
  }, 201);
  await runPool(ACCOUNTS, SET_UP_CONCURRENCY, async (i) => {
    await http.call('POST', '/v1/accounts', tenant.apiKey, { id: accountId(i), name: `Account ${i}`, currency: 'USD' }, 201);
    await http.call('POST', `/v1/accounts/${accountId(i)}/plan-instances`, tenant.apiKey, { id: `pi-${i}`, planId: 'monthly' }, 201);
  });
  return tenant;
}

/** The log after the set-up holds exactly one PaymentRecorded on each account's receivables stream, and nothing else. */
async function checkLog(events: EventStore, after: number, tenantId: string): Promise<void> {
  const seen = new Set<string>();
  const others = new Map<string, number>();
  let position = after;
  for (;;) {
    const page = await events.readAll({ after: position, maxCount: 10_000 });
    if (page.length === 0) break;
    for (const event of page) {
      if (event.type !== 'PaymentRecorded') others.set(event.type, (others.get(event.type) ?? 0) + 1);
      else if (seen.has(event.streamName)) throw new Error(`a second PaymentRecorded on ${event.streamName}`);
      else seen.add(event.streamName);
    }
    position = page[page.length - 1].position;
  }
  if (others.size > 0) throw new Error(`unexpected events during the payments: ${JSON.stringify(Object.fromEntries(others))}`);
  if (seen.size !== ACCOUNTS) throw new Error(`the log holds ${seen.size} PaymentRecorded, expected ${ACCOUNTS}`);
  for (let i = 0; i < ACCOUNTS; i++) if (!seen.has(receivablesStream(tenantId, accountId(i)))) throw new Error(`no PaymentRecorded on ${accountId(i)}'s receivables`);
}

/** Every account's invoice owes its total less its payment, and so does the account. */
async function checkReadStore(store: ReadStore, tenantId: string): Promise<void> {
  await runPool(ACCOUNTS, 64, async (i) => {
    const owed = INVOICE_TOTAL - amountOf(i);
    const item = await store.get<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, receivableItemId(accountId(i), invoiceId(i)));
    if (item?.balance !== owed || item.paid !== amountOf(i) || item.status !== 'partiallyPaid') throw new Error(`${accountId(i)}'s invoice: ${JSON.stringify(item)}, expected balance ${owed}`);
    const account = await store.get<ReceivableAccountDoc>(RECEIVABLE_ACCOUNTS, tenantId, accountId(i));
    if (account?.balance !== owed || account.credit !== 0) throw new Error(`${accountId(i)}'s balance: ${JSON.stringify(account)}, expected ${owed}`);
  });
}

/** For a sample over HTTP: the invoice's balance dropped by exactly the payment, and the ledger sums to the balance. */
async function checkOverHttp(http: Http, tenant: Tenant): Promise<void> {
  const step = Math.max(1, Math.floor(ACCOUNTS / HTTP_SAMPLE));
  for (let i = 0; i < ACCOUNTS; i += step) {
    const owed = INVOICE_TOTAL - amountOf(i);
    const invoice = await http.call<{ total: number; balance: number; status: string }>('GET', `/v1/invoices/${invoiceId(i)}`, tenant.apiKey, undefined, 200);
    if (invoice.total - invoice.balance !== amountOf(i) || invoice.status !== 'partiallyPaid') throw new Error(`invoice of ${accountId(i)}: ${JSON.stringify(invoice)}`);
    const { balance } = await http.call<{ balance: number }>('GET', `/v1/accounts/${accountId(i)}/balance`, tenant.apiKey, undefined, 200);
    const { items } = await http.call<{ items: Array<{ amount: number }> }>('GET', `/v1/accounts/${accountId(i)}/transactions?limit=1000`, tenant.apiKey, undefined, 200);
    const sum = items.reduce((total, entry) => total + entry.amount, 0);
    if (balance !== owed || sum !== balance) throw new Error(`${accountId(i)}: balance ${balance}, ledger sums to ${sum}, expected ${owed}`);
  }
}

/** Run on its own (`node dist/scripts/bench-payments.js`), it prints its rows, whether its target was met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchPayments);
