/**
 * Over 400 lines on purpose: one benchmark scenario (set-up, entry day, step day, its checks) read top to bottom.
 *
 * Dunning figures for `npm run bench` (issue 18 "Performance": a business day on which 100,000 accounts take a
 * dunning step: a retry through the sandbox gateway declining, a notice, a 5% late fee; steps/s ≥ 3,000 and peak
 * RSS), against the all-in-one app in-process on a temporary SQLite data folder:
 *  - the step day, advanced over HTTP (POST /v1/clock/advance answers once the day settled): its seconds and steps
 *    completed per second (target ≥ 3,000): until the advance answered, every step's timer fired, its
 *    TakeDunningStep decided (DunningStepAdvanced), its retry charged through the sandbox gateway (declined:
 *    PaymentFailed), its late fee posted (ReceivablePosted, kind fee), its notice queued and kept (sandbox: EmailQueued
 *    + EmailKept, never sent), the next step's timer scheduled, and every read model caught up. The CPU seconds the
 *    process spent on it, the commits of both SQLite stores, and RSS before, during (sampled) and after it.
 *  - checked after the day: every account took the step exactly once: N DunningStepAdvanced (one per account, step 1,
 *    its three actions), N fees (`fee:<caseId>:1:2`, 5.00 = 5% of 100.00), N failed retries (PaymentFailed with
 *    paymentId `dun:<caseId>:1`), N dunning emails (EmailQueued + EmailKept, id `dun:<caseId>:1:1`); the gateway's
 *    books hold exactly one declined charge per retry id, none asked twice. The day's events by type go to stderr
 *    (besides those: TimerFired, the next step's TimerScheduled, and a paymentFailed notice per decline), naming
 *    any type not expected there.
 *  - the entry day before it (each account's invoice newly past due: CheckDunning → DunningStarted, and the step's
 *    timer scheduled), and the set-up: rows of their own, not part of the figure.
 *  - BENCH_CPU_PROF=<folder>: a CPU profile of the step day alone is written there (as bench-billing.ts does).
 * Set-up (not timed) as bench-billing.ts does for 100,000: the tenant (sandbox), its plan (100.00 a month), the
 * email template, the dunning process and group are created over HTTP; then, with the app closed, each account's
 * AccountCreated (complete contact: no reminders), its tok_decline card (PaymentMethodAdded), its plan instance
 * (PlanAssigned + PlanInstanceBilled, March invoiced at assignment, due 2025-03-01) and that invoice on its ledger
 * (ReceivablePosted, as receivables-posting posts it) are decided by the real deciders and appended 1,000 accounts
 * at a time (group commits); the read models are rebuilt from the log, and every process manager starts past the
 * set-up (the assignments' collections and invoice notices are the set-up's, not the day's work).
 * The process: step 1 two days after the due date (2025-03-03): retry, notice ("reminder"), late fee 5%;
 * step 2 twenty days after it (status suspended): only its timer is scheduled on the step day.
 * Size: BENCH_DUNNING_ACCOUNTS (default 100000). BENCH_SKIP_DUNNING=1 leaves it out of `npm run bench`.
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { allProcessManagers, allProjectors } from '../apps/contexts';
import { accountDecider, accountStream } from '../libs/accounts/domain/account.decider';
import { loadPlanSnapshot } from '../libs/catalog/commands/plan-lookup';
import { chargeKey } from '../libs/payments/commands/gateway-charge';
import { PaymentMethodsCommand, paymentMethodsDecider, paymentMethodsStream, receivablesDecider, receivablesStream } from '../libs/payments/domain';
import { PostReceivable } from '../libs/payments/domain/receivables.commands';
import { PAYMENT_GATEWAY, SandboxGateway } from '../libs/payments/gateway';
import { AssignPlan, BillingFacts } from '../libs/plan-instances/domain/plan-instance.commands';
import { planInstanceDecider, planInstanceStream } from '../libs/plan-instances/domain/plan-instance.decider';
import { PlanSnapshot } from '../libs/plan-instances/domain/plan-instance.events';
import { CommandContext } from '../libs/platform/command-pipeline/command-context';
import { createEventStore } from '../libs/platform/event-store';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { createReadStore } from '../libs/platform/read-store';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { TenantSettings } from '../libs/tenancy/domain/tenant.decider';
import { ADMIN_KEY, advanceClock, appendDecided, fmt, httpClient, mb, Row, RSS_SAMPLE_MS, runStandalone, settled, startApp, Tenant, tenantEventsAfter, lastDay, TimedDay, timedClockDay } from './bench-support';

const ACCOUNTS = Number(process.env.BENCH_DUNNING_ACCOUNTS ?? 100_000);
const TARGET_STEPS_PER_SECOND = 3000;
/** The tenant's first date: every plan instance is assigned and invoiced on it, due the same day. */
const START = '2025-03-01';
/** The day after the due date: every account's invoice is newly past due, and it enters dunning. */
const ENTRY_DAY = '2025-03-02';
/** Two days after the due date: every account takes step 1. */
const STEP_DAY = '2025-03-03';
const INVOICE_TOTAL = 10000;
const FEE = 500; // 5% of 100.00
const SETUP_CHUNK = 1000;
/** A day of 100,000 steps may take longer than the default minute to settle. */
const APP_ENV = { SETTLE_TIMEOUT_MS: '1800000' };
const PLAN = {
  id: 'monthly',
  name: 'Monthly',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};
const STEPS = [
  { days: 2, actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'reminder' }, { type: 'lateFee', percent: '5' }] },
  { days: 20, actions: [{ type: 'setStatus', target: 'account', status: 'suspended' }] },
];

const accountId = (i: number) => `acc-${i}`;
/** An account's first case (the decider's `<accountId>:<n>`) and what step 1's actions are named after it. */
const caseId = (account: string) => `${account}:1`;
const retryId = (account: string) => `dun:${caseId(account)}:1`;
const emailId = (account: string) => `dun:${caseId(account)}:1:1`;
const feeId = (account: string) => `fee:${caseId(account)}:1:2`;

interface SandboxTenant extends Tenant {
  settings: TenantSettings;
}

export async function benchDunning(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-dunning-'));
  try {
    const setUpStarted = performance.now();
    const tenant = await createTenantAndCatalog(dataDir);
    await writeAccounts(dataDir, tenant);
    const setUpSeconds = (performance.now() - setUpStarted) / 1000;
    const app = await startApp(dataDir, START, APP_ENV);
    try {
      await settled(app);
      const entry = await timedEntryDay(app, tenant);
      const day = await timedStepDay(app, tenant);
      const rate = ACCOUNTS / day.seconds;
      const rows: Row[] = [
        [`dunning: ${fmt(ACCOUNTS)} accounts take a step on one day (s)`, day.seconds.toFixed(2), ''],
        ['dunning steps/s (retry declined, notice, 5% fee; settled)', fmt(rate), `≥ ${fmt(TARGET_STEPS_PER_SECOND)}`],
        ['dunning: CPU seconds of the step day (user + system)', day.cpuSeconds.toFixed(2), ''],
        ['dunning: commits: event store / read store (applies)', `${fmt(day.commits[0])} / ${fmt(day.commits[1])} (${fmt(day.commits[2])})`, ''],
        ['dunning: events written on the step day', fmt(day.written), ''],
        ['dunning: RSS before the step day (MB)', mb(day.rssBefore), ''],
        [`dunning: RSS at most during it, sampled every ${RSS_SAMPLE_MS} ms (MB)`, mb(day.rssDuring), ''],
        ['dunning: RSS after it (MB)', mb(day.rssAfter), ''],
        [`dunning: entry day, ${fmt(ACCOUNTS)} accounts enter (s)`, entry.seconds.toFixed(2), ''],
        ['dunning: set-up: HTTP, events written, rebuild (s)', setUpSeconds.toFixed(1), ''],
      ];
      return { rows, met: rate >= TARGET_STEPS_PER_SECOND };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The sandbox tenant, its plan, the notice's template, the process and the group binding it to the plan, over HTTP. */
async function createTenantAndCatalog(dataDir: string): Promise<SandboxTenant> {
  const app = await startApp(dataDir, START, APP_ENV);
  try {
    const client = await httpClient(app);
    const tenant = await client.call<SandboxTenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Dunning bench', sandbox: true, businessDate: START }, 201);
    await client.call('POST', '/v1/plans', tenant.apiKey, PLAN, 201);
    await client.call('PUT', '/v1/email-templates/reminder', tenant.apiKey, { subject: 'Step {{step}}: {{pastDue}} {{currency}} past due', text: 'Hello {{accountName}}, please pay.' }, 200);
    await client.call('POST', '/v1/dunning-processes', tenant.apiKey, { id: 'standard', name: 'Standard', steps: STEPS }, 201);
    await client.call('POST', '/v1/dunning-groups', tenant.apiKey, { id: 'all-monthly', processId: 'standard', planIds: [PLAN.id] }, 201);
    await settled(app);
    return tenant;
  } finally {
    await app.close();
  }
}

/**
 * N accounts, each with a declining card, one instance of the plan and its invoice on the ledger, appended
 * SETUP_CHUNK accounts at a time while the app is closed; then the read models are rebuilt from the log, and every
 * process manager's checkpoint is set to the head: the set-up is done, not the day's work.
 */
async function writeAccounts(dataDir: string, tenant: SandboxTenant): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  try {
    const plan = (await loadPlanSnapshot(events, tenant.id, PLAN.id)) as PlanSnapshot;
    const facts: BillingFacts = { today: START, pricing: { ancestors: [], overrides: [] }, paymentTermsDays: 0, tenantProrationRule: tenant.settings.prorationRule };
    for (let from = 0; from < ACCOUNTS; from += SETUP_CHUNK) {
      const appends: Array<Promise<unknown>> = [];
      for (let i = from; i < Math.min(from + SETUP_CHUNK, ACCOUNTS); i++) {
        const id = accountId(i);
        const contact = { email: `a${i}@example.com`, phone: '+1 555 0100' };
        appends.push(appendDecided(events, accountDecider, accountStream(tenant.id, id), { type: 'CreateAccount', data: { accountId: id, name: `Account ${i}`, currency: 'USD', contact, createdOn: START } }, setupContext(tenant, `account-${i}`)));
        const card: PaymentMethodsCommand = { type: 'AddPaymentMethod', data: { accountId: id, paymentMethodId: 'card', type: 'card', token: 'tok_decline', last4: '0002' } };
        appends.push(appendDecided(events, paymentMethodsDecider, paymentMethodsStream(tenant.id, id), card, setupContext(tenant, `card-${i}`)));
        const planInstanceId = deterministicUuid(tenant.id, 'planInstance', id, '1');
        const assign: AssignPlan = { type: 'AssignPlan', data: { ...facts, planId: plan.id, planInstanceId, accountId: id, account: { currency: 'USD' }, plan } };
        appends.push(
          appendDecided(events, planInstanceDecider, planInstanceStream(tenant.id, planInstanceId), assign, setupContext(tenant, `assign-${i}`)).then((decided) => {
            const billed = decided.find((event) => event.type === 'PlanInstanceBilled')?.data.invoice as { invoiceId: string; invoiceNumber?: string | null; invoiceDate: string; dueDate: string; currency: string; total: number } | undefined;
            if (!billed || billed.total !== INVOICE_TOTAL || billed.dueDate !== START) throw new Error(`the assignment of ${id} invoiced ${JSON.stringify(billed)}; expected ${INVOICE_TOTAL} due ${START}`);
            // As receivables-posting posts it (PostReceivableHandler adds the application method and the business date).
            const post: PostReceivable = {
              type: 'PostReceivable',
              data: { accountId: id, invoiceId: billed.invoiceId, invoiceDate: billed.invoiceDate, dueDate: billed.dueDate, currency: billed.currency, amount: billed.total, kind: 'charge', businessDate: START },
            };
            return appendDecided(events, receivablesDecider, receivablesStream(tenant.id, id), post, setupContext(tenant, `receivable-${i}`));
          }),
        );
      }
      await Promise.all(appends);
    }
    await rebuildProjections(events, store, allProjectors, () => performance.now());
    const head = await events.headPosition();
    for (const pm of allProcessManagers) await store.setCheckpoint(pm.name, head);
  } finally {
    await events.close();
    await store.close();
  }
}

/** What DeciderRunner appends for a command on a new stream (ids from the command id); returns the decided events. */
function setupContext(tenant: SandboxTenant, name: string): CommandContext {
  const commandId = deterministicUuid(tenant.id, 'bench-dunning', name);
  return { tenantId: tenant.id, actor: 'bench', correlationId: commandId, causationId: commandId, commandId, businessDate: START };
}

/** The day after the due date: every account enters dunning (checked: one DunningStarted each). */
async function timedEntryDay(app: NestFastifyApplication, tenant: SandboxTenant): Promise<{ seconds: number }> {
  const events = app.get<EventStore>(EVENT_STORE);
  const started = performance.now();
  const body = await advanceClock(app, tenant, ENTRY_DAY);
  const seconds = (performance.now() - started) / 1000;
  if (body.days !== 1) throw new Error(`expected to advance 1 day to ${ENTRY_DAY}, advanced ${body.days}`);
  const day = await lastDay(events, tenant.id, ENTRY_DAY);
  const started_ = new Set<string>();
  await tenantEventsAfter(events, day.position, tenant.id, (event) => {
    if (event.type !== 'DunningStarted') return;
    const { accountId: id, nextStepDate } = event.data as { accountId: string; nextStepDate: string };
    if (started_.has(id) || nextStepDate !== STEP_DAY) throw new Error(`${id}: a second DunningStarted, or its step not on ${STEP_DAY}: ${JSON.stringify(event.data)}`);
    started_.add(id);
  });
  if (started_.size !== ACCOUNTS) throw new Error(`${started_.size} accounts entered dunning on ${ENTRY_DAY}, expected ${ACCOUNTS}`);
  return { seconds };
}

type StepDay = TimedDay;

/** The step day, timed alone, then checked against the log and the gateway's books. */
async function timedStepDay(app: NestFastifyApplication, tenant: SandboxTenant): Promise<StepDay> {
  const day = await timedClockDay(app, tenant, STEP_DAY, `dunning-step-${ACCOUNTS}`);
  await checkStepDay(app, app.get<EventStore>(EVENT_STORE), tenant);
  return day;
}

/** Every account took step 1 exactly once, and each of its actions happened once; nothing unexpected was written. */
async function checkStepDay(app: NestFastifyApplication, events: EventStore, tenant: SandboxTenant): Promise<void> {
  const day = await lastDay(events, tenant.id, STEP_DAY);
  const steps = new Set<string>();
  const fees = new Set<string>();
  const failures = new Set<string>();
  const queued = new Set<string>();
  const kept = new Set<string>();
  const counts = new Map<string, number>();
  const once = (set: Set<string>, id: string, what: string) => {
    if (set.has(id)) throw new Error(`${what} ${id} twice on ${STEP_DAY}`);
    set.add(id);
  };
  await tenantEventsAfter(events, day.position, tenant.id, (event) => {
    counts.set(event.type, (counts.get(event.type) ?? 0) + 1);
    const data = event.data as Record<string, any>;
    switch (event.type) {
      case 'DunningStepAdvanced': {
        const id = data.accountId as string;
        const expected = [
          { type: 'retryCollection', paymentId: retryId(id) },
          { type: 'notify', template: 'reminder', emailId: emailId(id) },
          { type: 'lateFee', feeId: feeId(id), amount: FEE, currency: 'USD', flat: null, percent: '5', basis: INVOICE_TOTAL },
        ];
        if (data.step !== 1 || data.caseId !== caseId(id) || JSON.stringify(data.actions) !== JSON.stringify(expected) || data.nextStep !== 2) {
          throw new Error(`${id}'s step: ${JSON.stringify(data)}`);
        }
        return once(steps, id, 'DunningStepAdvanced of');
      }
      case 'ReceivablePosted':
        if (data.kind !== 'fee' || data.amount !== FEE || data.invoiceId !== feeId(data.accountId)) throw new Error(`an unexpected posting: ${JSON.stringify(data)}`);
        return once(fees, data.accountId, 'the late fee of');
      case 'PaymentFailed':
        if (data.paymentId !== retryId(data.accountId) || data.amount !== INVOICE_TOTAL) throw new Error(`an unexpected failed payment: ${JSON.stringify(data)}`);
        return once(failures, data.accountId, 'the failed retry of');
      case 'EmailQueued':
        if (data.notice === 'paymentFailed') return; // the decline's own notice
        if (data.emailId !== emailId(data.accountId) || data.notice !== 'reminder' || !data.sandbox) throw new Error(`an unexpected email: ${JSON.stringify(data)}`);
        return once(queued, data.emailId, 'the dunning email');
      case 'EmailKept':
        if (String(data.emailId).startsWith('dun:')) once(kept, data.emailId, 'the kept dunning email');
        return;
    }
  });
  for (const [name, set] of [['DunningStepAdvanced', steps], ['late fees', fees], ['failed retries', failures], ['dunning emails queued', queued], ['dunning emails kept', kept]] as const) {
    if (set.size !== ACCOUNTS) throw new Error(`${set.size} ${name} on ${STEP_DAY}, expected ${ACCOUNTS}; the day's events: ${JSON.stringify(Object.fromEntries(counts))}`);
  }
  const expectedTypes = new Set(['BusinessDayStarted', 'TimerFired', 'TimerScheduled', 'DunningStepAdvanced', 'ReceivablePosted', 'PaymentFailed', 'EmailQueued', 'EmailKept']);
  const unexpected = [...counts.keys()].filter((type) => !expectedTypes.has(type));
  console.error(`bench-dunning: ${STEP_DAY}'s events: ${JSON.stringify(Object.fromEntries(counts))}${unexpected.length ? ` (not expected: ${unexpected.join(', ')})` : ''}`);
  // The gateway's books: one declined charge per retry id, each asked once.
  const charges = app.get<SandboxGateway>(PAYMENT_GATEWAY).charges().filter((charge) => charge.idempotencyKey.startsWith(chargeKey(tenant.id, 'dun:')));
  const keys = new Set(charges.map((charge) => charge.idempotencyKey));
  const wrong = charges.filter((charge) => charge.status !== 'declined' || charge.amount !== INVOICE_TOTAL || charge.requests !== 1);
  if (charges.length !== ACCOUNTS || keys.size !== ACCOUNTS || wrong.length > 0) {
    throw new Error(`the gateway's books: ${charges.length} dunning charges over ${keys.size} keys, expected ${ACCOUNTS} declined once each; wrong: ${JSON.stringify(wrong.slice(0, 3))}`);
  }
  for (let i = 0; i < ACCOUNTS; i++) if (!keys.has(chargeKey(tenant.id, retryId(accountId(i))))) throw new Error(`no retry charge for ${accountId(i)}`);
}

/** Run on its own (`node dist/scripts/bench-dunning.js`), it prints its rows, whether its target was met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchDunning);
