/**
 * Over 400 lines on purpose: one benchmark scenario (set-up, the day, its checks, the rerun) read top to bottom.
 *
 * Bill-run figures for `npm run bench` (issue: 100,000 plan instances due on the same business day, on the
 * embedded default), against the all-in-one app in-process on a temporary SQLite data folder:
 *  - the day on which all of them fall due, advanced over HTTP (POST /v1/clock/advance answers once the day
 *    settled): its seconds and invoices/s (target ≥ 5,000), both generated (until the last invoice is in the
 *    log, the head watched every 20 ms) and settled (until the advance answered: read models and process
 *    managers caught up); the CPU seconds the process spent on it (steadier than wall time on a shared
 *    machine) and the commits of both SQLite stores. Checked: the log holds exactly one invoice dated
 *    that day per instance after the day started and nothing else, and the last invoice number is 2 × N
 *  - BENCH_CPU_PROF=<folder>: a CPU profile of the day alone is written there (docs/decisions/0008)
 *  - memory: RSS before the day, the most it reached during it (sampled), after it; and the child's peak RSS,
 *    which includes the set-up
 *  - the same day again generates nothing: (a) with the app closed, the bill run's checkpoint goes back to
 *    just before the day, the app restarts on the same folder and settles (its bill run finds nothing due);
 *    (b) every one of the day's BillPlanInstance commands is issued again with the bill run's own command
 *    ids, as after a crash before its checkpoint, and each is recognised as done. Either throws if the log grew.
 *
 * Set-up (not timed) writes events straight into the event store: over HTTP, creating an account and
 * assigning a plan ran at about 330 and 290 requests/s (2 cores), so 100,000 of each would take about 11
 * minutes. The tenant and its monthly plan are created over HTTP. Then, with the app closed, each account's
 * AccountCreated and each instance's PlanAssigned + PlanInstanceBilled (January, invoiced at assignment) are
 * decided by the real deciders (accountDecider; planInstanceDecider with an AssignPlan built as
 * AssignPlanHandler builds it), get the event ids and metadata DeciderRunner gives, and are appended 1,000
 * streams at a time (group commits); the read models are then rebuilt from the log as `npm run rebuild`
 * does (projecting live while appending doubled the set-up). Every instance starts on 2025-01-01 (bill day
 * 1) and is assigned on 2025-01-31, the tenant's date, so all fall due on 2025-02-01, its next day.
 * Size: BENCH_BILL_RUN_INSTANCES (default 100000).
 * BENCH_BILL_RUN_USAGE=1 (default off): the plan also has a usage service (`api_calls`, graduated tiers) and the
 * set-up records 3 UsageRecorded per instance in January (as the usage decider decides them, with the context
 * the usage handler would give), so the day bills each instance's usage too (usage facts gathered per
 * instance, docs/decisions/0007); checked in addition: every invoice has its usage line for January with the
 * exact quantity and amount, computed here independently of the catalog's pricing. Its rows are labelled "with usage".
 * BENCH_BILL_RUN_CARDS=1 (default off): every account has a `tok_approve` card as its default payment method
 * (PaymentMethodAdded decided in the set-up), so each of the day's invoices is posted to the account's ledger
 * (receivables-posting) and collected at once through the sandbox gateway (collection): the day settles once every
 * charge is taken and recorded. Checked in addition: one ReceivablePosted and one PaymentRecorded per instance
 * after the day started, and the sandbox gateway's books hold one succeeded charge per instance, none twice.
 * January's invoices are not collected (the set-up's, not the day's work: those two process managers start past
 * them). Its rows are labelled "with collection"; target ≥ 3,000 invoices collected per second.
 * BENCH_BILL_RUN_COUPON_TAX=1 (default off): the tenant has a 10%-off coupon (forever) and a 20% tax rate (created over
 * HTTP), and the set-up applies the coupon to every account (one CouponApplied each on the coupon's stream, as the
 * coupon decider decides them, appended SETUP_CHUNK at a time), so each of the day's invoices is 10.00 − 1.00 discount
 * + 1.80 tax = 10.80 (the coupon and the rate read per page and per run, docs/decisions/0021). Checked in addition:
 * every invoice of the day has exactly those lines and totals. Its rows are labelled "with coupon and tax"; target
 * ≥ 4,000 invoices/s (issue 23).
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { accountStream, accountDecider } from '../libs/accounts/domain/account.decider';
import { loadPlanSnapshot } from '../libs/catalog/commands/plan-lookup';
import { planInstanceStream, planInstanceDecider } from '../libs/plan-instances/domain/plan-instance.decider';
import { clockStream } from '../libs/time/domain/business-clock.decider';
import { CommandContext, eventMetadata } from '../libs/platform/command-pipeline/command-context';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { AssignPlan, BillingFacts } from '../libs/plan-instances/domain/plan-instance.commands';
import { PlanSnapshot } from '../libs/plan-instances/domain/plan-instance.events';
import { TenantSettings } from '../libs/tenancy/domain/tenant.decider';
import { createEventStore } from '../libs/platform/event-store';
import { EVENT_STORE, EventStore, NewEvent, RecordedEvent } from '../libs/platform/event-store/event-store.port';
import { usageStream, RecordUsage, usageDecider } from '../libs/usage/domain/usage.decider';
import { usageFactsFor, usageNeeds } from '../libs/usage/read-model/usage-facts';
import { PoolCoverage } from '../libs/pools/read-model/pool-coverage';
import { InvoiceLine } from '../libs/plan-instances/domain/invoice';
import { CommandBusDispatcher } from '../libs/platform/process-manager-runtime/command-dispatcher';
import { CommandBus } from '@nestjs/cqrs';
import { PmCommand } from '../libs/platform/process-manager-runtime/process-manager';
import { commandContext } from '../libs/platform/process-manager-runtime/process-manager-consumer';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { createReadStore } from '../libs/platform/read-store';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { billRunProcessManager } from '../libs/plan-instances/process-managers/bill-run.process-manager';
import { allProjectors, namedCommands } from '../apps/contexts';
import { INVOICE_COUNTER_ID, INVOICE_COUNTERS, InvoiceCounterDoc } from '../libs/plan-instances/read-model/invoices.projection';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../libs/plan-instances/read-model/plan-instances.projection';
import { PaymentMethodsCommand, paymentMethodsDecider, paymentMethodsStream } from '../libs/payments/domain';
import { CouponCommand, couponDecider, CouponEvent, CouponState, couponStream } from '../libs/catalog/domain/coupon.decider';
import { fold } from '../libs/shared-kernel/decider';
import { PAYMENT_GATEWAY, SandboxGateway } from '../libs/payments/gateway';
import { receivablesPostingProcessManager } from '../libs/payments/process-managers/receivables-posting.process-manager';
import { collectionProcessManager } from '../libs/payments/process-managers/collection.process-manager';
import { ADMIN_KEY, advanceClock, appendDecided, commitCounts, cpuProfiler, fmt, httpClient, mb, Row, RSS_SAMPLE_MS, rssSampler, runPool, runStandalone, settled, startApp, Tenant } from './bench-support';

const INSTANCES = Number(process.env.BENCH_BILL_RUN_INSTANCES ?? 100_000);
const TARGET_INVOICES_PER_SECOND = 5000;
/** The tenant's first date, on which every instance is assigned, retroactively from START. */
const ASSIGNED_ON = '2025-01-31';
const START = '2025-01-01';
const DUE_DAY = '2025-02-01';
/** Streams appended at once during set-up: one group commit each for the accounts and the instances. */
const SETUP_CHUNK = 1000;
/** The bill run's own lane concurrency, for the commands issued again. */
const REISSUE_CONCURRENCY = 128;
const PAGE = 1000;
const HEAD_SAMPLE_MS = 20;
/** A day of 100,000 invoices may take longer than the default minute to settle. */
const APP_ENV = { SETTLE_TIMEOUT_MS: '900000' };
/** BENCH_BILL_RUN_USAGE=1: the plan has a usage service and every instance used it in January. */
const WITH_USAGE = process.env.BENCH_BILL_RUN_USAGE === '1';
const USAGE_SERVICE = 'api_calls';
/** Graduated: the first 1,000 calls at 1 cent each, the rest at half a cent (so an odd excess rounds half up). */
const USAGE_PRICING = { model: 'tiered', tiers: [{ upTo: '1000', unitPrice: '0.01' }, { upTo: null, unitPrice: '0.005' }] };
/** The January days each instance used the service on: one usage request (one UsageRecorded) each. */
const USAGE_DAYS = ['2025-01-05', '2025-01-15', '2025-01-25'];
const BASE_FEE_CENTS = 1000;
const PLAN = {
  id: 'monthly',
  name: 'Monthly',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '10.00' } },
    ...(WITH_USAGE ? [{ id: USAGE_SERVICE, name: 'API calls', type: 'usage', pricing: USAGE_PRICING }] : []),
  ],
};
/** BENCH_BILL_RUN_CARDS=1: every account pays by card, so the day's invoices are collected at once. */
const WITH_CARDS = process.env.BENCH_BILL_RUN_CARDS === '1';
const TARGET_COLLECTED_PER_SECOND = 3000;
/** BENCH_BILL_RUN_COUPON_TAX=1: every account has a 10% coupon and the tenant a 20% tax rate. */
const WITH_COUPON_TAX = process.env.BENCH_BILL_RUN_COUPON_TAX === '1';
const TARGET_WITH_COUPON_TAX = 4000;
const COUPON = { id: 'ten-off', name: 'Ten off', percentOff: '10', duration: 'forever' };
const TAX_RATE = { id: 'vat', name: 'VAT', percent: '20' };
const LABEL = WITH_CARDS ? 'bill run with collection' : WITH_USAGE ? 'bill run with usage' : WITH_COUPON_TAX ? 'bill run with coupon and tax' : 'bill run';

/** Instance i's calls on each of USAGE_DAYS: varied per instance, always past the first tier. */
function usageQuantities(i: number): number[] {
  return [300 + (i % 50), 400, 500 + (i % 101)];
}

/** What instance i's January usage line must say: its quantity and amount in cents, computed without the catalog. */
function expectedUsage(i: number): { quantity: number; cents: number } {
  const quantity = usageQuantities(i).reduce((sum, q) => sum + q, 0);
  const excess = Math.max(quantity - 1000, 0);
  // 1 cent each up to 1,000, then half a cent each: an odd excess ends on half a cent, rounded away from zero.
  return { quantity, cents: Math.min(quantity, 1000) + Math.ceil(excess / 2) };
}

interface SandboxTenant extends Tenant {
  settings: TenantSettings;
}

/** The rows, and whether the day met its target. */
export async function benchBilling(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-billing-'));
  try {
    const tenant = await createTenantAndPlan(dataDir);
    await writeInstances(dataDir, tenant);
    const app = await startApp(dataDir, ASSIGNED_ON, APP_ENV);
    let day: BillRunDay;
    let reissued: { seconds: number };
    try {
      await settled(app);
      day = await timedBillRun(app, tenant);
      reissued = await reissueDay(app, tenant, day.event);
    } finally {
      await app.close();
    }
    const rerun = await rerunDay(dataDir, day.event, day.head);
    const rate = INSTANCES / day.seconds;
    const target = WITH_CARDS ? TARGET_COLLECTED_PER_SECOND : WITH_COUPON_TAX ? TARGET_WITH_COUPON_TAX : TARGET_INVOICES_PER_SECOND;
    const rows: Row[] = [
      [`${LABEL}: ${fmt(INSTANCES)} plan instances due on one day (s)`, day.seconds.toFixed(2), ''],
      ['log head reached the day + one event per instance: events/s', fmt(INSTANCES / day.generatedSeconds), ''],
      [WITH_CARDS ? 'invoices collected/s settled (charged, recorded, read models caught up)' : 'invoices/s settled (read models caught up: the day answered)', fmt(rate), `≥ ${fmt(target)}`],
      ['CPU seconds of that day (user + system)', day.cpuSeconds.toFixed(2), ''],
      ['commits that day: event store / read store (applies)', `${fmt(day.commits[0])} / ${fmt(day.commits[1])} (${fmt(day.commits[2])})`, ''],
      ['RSS before that day (MB)', mb(day.rssBefore), ''],
      [`RSS at most during it, sampled every ${RSS_SAMPLE_MS} ms (MB)`, mb(day.rssDuring), ''],
      ['RSS after it (MB)', mb(day.rssAfter), ''],
      ['that day again after a restart: 0 new events (s)', rerun.seconds.toFixed(2), ''],
      [`its ${fmt(INSTANCES)} commands issued again: 0 new events (s)`, reissued.seconds.toFixed(2), ''],
    ];
    return { rows, met: rate >= target };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The sandbox tenant and its plan, over HTTP; then the app closes for the set-up. */
async function createTenantAndPlan(dataDir: string): Promise<SandboxTenant> {
  const app = await startApp(dataDir, ASSIGNED_ON, APP_ENV);
  try {
    const http = await httpClient(app);
    const tenant = await http.call<SandboxTenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Bill run', sandbox: true, businessDate: ASSIGNED_ON }, 201);
    await http.call('POST', '/v1/plans', tenant.apiKey, PLAN, 201);
    if (WITH_COUPON_TAX) {
      await http.call('POST', '/v1/coupons', tenant.apiKey, COUPON, 201);
      await http.call('POST', '/v1/tax-rates', tenant.apiKey, TAX_RATE, 201);
    }
    await settled(app);
    return tenant;
  } finally {
    await app.close();
  }
}

/**
 * N accounts, each with one instance of the monthly plan, appended SETUP_CHUNK streams at a time while the
 * app is closed; then the read models are rebuilt from the log in chunks (as `npm run rebuild` does), which
 * is about three times faster than the app's projectors catching up batch by batch.
 */
async function writeInstances(dataDir: string, tenant: SandboxTenant): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  try {
    const plan = (await loadPlanSnapshot(events, tenant.id, PLAN.id)) as PlanSnapshot;
    const facts: BillingFacts = {
      today: ASSIGNED_ON,
      pricing: { ancestors: [], overrides: [] }, // what pricingContext answers when the plan has no override
      paymentTermsDays: 0,
      tenantProrationRule: tenant.settings.prorationRule,
    };
    let coupon = WITH_COUPON_TAX ? fold(couponDecider, (await events.readStream(couponStream(tenant.id, COUPON.id))) as unknown as CouponEvent[]) : null;
    for (let from = 0; from < INSTANCES; from += SETUP_CHUNK) {
      const appends: Array<Promise<unknown>> = [];
      for (let i = from; i < Math.min(from + SETUP_CHUNK, INSTANCES); i++) {
        const accountId = `acc-${i}`;
        const contact = { email: `a${i}@example.com`, phone: '+1 555 0100' }; // complete: no contact reminder
        const createAccount = { type: 'CreateAccount' as const, data: { accountId, name: `Account ${i}`, currency: 'USD', contact, createdOn: ASSIGNED_ON } };
        appends.push(appendDecided(events, accountDecider, accountStream(tenant.id, accountId), createAccount, setupContext(tenant, `account-${i}`)));
        // The id AssignPlanHandler generates for an account's first instance.
        const planInstanceId = deterministicUuid(tenant.id, 'planInstance', accountId, '1');
        const assign: AssignPlan = {
          type: 'AssignPlan',
          data: { ...facts, planId: plan.id, retroactiveStartDate: START, planInstanceId, accountId, account: { currency: 'USD' }, plan },
        };
        appends.push(appendDecided(events, planInstanceDecider, planInstanceStream(tenant.id, planInstanceId), assign, setupContext(tenant, `assign-${i}`)));
        if (WITH_USAGE) appends.push(appendUsage(events, tenant, accountId, i));
        if (WITH_CARDS) {
          const card: PaymentMethodsCommand = { type: 'AddPaymentMethod', data: { accountId, paymentMethodId: 'card', type: 'card', token: 'tok_approve', last4: '4242' } };
          appends.push(appendDecided(events, paymentMethodsDecider, paymentMethodsStream(tenant.id, accountId), card, setupContext(tenant, `card-${i}`)));
        }
      }
      await Promise.all(appends);
      if (WITH_COUPON_TAX) coupon = await appendCouponApplied(events, tenant, from, Math.min(from + SETUP_CHUNK, INSTANCES), coupon);
    }
    await rebuildProjections(events, store, allProjectors, () => performance.now());
    // January's invoices are the set-up's: the day alone is posted to the ledgers and collected.
    const head = await events.headPosition();
    for (const name of [receivablesPostingProcessManager.name, collectionProcessManager.name]) await store.setCheckpoint(name, head);
  } finally {
    await events.close();
    await store.close();
  }
}

/**
 * Instance i's January usage, as RecordUsageHandler writes one request per day: each RecordUsage decided by the
 * usage decider on the state the earlier ones left (on time: the period is open on the tenant's date), with
 * the ids and metadata DeciderRunner gives; the stream's events appended together, as one group commit.
 */
async function appendUsage(events: EventStore, tenant: SandboxTenant, accountId: string, i: number): Promise<void> {
  const stream = usageStream(tenant.id, accountId, '2025-01');
  const quantities = usageQuantities(i);
  let state = usageDecider.initialState;
  const decided: NewEvent[] = [];
  USAGE_DAYS.forEach((occurredOn, n) => {
    const record = { serviceId: USAGE_SERVICE, quantity: String(quantities[n]), occurredOn, idempotencyKey: `calls-${i}-${occurredOn}` };
    const command: RecordUsage = { type: 'RecordUsage', data: { accountId, month: '2025-01', records: [record] } };
    const context = setupContext(tenant, `usage-${i}-${n}`);
    for (const event of usageDecider.decide(command, state)) {
      decided.push({ id: deterministicUuid(context.commandId, stream, '0'), type: event.type, data: event.data as Record<string, unknown>, metadata: eventMetadata(context) });
      state = usageDecider.evolve(state, event);
    }
  });
  if (decided.length !== USAGE_DAYS.length) throw new Error(`the usage decider wrote ${decided.length} events for account ${accountId}, expected ${USAGE_DAYS.length}`);
  await events.appendToStream(stream, decided, 'no_stream');
}

/**
 * The coupon applied to accounts [from, to): each ApplyCoupon decided by the coupon decider on the state the earlier
 * ones left (as ApplyCouponHandler would, one request each), the chunk's events appended to the coupon's stream at once.
 */
async function appendCouponApplied(events: EventStore, tenant: SandboxTenant, from: number, to: number, state: CouponState | null): Promise<CouponState | null> {
  const stream = couponStream(tenant.id, COUPON.id);
  const decided: NewEvent[] = [];
  for (let i = from; i < to; i++) {
    const context = setupContext(tenant, `coupon-${i}`);
    const command: CouponCommand = { type: 'ApplyCoupon', data: { couponId: COUPON.id, accountId: `acc-${i}`, accountCurrency: 'USD', today: ASSIGNED_ON } };
    for (const event of couponDecider.decide(command, state)) {
      decided.push({ id: deterministicUuid(context.commandId, stream, '0'), type: event.type, data: event.data as unknown as Record<string, unknown>, metadata: eventMetadata(context) });
      // The set grows in place (the set-up's own copy of the state): evolve copies it per event, quadratic over 100,000.
      if (state) (state.appliedTo as Set<string>).add(command.data.accountId);
    }
  }
  await events.appendToStream(stream, decided, 'any');
  return state;
}

function setupContext(tenant: SandboxTenant, name: string): CommandContext {
  const commandId = deterministicUuid(tenant.id, 'bench-billing', name);
  return { tenantId: tenant.id, actor: 'bench', correlationId: commandId, causationId: commandId, commandId, businessDate: ASSIGNED_ON };
}

interface BillRunDay {
  /** Until the advance answered: every read model and process manager caught up (settled). */
  seconds: number;
  /** Until the last of the day's invoices was in the log (generated), read models possibly still behind. */
  generatedSeconds: number;
  /** CPU time (user + system, all threads) the process spent on the day: less noisy than wall time on a shared machine. */
  cpuSeconds: number;
  /** Event-store commits, read-store commits, and the applies/checkpoints those held, during the day (SQLite). */
  commits: [number, number, number];
  rssBefore: number;
  rssDuring: number;
  rssAfter: number;
  /** The day's BusinessDayStarted. */
  event: RecordedEvent;
  /** The log's head once the day settled. */
  head: number;
}

/** The day every instance falls due, timed alone; what it wrote is checked against the log and the invoices read model. */
async function timedBillRun(app: NestFastifyApplication, tenant: SandboxTenant): Promise<BillRunDay> {
  const events = app.get<EventStore>(EVENT_STORE);
  (global as { gc?: () => void }).gc?.(); // the set-up's garbage is not the day's
  const rssBefore = process.memoryUsage.rss();
  const headBefore = await events.headPosition();
  const profiler = await cpuProfiler(`bill-run-${WITH_USAGE ? 'usage-' : ''}${INSTANCES}`);
  const sampler = rssSampler();
  const cpuBefore = process.cpuUsage();
  const commitsBefore = commitCounts(app);
  const started = performance.now();
  // The day's BusinessDayStarted, then one invoice per instance: generated once the head reached that far.
  const generated = watchHead(events, headBefore + 1 + INSTANCES, started);
  const body = await advanceClock(app, tenant, DUE_DAY);
  const seconds = (performance.now() - started) / 1000;
  const generatedSeconds = (await generated) / 1000;
  const { user, system } = process.cpuUsage(cpuBefore);
  const cpuSeconds = (user + system) / 1e6;
  const commitsAfter = commitCounts(app);
  const commits = commitsAfter.map((count, i) => count - commitsBefore[i]) as [number, number, number];
  const rssDuring = sampler.stop();
  await profiler.stop();
  const rssAfter = process.memoryUsage.rss();
  if (body.days !== 1) throw new Error(`expected to advance 1 day to ${DUE_DAY}, advanced ${body.days}`);

  // The advance answers once the day settled, so every invoice is already in the log after the day's event.
  const clock = await events.readStream(clockStream(tenant.id));
  const event = clock[clock.length - 1];
  if (event?.type !== 'BusinessDayStarted' || event.data.date !== DUE_DAY) throw new Error(`the clock's last event is not ${DUE_DAY} starting`);
  const after = await countAfter(events, event.position, tenant.id);
  if (after.invoices !== INSTANCES || after.receivables !== INSTANCES || after.payments !== (WITH_CARDS ? INSTANCES : 0) || after.others !== 0) {
    throw new Error(
      `expected ${INSTANCES} invoices dated ${DUE_DAY}, as many receivables posted, ${WITH_CARDS ? INSTANCES : 0} payments and nothing else after the day started; ` +
        `found ${after.invoices}, ${after.receivables}, ${after.payments} and ${after.others} other events`,
    );
  }
  if (WITH_CARDS) {
    const charges = app.get<SandboxGateway>(PAYMENT_GATEWAY).charges().filter((charge) => charge.status === 'succeeded');
    const keys = new Set(charges.map((charge) => charge.idempotencyKey));
    if (charges.length !== INSTANCES || keys.size !== INSTANCES) throw new Error(`expected ${INSTANCES} charges, one per invoice; found ${charges.length} over ${keys.size} keys`);
  }
  if (WITH_USAGE && after.usageChecked !== INSTANCES) throw new Error(`checked the usage line of ${after.usageChecked} invoices, expected ${INSTANCES}`);
  const counter = await app.get<ReadStore>(READ_STORE).get<InvoiceCounterDoc>(INVOICE_COUNTERS, tenant.id, INVOICE_COUNTER_ID);
  if (counter?.last !== 2 * INSTANCES) throw new Error(`expected invoice number ${2 * INSTANCES} last (assignment and bill run), found ${counter?.last}`);
  return { seconds, generatedSeconds, cpuSeconds, commits, rssBefore, rssDuring, rssAfter, event, head: await events.headPosition() };
}

/**
 * The bill run's commands for the day, issued again as after a crash between its appends and its checkpoint
 * (when the read model may still list billed instances as due): same data, same keys, so the same command
 * ids, through the same dispatcher. Each must be recognised as done.
 */
async function reissueDay(app: NestFastifyApplication, tenant: SandboxTenant, day: RecordedEvent): Promise<{ seconds: number }> {
  const events = app.get<EventStore>(EVENT_STORE);
  const store = app.get<ReadStore>(READ_STORE);
  const dispatcher = new CommandBusDispatcher(app.get(CommandBus), namedCommands);
  const head = await events.headPosition();
  const coverage = new PoolCoverage(store, tenant.id); // read once, as the bill run does
  let index = 0;
  let cursor: string | undefined;
  const started = performance.now();
  do {
    const page = await store.find<PlanInstanceDoc>(PLAN_INSTANCES, tenant.id, { limit: PAGE, cursor });
    await runPool(page.items.length, REISSUE_CONCURRENCY, async (i) => {
      const { id } = page.items[i];
      const data = {
        planInstanceId: id,
        today: DUE_DAY,
        pricing: { ancestors: [], overrides: [] },
        paymentTermsDays: 0,
        tenantProrationRule: tenant.settings.prorationRule,
        // Gathered again as the bill run would (from where the instance is billed to now): the command id does not depend on them.
        ...(WITH_USAGE ? { usage: await usageFactsFor(store, tenant.id, page.items[i], usageNeeds([{ id: USAGE_SERVICE, type: 'usage' }], page.items[i].usageBilledTo, page.items[i].startDate), DUE_DAY, coverage) } : {}),
      };
      // The key the bill run gives the instance's command for the day: the same command id.
      const command: PmCommand = { type: 'BillPlanInstance', data, key: `bill:${id}:${DUE_DAY}`, businessDate: DUE_DAY };
      return dispatcher.dispatch(command, commandContext(billRunProcessManager.name, day, command, index++));
    });
    cursor = page.nextCursor;
  } while (cursor);
  const seconds = (performance.now() - started) / 1000;
  const written = (await events.headPosition()) - head;
  if (index !== INSTANCES || written !== 0) throw new Error(`issued ${index} of the day's commands again, expected ${INSTANCES}; they appended ${written} events, expected 0`);
  return { seconds };
}

/**
 * With the app closed, the bill run's checkpoint goes back to just before the day; the app restarts on the
 * same folder and settles (timed from the restart): the bill run reads the day's events again and finds
 * nothing due, the read model showing every instance billed to March.
 */
async function rerunDay(dataDir: string, day: RecordedEvent, head: number): Promise<{ seconds: number }> {
  const checkpoints = createReadStore({ kind: 'sqlite', dataDir });
  await checkpoints.setCheckpoint(billRunProcessManager.name, day.position - 1);
  await checkpoints.close();
  const started = performance.now();
  const app = await startApp(dataDir, DUE_DAY, APP_ENV);
  try {
    await settled(app);
    const seconds = (performance.now() - started) / 1000;
    const events = app.get<EventStore>(EVENT_STORE);
    const checkpoint = await app.get<ReadStore>(READ_STORE).getCheckpoint(billRunProcessManager.name);
    if (checkpoint === null || checkpoint < day.position) throw new Error(`the bill run did not process ${DUE_DAY} again (checkpoint ${checkpoint})`);
    const written = (await events.headPosition()) - head;
    if (written !== 0) throw new Error(`the rerun of ${DUE_DAY} appended ${written} events, expected 0`);
    return { seconds };
  } finally {
    await app.close();
  }
}

/**
 * The tenant's events after `position`: invoices dated DUE_DAY, and anything else. Read in pages. With usage, each
 * invoice must hold exactly one usage line, January's, with the quantity and amount expectedUsage gives (throws).
 */
async function countAfter(events: EventStore, position: number, tenantId: string): Promise<{ invoices: number; receivables: number; payments: number; others: number; usageChecked: number }> {
  let invoices = 0;
  let receivables = 0;
  let payments = 0;
  let others = 0;
  let usageChecked = 0;
  for (let after = position; ; ) {
    const page = await events.readAll({ after, maxCount: PAGE });
    if (page.length === 0) return { invoices, receivables, payments, others, usageChecked };
    for (const event of page) {
      if (event.metadata.tenantId !== tenantId) continue;
      const invoice = event.type === 'PlanInstanceBilled' ? (event.data.invoice as { invoiceDate: string; accountId: string; total: number; subtotal?: number; tax?: number; lines: InvoiceLine[] } | null) : null;
      if (invoice?.invoiceDate === DUE_DAY) invoices++;
      else if (event.type === 'ReceivablePosted') receivables++;
      else if (event.type === 'PaymentRecorded') payments++;
      else others++;
      if (WITH_COUPON_TAX && invoice?.invoiceDate === DUE_DAY) checkCouponAndTax(invoice);
      if (WITH_USAGE && invoice?.invoiceDate === DUE_DAY) {
        checkUsageLine(invoice);
        usageChecked++;
      }
    }
    after = page[page.length - 1].position;
  }
}

/** With a coupon and a tax rate: 10.00, −1.00 (10% off), +1.80 (20% of 9.00): 10.80, subtotal 9.00, tax 1.80. */
function checkCouponAndTax(invoice: { accountId: string; total: number; subtotal?: number; tax?: number; lines: InvoiceLine[] }): void {
  const lines = invoice.lines.map((line) => `${line.type}:${line.amount}`).join(',');
  if (lines !== 'recurring:1000,discount:-100,tax:180' || invoice.total !== 1080 || invoice.subtotal !== 900 || invoice.tax !== 180) {
    throw new Error(`invoice of ${invoice.accountId}: expected 10.00 − 1.00 + 1.80 tax = 10.80; found ${lines}, total ${invoice.total}`);
  }
}

/** Instance `acc-<i>`'s invoice of the day: one usage line for January with the exact quantity and amount, and the base fee. */
function checkUsageLine(invoice: { accountId: string; total: number; lines: InvoiceLine[] }): void {
  const i = Number(invoice.accountId.slice('acc-'.length));
  const expected = expectedUsage(i);
  const usage = invoice.lines.filter((line) => line.type === 'usage');
  const [line] = usage;
  const right =
    usage.length === 1 &&
    line.serviceId === USAGE_SERVICE &&
    line.periodStart === START &&
    line.periodEnd === ASSIGNED_ON &&
    line.quantity === String(expected.quantity) &&
    line.amount === expected.cents &&
    invoice.total === BASE_FEE_CENTS + expected.cents;
  if (!right) {
    throw new Error(`invoice of ${invoice.accountId}: expected one ${USAGE_SERVICE} line for January, quantity ${expected.quantity}, amount ${expected.cents}, total ${BASE_FEE_CENTS + expected.cents}; found ${JSON.stringify(usage)} total ${invoice.total}`);
  }
}

/** Milliseconds from `started` until the log's head reached `position` (looked at every HEAD_SAMPLE_MS). */
function watchHead(events: EventStore, position: number, started: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      events.headPosition().then((head) => {
        if (head < position) return;
        clearInterval(timer);
        resolve(performance.now() - started);
      }, reject);
    }, HEAD_SAMPLE_MS);
  });
}

/** Run on its own (`node dist/scripts/bench-billing.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchBilling);
