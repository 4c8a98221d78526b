/**
 * The dunning crash round (issue 18, Must have 7): a kill -9 on a day when many accounts take a dunning step finds
 * each step taken once. The all-in-one app runs as a real child process (./server-process.ts) on a fresh SQLite
 * folder:
 *  1. set-up over HTTP (CRASH_DUNNING_ACCOUNTS accounts, default 2,000, 16 requests in flight): a sandbox tenant on
 *     2025-03-01, a plan of 100.00 a month, a "reminder" template, a process whose step 1 (two days after the due
 *     date) retries the collection, sends the reminder, charges a 5% late fee and suspends the account, and whose
 *     step 2 (twenty days after) terminates it, and a group binding it to the plan; per account a tok_decline card,
 *     then the plan (March invoiced at assignment, due 2025-03-01, its collection declined). The clock advances to
 *     2025-03-02: every account enters dunning, its step-1 timer set for 2025-03-03. The app stops (SIGTERM).
 *  2. the app starts again with a fault (BILLING_FAULT, libs/platform/process-manager-runtime/faults.ts) and the clock
 *     advances to 2025-03-03, the step day; the process kills itself with SIGKILL part way through the day:
 *      - `gateway`: after-gateway-charge:<N/2>: right after the N/2-th retry's charge is booked by the sandbox gateway
 *        and before its PaymentFailed is recorded (the gap a crash must not turn into a second charge), with the rest
 *        of the day's commands in flight;
 *      - `dunning`: after-command-of-dunning:<2N>: in the middle of the dunning process manager's commands (each
 *        step asks for a collection, a fee, a status change and the next step's timer), after some of a batch's
 *        commands completed and before its checkpoint moved;
 *      - `timers`: after-command-of-timer-firing:<N>: half way through the step day's due timers (each fires its
 *        TakeDunningStep, then is marked fired), the timer-firing checkpoint still before the day.
 *  3. restarted on the same folder (no fault): the clock shows the step day, one more day is advanced (it answers once
 *     everything before it settled), the consumers reach the head, and then, over HTTP, every account is `suspended`,
 *     in dunning at step 1 with step 2 due 2025-03-21, and owes 105.00.
 *  4. stopped: the log holds, per account, one DunningStarted, one DunningStepAdvanced (step 1, on the step day), one
 *     late fee (`fee:<caseId>:1:2`, 5.00), one failed retry (PaymentFailed `dun:<caseId>:1`), one reminder queued and
 *     kept (`dun:<caseId>:1:1`), one AccountStatusChanged to suspended, and the timers of steps 1 and 2 scheduled once
 *     each; the sandbox gateway's books (its SQLite file in the data folder) hold exactly one declined charge per
 *     retry id, no money taken, and no dunning charge the log does not name; the read models equal a rebuild.
 * Run by `npm run crash` after the mixed rounds (CRASH_SKIP_DUNNING=1 leaves it out; CRASH_DUNNING_FAULTS, default
 * "gateway,dunning,timers", picks the kills), or on its own: `node dist/scripts/crash-dunning.js`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chargeKey } from '../libs/payments/commands/gateway-charge';
import { createSandboxGateway, SandboxCharge } from '../libs/payments/gateway';
import { createEventStore } from '../libs/platform/event-store';
import { RecordedEvent } from '../libs/platform/event-store/event-store.port';
import { checkRebuild } from './crash-rounds';
import { callServer as call, ServerProcess, startServerProcess } from './server-process';

const ADMIN = 'dunning-crash-admin-key';
const START = '2025-03-01';
const ENTRY_DAY = '2025-03-02';
const STEP_DAY = '2025-03-03';
const DAY_AFTER = '2025-03-04';
const STEP_2_DATE = '2025-03-21';
const TOTAL = 10000;
const FEE = 500;
const SET_UP_IN_FLIGHT = 16;
const SETTLE_TIMEOUT_MS = 600_000;
const PLAN = {
  id: 'monthly',
  name: 'Monthly',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};
const STEPS = [
  {
    days: 2,
    actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'reminder' }, { type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }],
  },
  { days: 20, actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] },
];

export type DunningFault = 'gateway' | 'dunning' | 'timers';

export interface DunningCrashResult {
  fault: DunningFault;
  accounts: number;
  /** At the kill: steps taken (DunningStepAdvanced) and failed retries recorded in the log, retry charges in the books. */
  stepsAtKill: number;
  failuresAtKill: number;
  chargesAtKill: number;
  /** Retries charged before the kill whose failure the log did not hold yet: recorded after the restart from the books. */
  chargedNotRecordedAtKill: number;
  /** After the restart: retry charges asked for more than once (answered from the gateway's books, never taken again). */
  repeatedChargeCalls: number;
  checks: number;
  millis: number;
  failures: string[];
}

const accountId = (i: number) => `d${String(i).padStart(5, '0')}`;
const caseId = (account: string) => `${account}:1`;
const retryId = (account: string) => `dun:${caseId(account)}:1`;
const emailId = (account: string) => `dun:${caseId(account)}:1:1`;
const feeId = (account: string) => `fee:${caseId(account)}:1:2`;

export async function runDunningCrash(options: { fault: DunningFault; accounts?: number; log?: (line: string) => void }): Promise<DunningCrashResult> {
  const { fault } = options;
  const accounts = options.accounts ?? 2000;
  const log = options.log ?? (() => undefined);
  const ids = Array.from({ length: accounts }, (_, i) => accountId(i));
  const dataDir = mkdtempSync(path.join(tmpdir(), 'crash-dunning-'));
  const started = Date.now();
  const result: DunningCrashResult = { fault, accounts, stepsAtKill: 0, failuresAtKill: 0, chargesAtKill: 0, chargedNotRecordedAtKill: 0, repeatedChargeCalls: 0, checks: 0, millis: 0, failures: [] };
  const fail = (message: string) => {
    if (result.failures.length < 50) result.failures.push(message);
  };
  const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, SETTLE_TIMEOUT_MS: String(SETTLE_TIMEOUT_MS) };
  const servers: ServerProcess[] = [];
  try {
    // 1. Set-up and the entry day, then a clean stop.
    const setup = await startServerProcess('all-in-one', env);
    servers.push(setup);
    const tenant = await expectStatus(call(setup.url, 'POST', '/v1/tenants', ADMIN, { name: 'Dunning crash', sandbox: true, businessDate: START }), 201, 'create the tenant');
    const key: string = tenant.apiKey;
    const tenantId: string = tenant.id;
    await expectStatus(call(setup.url, 'POST', '/v1/plans', key, PLAN), 201, 'create the plan');
    await expectStatus(call(setup.url, 'PUT', '/v1/email-templates/reminder', key, { subject: 'Step {{step}}: {{pastDue}} {{currency}} past due', text: 'Hello {{accountName}}, please pay.' }), 200, 'set the template');
    await expectStatus(call(setup.url, 'POST', '/v1/dunning-processes', key, { id: 'standard', name: 'Standard', steps: STEPS }), 201, 'create the process');
    await expectStatus(call(setup.url, 'POST', '/v1/dunning-groups', key, { id: 'all-monthly', processId: 'standard', planIds: [PLAN.id] }), 201, 'create the group');
    await pool(accounts, SET_UP_IN_FLIGHT, async (i) => {
      const id = ids[i];
      await expectStatus(call(setup.url, 'POST', '/v1/accounts', key, { id, name: `Account ${i}`, currency: 'USD', contact: { email: `${id}@example.com`, phone: '+1 555 0100' } }), 201, `create ${id}`);
      await expectStatus(call(setup.url, 'POST', `/v1/accounts/${id}/payment-methods`, key, { id: 'card', type: 'card', token: 'tok_decline' }), 201, `add ${id}'s card`);
      await expectStatus(call(setup.url, 'POST', `/v1/accounts/${id}/plan-instances`, key, { id: `${id}-pi`, planId: PLAN.id }), 201, `assign ${id}'s plan`);
    });
    log(`${fault}: ${accounts} accounts set up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    await settled(setup);
    await expectStatus(call(setup.url, 'POST', '/v1/clock/advance', key, { to: ENTRY_DAY }), 200, `advance to ${ENTRY_DAY}`);
    await settled(setup);
    await stop(setup);
    const entered = (await readLog(dataDir)).filter((e) => e.type === 'DunningStarted').length;
    if (entered !== accounts) throw new Error(`${entered} accounts entered dunning on ${ENTRY_DAY}, expected ${accounts}`);
    const setUpBooks = books(dataDir).length;
    if (setUpBooks !== accounts) throw new Error(`the gateway's books hold ${setUpBooks} charges after the set-up, expected ${accounts} (the assignments' collections)`);

    // 2. The step day, killed part way through.
    const killAt = {
      gateway: `after-gateway-charge:${Math.max(1, Math.floor(accounts / 2))}`,
      // Each step asks for four commands: the collection, the fee, the status and the next step's timer.
      dunning: `after-command-of-dunning:${Math.max(1, 2 * accounts)}`,
      // Each due timer is two commands: its TakeDunningStep, then FireTimer.
      timers: `after-command-of-timer-firing:${Math.max(1, accounts)}`,
    }[fault];
    const doomed = await startServerProcess('all-in-one', { ...env, BILLING_FAULT: killAt });
    servers.push(doomed);
    const advance = await call(doomed.url, 'POST', '/v1/clock/advance', key, { to: STEP_DAY }).then(
      (answer) => `answered ${answer.status}`,
      () => 'no answer',
    );
    const exit = await doomed.exited;
    if (exit.signal !== 'SIGKILL') fail(`the process of the step day ended with ${JSON.stringify(exit)}, not SIGKILL (BILLING_FAULT=${killAt}; the advance ${advance})`);
    const atKill = await readLog(dataDir);
    result.stepsAtKill = atKill.filter((e) => e.type === 'DunningStepAdvanced').length;
    result.failuresAtKill = atKill.filter((e) => e.type === 'PaymentFailed' && String(e.data.paymentId).startsWith('dun:')).length;
    const recordedAtKill = new Set(atKill.filter((e) => e.type === 'PaymentFailed').map((e) => chargeKey(tenantId, e.data.paymentId as string)));
    const chargedAtKill = books(dataDir).filter((c) => c.idempotencyKey.startsWith(chargeKey(tenantId, 'dun:')));
    result.chargesAtKill = chargedAtKill.length;
    result.chargedNotRecordedAtKill = chargedAtKill.filter((c) => !recordedAtKill.has(c.idempotencyKey)).length;
    log(`${fault}: killed (${killAt}) with ${result.stepsAtKill} steps, ${result.failuresAtKill} failed retries in the log, ${result.chargesAtKill} retry charges in the books`);
    if (result.stepsAtKill >= accounts && result.failuresAtKill >= accounts) fail(`the kill (${killAt}) came after the step day's work was done: nothing was cut`);
    if (fault === 'gateway' && result.chargedNotRecordedAtKill === 0) fail(`killed after a charge, yet every retry charged (${result.chargesAtKill}) is recorded (${result.failuresAtKill})`);

    // 3. Restarted: the day settles, one more day, then what the API shows.
    const second = await startServerProcess('all-in-one', env);
    servers.push(second);
    const clock = (await call(second.url, 'GET', '/v1/clock', key)).body?.businessDate;
    if (clock !== STEP_DAY) fail(`after the restart the clock shows ${clock}, expected ${STEP_DAY}`);
    const after = await call(second.url, 'POST', '/v1/clock/advance', key, { to: DAY_AFTER });
    if (after.status !== 200 || after.body?.days !== 1) fail(`advancing to ${DAY_AFTER} after the restart answered ${after.status} ${JSON.stringify(after.body)}`);
    await settled(second);
    await pool(accounts, SET_UP_IN_FLIGHT, async (i) => {
      const id = ids[i];
      const [account, dunning, balance] = await Promise.all([
        call(second.url, 'GET', `/v1/accounts/${id}`, key),
        call(second.url, 'GET', `/v1/accounts/${id}/dunning`, key),
        call(second.url, 'GET', `/v1/accounts/${id}/balance`, key),
      ]);
      result.checks += 3;
      if (account.body?.status !== 'suspended') fail(`${id}: status ${account.body?.status} after the restart, expected suspended`);
      const d = dunning.body ?? {};
      const steps = (d.history ?? []).filter((h: { step?: number }) => h.step !== undefined);
      if (d.status !== 'inDunning' || d.step !== 1 || d.nextStep !== 2 || d.nextStepDate !== STEP_2_DATE || steps.length !== 1 || steps[0].date !== STEP_DAY) {
        fail(`${id}: GET dunning shows ${JSON.stringify({ status: d.status, step: d.step, nextStep: d.nextStep, nextStepDate: d.nextStepDate, steps })}`);
      }
      if (balance.body?.balance !== TOTAL + FEE) fail(`${id}: balance ${balance.body?.balance}, expected ${TOTAL + FEE} (the invoice and one fee)`);
    });
    await stop(second);

    // 4. The log and the gateway's books, with nothing running.
    checkLog(await readLog(dataDir), ids, fail, result);
    checkBooks(dataDir, tenantId, ids, fail, result);
    const rebuild: string[] = [];
    await checkRebuild(dataDir, (message) => rebuild.push(message));
    rebuild.forEach(fail);
    result.checks++;
  } catch (error) {
    fail(`the round stopped: ${error instanceof Error ? error.message : String(error)}`);
    for (const server of servers) if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
  } finally {
    result.millis = Date.now() - started;
    rmSync(dataDir, { recursive: true, force: true });
  }
  return result;
}

/** Per account, each thing the step does exactly once; nothing of step 2 yet. */
function checkLog(events: RecordedEvent[], ids: string[], fail: (message: string) => void, result: DunningCrashResult): void {
  const counts = new Map<string, Map<string, number>>();
  const count = (account: string, what: string) => {
    const mine = counts.get(account) ?? new Map<string, number>();
    mine.set(what, (mine.get(what) ?? 0) + 1);
    counts.set(account, mine);
  };
  for (const event of events) {
    const data = event.data as Record<string, any>;
    // A timer names its account inside the command it holds.
    const account = (event.type === 'TimerScheduled' ? data.command?.data?.accountId : data.accountId) as string | undefined;
    if (!account) continue;
    switch (event.type) {
      case 'DunningStarted':
        count(account, 'started');
        break;
      case 'DunningStepAdvanced':
        count(account, data.step === 1 && data.date === STEP_DAY && data.caseId === caseId(account) ? 'step 1' : `step ${data.step} on ${data.date}`);
        break;
      case 'ReceivablePosted':
        if (data.kind === 'fee') count(account, data.invoiceId === feeId(account) && data.amount === FEE ? 'fee' : `fee ${data.invoiceId} of ${data.amount}`);
        break;
      case 'PaymentFailed':
        count(account, data.paymentId === retryId(account) ? 'failed retry' : String(data.paymentId).startsWith('col:') ? 'failed collection' : `failed ${data.paymentId}`);
        break;
      case 'PaymentRecorded':
        count(account, 'payment recorded');
        break;
      case 'EmailQueued':
        if (data.notice === 'reminder') count(account, data.emailId === emailId(account) && data.sandbox === true ? 'reminder' : `reminder ${data.emailId}`);
        break;
      case 'AccountStatusChanged':
        count(account, `status ${data.to}`);
        break;
      case 'TimerScheduled': {
        const command = data.command as { type: string; data: { accountId: string; step?: number } } | undefined;
        if (command?.type === 'TakeDunningStep') count(account, `timer of step ${command.data.step}`);
        break;
      }
    }
  }
  const kept = new Set(events.filter((e) => e.type === 'EmailKept').map((e) => e.data.emailId as string));
  const expected: Record<string, number> = {
    started: 1,
    'step 1': 1,
    fee: 1,
    'failed retry': 1,
    'failed collection': 1,
    reminder: 1,
    'status suspended': 1,
    'timer of step 1': 1,
    'timer of step 2': 1,
  };
  for (const id of ids) {
    result.checks++;
    const mine = counts.get(id) ?? new Map<string, number>();
    const found = Object.fromEntries([...mine].sort());
    const right = Object.keys(expected).length === mine.size && Object.entries(expected).every(([what, n]) => mine.get(what) === n);
    if (!right) fail(`${id}: the log holds ${JSON.stringify(found)}; expected each once: ${Object.keys(expected).join(', ')}`);
    if (!kept.has(emailId(id))) fail(`${id}: the reminder ${emailId(id)} was not kept (sandbox)`);
  }
}

/** One declined charge per retry id, asked for once or answered again from the books; no other dunning charge. */
function checkBooks(dataDir: string, tenantId: string, ids: string[], fail: (message: string) => void, result: DunningCrashResult): void {
  const gateway = createSandboxGateway(dataDir);
  try {
    const charges = gateway.charges();
    const dunning = charges.filter((c) => c.idempotencyKey.startsWith(chargeKey(tenantId, 'dun:')));
    const byKey = new Map<string, SandboxCharge[]>();
    for (const charge of dunning) byKey.set(charge.idempotencyKey, [...(byKey.get(charge.idempotencyKey) ?? []), charge]);
    const expectedKeys = new Set(ids.map((id) => chargeKey(tenantId, retryId(id))));
    for (const key of byKey.keys()) if (!expectedKeys.has(key)) fail(`the gateway's books hold a dunning charge ${key} that no step asked for`);
    for (const key of expectedKeys) {
      result.checks++;
      const mine = byKey.get(key) ?? [];
      if (mine.length !== 1 || mine[0].status !== 'declined' || mine[0].amount !== TOTAL || gateway.chargeCount(key) !== 0) {
        fail(`the gateway's books for ${key}: ${JSON.stringify(mine)}, money taken ${gateway.chargeCount(key)} times; expected one declined charge of ${TOTAL}`);
      }
    }
    result.repeatedChargeCalls = dunning.filter((c) => c.requests > 1).length;
  } finally {
    gateway.close();
  }
}

function books(dataDir: string): SandboxCharge[] {
  const gateway = createSandboxGateway(dataDir);
  try {
    return gateway.charges();
  } finally {
    gateway.close();
  }
}

async function readLog(dataDir: string): Promise<RecordedEvent[]> {
  const store = createEventStore({ kind: 'sqlite', dataDir });
  try {
    return await store.readAll();
  } finally {
    await store.close();
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function expectStatus(request: Promise<{ status: number; body: any }>, status: number, what: string): Promise<any> {
  const answer = await request;
  if (answer.status !== status) throw new Error(`${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
  return answer.body;
}

/** Polls /health until every projection and process manager has reached the log head (and the head stays put). */
async function settled(server: ServerProcess): Promise<void> {
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (;;) {
    const { body } = await call(server.url, 'GET', '/health', '');
    const positions = [...Object.values(body.projections), ...Object.values(body.processManagers)] as number[];
    if (positions.every((p) => p >= body.logPosition) && (await call(server.url, 'GET', '/health', '')).body.logPosition === body.logPosition) return;
    if (Date.now() > deadline) throw new Error(`consumers did not reach the log head: ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function stop(server: ServerProcess): Promise<void> {
  server.child.kill('SIGTERM');
  await server.exited;
}

async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}

export function formatDunningCrash(r: DunningCrashResult): string {
  return (
    `dunning crash (${r.fault}): ${r.accounts} accounts take step 1 on ${STEP_DAY}; at the kill ${r.stepsAtKill} steps and ${r.failuresAtKill} failed retries in the log, ` +
    `${r.chargesAtKill} retry charges in the books (${r.chargedNotRecordedAtKill} of them not yet recorded: recorded after the restart from the books, not charged again); ` +
    `charge calls repeated under one key: ${r.repeatedChargeCalls}; `+
    `${r.checks} checks, ${(r.millis / 1000).toFixed(1)} s` +
    (r.failures.length > 0 ? `, ${r.failures.length} FAILURE(S)` : ', ok')
  );
}

/** The faults CRASH_DUNNING_FAULTS names (default both). */
export function dunningFaults(): DunningFault[] {
  const names = (process.env.CRASH_DUNNING_FAULTS ?? 'gateway,dunning,timers').split(',').map((s) => s.trim()).filter(Boolean);
  for (const name of names) if (!['gateway', 'dunning', 'timers'].includes(name)) throw new Error(`CRASH_DUNNING_FAULTS: ${name} is not gateway, dunning or timers`);
  return names as DunningFault[];
}

if (require.main === module) {
  (async () => {
    let failed = 0;
    for (const fault of dunningFaults()) {
      const result = await runDunningCrash({ fault, accounts: Number(process.env.CRASH_DUNNING_ACCOUNTS ?? 2000), log: (line) => console.log(`  ${line}`) });
      console.log(formatDunningCrash(result));
      for (const failure of result.failures) console.log(`  FAILURE ${failure}`);
      failed += result.failures.length;
    }
    if (failed > 0) process.exitCode = 1;
  })().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
