/**
 * Over 400 lines on purpose: one round (load, kill, restart, three checks) reads best as one story; the checks are the bulk.
 *
 * Crash rounds under a mixed load (issue 15): the all-in-one app runs as a real child process on a fresh SQLite
 * folder; several requests at a time create accounts, change contacts, assign plans (some retroactive), record
 * usage one by one and in batches over several accounts, advance the sandbox clock (2-6 days at a time), link
 * parents and set payment responsibility; at a random moment the process gets SIGKILL with requests in flight. Then:
 *  1. right after the kill (the log as the crash left it): every acknowledged write has its events, no usage
 *     batch is cut, no plan instance is assigned without its invoice, the clock's days are gap-free;
 *  2. after a restart on the same folder: every request that was in flight, sent again with its Idempotency-Key,
 *     completes, and a second repeat replays the same answer; acknowledged requests repeated replay their answer;
 *     once everything has settled, the read models show every write and no plan instance is left unbilled;
 *  3. stopped: the read models equal a rebuild from the log.
 * The seed fixes the operations, their order and the kill point; the interleaving of concurrent requests
 * (and so exactly what was in flight) still depends on timing, so a replayed seed is close, not identical.
 * Used by test/process/mixed-load-crash.e2e.spec.ts (a few rounds) and scripts/crash-suite.ts (`npm run crash`).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { callServer, ServerProcess, startServerProcess } from './server-process';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Decimal } from 'decimal.js';
import { createEventStore } from '../libs/platform/event-store';
import { RecordedEvent } from '../libs/platform/event-store/event-store.port';
import { createReadStore } from '../libs/platform/read-store';
import { ReadStore, SYSTEM_TENANT } from '../libs/platform/read-store/read-store.port';
import { canonicalJson } from '../libs/platform/http/idempotency.interceptor';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { allProjectors } from '../apps/contexts';
import { TENANTS } from '../libs/tenancy/read-model/tenants.projection';
import { planInstanceStream } from '../libs/plan-instances/domain/plan-instance.decider';

const ADMIN = 'mixed-crash-admin-key';
/** Near a month end: the advances soon cross 2019-03-01, the metered plans' bill date (usage on invoices). */
const START_DATE = '2019-02-22';
/** Metered instances start here (retroactively), so any usage date up to the business date is after their start. */
const METERED_START = '2019-02-01';
const PAYERS = ['p0', 'p1'];

export interface RoundOptions {
  seed: number;
  /** Accounts the load creates (default 12). */
  accounts?: number;
  /** Requests in flight at once (default 6). */
  lanes?: number;
  /** Compare the read models with a rebuild from the log at the end (default true). */
  compareRebuild?: boolean;
  log?: (line: string) => void;
}

export interface RoundResult {
  seed: number;
  /** Operations generated, requests sent, acknowledged (2xx), refused (another status), in flight at the kill. */
  operations: number;
  sent: number;
  acknowledged: number;
  refused: number;
  inFlightAtKill: number;
  /** What was in flight at the kill, and the date of the last acknowledged advance. */
  inFlightKinds: string[];
  clockAtKill: string;
  /** 1 when the process was killed while requests were in flight. */
  kills: number;
  /** Acknowledged writes looked for in the log right after the kill, and found there. */
  writesChecked: number;
  writesFound: number;
  /** Requests in flight at the kill sent again after the restart, and those that completed and replayed alike. */
  retried: number;
  retriedCompleted: number;
  /** Acknowledged requests sent again after the restart, and those that replayed the first answer. */
  replayed: number;
  replayedSame: number;
  /** Whether those in flight had reached the log before the kill (a retry then finds them). */
  inFlightWritten: number;
  /** Usage batches in the log at the kill (acknowledged or not), all of them whole or absent. */
  batchesAtKill: number;
  /** Read-model checks made after the restart. */
  readChecks: number;
  millis: number;
  failures: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// The seeded load

type Kind = 'createAccount' | 'updateContact' | 'assignPlan' | 'usage' | 'usageBatch' | 'advance' | 'setParent' | 'paymentResponsibility';

interface UsageRecordSpec {
  accountId: string;
  serviceId: string;
  /** Thousandths of a unit: the quantity stays an exact decimal string. */
  thousandths: number;
  idempotencyKey: string;
}

interface Op {
  index: number;
  kind: Kind;
  method: 'POST' | 'PATCH' | 'PUT';
  route: string;
  /** The Idempotency-Key header: one per operation, also how its events are found in the log. */
  key: string;
  /** Operations that must be acknowledged first (always earlier in the list). */
  deps: number[];
  /** Usage dates depend on the clock when sent, so the body is made then and kept for the retry. */
  makeBody: (clockLowerBound: string) => unknown;
  body?: unknown;
  accountId?: string;
  planInstanceId?: string;
  planId?: string;
  firstName?: string;
  parentAccountId?: string;
  payerAccountId?: string;
  to?: string;
  records?: UsageRecordSpec[];
  /** In flight at the kill, and its events were already in the log. */
  writtenAtKill?: boolean;
  /** An assignment's invoice as the log held it at the kill (what its answer would have named). */
  invoiceAtKill?: string;
  state: 'waiting' | 'sent' | 'acked' | 'refused' | 'unacked' | 'skipped';
  status?: number;
  response?: unknown;
  done: Promise<void>;
  finish: () => void;
}

/** mulberry32: a small seeded PRNG (the seed replays the operations and the kill point). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

const quantity = (thousandths: number) => `${Math.floor(thousandths / 1000)}.${String(thousandths % 1000).padStart(3, '0')}`;

/**
 * The operations of one round, in an order where each comes after what it needs (a random topological order).
 * Per account: created, a metered plan (retroactive to METERED_START), maybe a basic plan (sometimes retroactive),
 * contact changes one after the other, maybe a parent and a payer for its usage; then usage records and batches
 * over accounts holding the metered plan, and clock advances of 2-6 days, one after the other.
 */
function generate(seed: number, accounts: number): Op[] {
  const random = prng(seed);
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const pick = <T>(items: T[]) => items[Math.floor(random() * items.length)];
  type Draft = Omit<Op, 'index' | 'deps' | 'state' | 'done' | 'finish' | 'key'> & { deps: Draft[] };
  const drafts: Draft[] = [];
  const add = (draft: Draft) => (drafts.push(draft), draft);
  const metered: { accountId: string; assign: Draft }[] = [];
  for (let i = 0; i < accounts; i++) {
    const accountId = `a${i}`;
    // Some accounts without a phone: their contact-reminder timers fire during the advances.
    const contact = random() < 0.5 ? { email: `${accountId}@example.com`, phone: '+1 555 0100' } : { email: `${accountId}@example.com` };
    const create = add({ kind: 'createAccount', method: 'POST', route: '/v1/accounts', deps: [], accountId, makeBody: () => ({ id: accountId, name: `Account ${i}`, currency: 'USD', contact }) });
    const planInstanceId = `${accountId}-metered`;
    const assign = add({
      kind: 'assignPlan', method: 'POST', route: `/v1/accounts/${accountId}/plan-instances`, deps: [create], accountId, planInstanceId, planId: 'metered',
      makeBody: () => ({ id: planInstanceId, planId: 'metered', retroactiveStartDate: METERED_START }),
    });
    metered.push({ accountId, assign });
    if (random() < 0.6) {
      const retroactive = random() < 0.5 ? { retroactiveStartDate: addDays(START_DATE, -int(1, 60)) } : {};
      const basicId = `${accountId}-basic`;
      add({ kind: 'assignPlan', method: 'POST', route: `/v1/accounts/${accountId}/plan-instances`, deps: [create], accountId, planInstanceId: basicId, planId: 'basic', makeBody: () => ({ id: basicId, planId: 'basic', quantity: int(1, 3), ...retroactive }) });
    }
    let previous = create;
    for (let c = int(0, 2); c > 0; c--) {
      const firstName = `F${i}x${c}`;
      // One after the other: the last one sent is the contact the account must end with.
      previous = add({ kind: 'updateContact', method: 'PATCH', route: `/v1/accounts/${accountId}/contact`, deps: [previous], accountId, firstName, makeBody: () => ({ firstName, phone: `+1 555 ${String(1000 + i * 10 + c)}` }) });
    }
    if (random() < 0.5) {
      const parentAccountId = pick(PAYERS);
      add({ kind: 'setParent', method: 'PUT', route: `/v1/accounts/${accountId}/parent`, deps: [create], accountId, parentAccountId, makeBody: () => ({ parentAccountId }) });
    }
    if (random() < 0.3) {
      const payerAccountId = pick(PAYERS);
      add({ kind: 'paymentResponsibility', method: 'PUT', route: `/v1/accounts/${accountId}/payment-responsibility`, deps: [create], accountId, payerAccountId, makeBody: () => ({ usage: [{ payerAccountId, percent: '100' }] }) });
    }
  }
  let u = 0;
  for (let n = accounts * 3; n > 0; n--) {
    const { accountId, assign } = pick(metered);
    const record: UsageRecordSpec = { accountId, serviceId: 'data', thousandths: int(1, 20_000), idempotencyKey: `u${u++}` };
    add({
      kind: 'usage', method: 'POST', route: '/v1/usage', deps: [assign], accountId, records: [record],
      makeBody: (date) => ({ accountId, serviceId: 'data', quantity: quantity(record.thousandths), occurredAt: date, idempotencyKey: record.idempotencyKey }),
    });
  }
  for (let b = 0; b < Math.max(4, Math.round(accounts * 0.7)); b++) {
    const over = [...new Set(Array.from({ length: int(2, 5) }, () => pick(metered)))];
    const records: UsageRecordSpec[] = Array.from({ length: int(5, 40) }, (_, r) => ({ accountId: pick(over).accountId, serviceId: 'data', thousandths: int(1, 5_000), idempotencyKey: `b${b}-r${r}` }));
    add({
      kind: 'usageBatch', method: 'POST', route: '/v1/usage/batch', deps: over.map((m) => m.assign), records,
      makeBody: (date) => ({ records: records.map((r) => ({ accountId: r.accountId, serviceId: r.serviceId, quantity: quantity(r.thousandths), occurredAt: date, idempotencyKey: r.idempotencyKey })) }),
    });
  }
  let to = START_DATE;
  let previousAdvance: Draft | undefined;
  for (let n = Math.max(3, Math.round(accounts / 2)); n > 0; n--) {
    to = addDays(to, int(2, 6)); // six or so advances: past the metered plans' bill date, 2019-03-01
    const target = to;
    previousAdvance = add({ kind: 'advance', method: 'POST', route: '/v1/clock/advance', deps: previousAdvance ? [previousAdvance] : [], to: target, makeBody: () => ({ to: target }) });
  }

  // A random topological order: each step takes any draft whose needs are already placed.
  const placed = new Map<Draft, number>();
  const ops: Op[] = [];
  const remaining = [...drafts];
  while (remaining.length > 0) {
    const ready = remaining.filter((d) => d.deps.every((dep) => placed.has(dep)));
    const draft = pick(ready);
    remaining.splice(remaining.indexOf(draft), 1);
    const index = ops.length;
    placed.set(draft, index);
    let finish!: () => void;
    const done = new Promise<void>((resolve) => (finish = resolve));
    ops.push({ ...draft, index, deps: draft.deps.map((dep) => placed.get(dep)!), key: `s${seed}-op${index}-${draft.kind}`, state: 'waiting', done, finish });
  }
  return ops;
}

// ---------------------------------------------------------------------------------------------------------------
// The app as a child process (./server-process.ts)

type Server = ServerProcess;
const startServer = (env: Record<string, string>) => startServerProcess('all-in-one', env);
const call = callServer;

async function stop(server: Server): Promise<void> {
  if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGTERM');
  await server.exited;
}

// ---------------------------------------------------------------------------------------------------------------
// One round

export async function runRound(options: RoundOptions): Promise<RoundResult> {
  const started = Date.now();
  const { seed, accounts = 12, lanes = 6, compareRebuild = true, log = () => undefined } = options;
  const random = prng(seed ^ 0x5eed);
  const ops = generate(seed, accounts);
  const result: RoundResult = {
    seed, operations: ops.length, sent: 0, acknowledged: 0, refused: 0, inFlightAtKill: 0, kills: 0, writesChecked: 0, writesFound: 0,
    inFlightKinds: [], clockAtKill: START_DATE, retried: 0, retriedCompleted: 0, replayed: 0, replayedSame: 0, inFlightWritten: 0, batchesAtKill: 0, readChecks: 0, millis: 0, failures: [],
  };
  const fail = (message: string) => result.failures.push(`seed ${seed}: ${message}`);
  const describe = (op: Op) => `op ${op.index} ${op.kind} ${op.method} ${op.route} (Idempotency-Key ${op.key})`;
  const dataDir = mkdtempSync(path.join(tmpdir(), `mixed-crash-${seed}-`));
  const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN };
  let server: Server | undefined;
  try {
    server = await startServer(env);
    const { tenantId, key } = await setUp(server.url);

    // The kill: after a seeded number of acknowledgements, then a seeded pause of 0-25 ms.
    const killAfter = Math.max(3, Math.floor(ops.length * (0.15 + random() * 0.7)));
    const killDelay = Math.floor(random() * 26);
    log(`seed ${seed}: ${ops.length} operations, ${lanes} in flight, kill after ${killAfter} acknowledgements + ${killDelay} ms`);
    const first = server;
    let killed = false;
    let inFlight = 0;
    let clockLowerBound = START_DATE; // the latest acknowledged advance: the clock shows at least this
    const kill = () => {
      if (killed) return;
      killed = true;
      result.inFlightAtKill = inFlight;
      result.inFlightKinds = ops.filter((op) => op.state === 'sent').map((op) => op.kind);
      result.clockAtKill = clockLowerBound;
      result.kills = inFlight > 0 ? 1 : 0;
      first.child.kill('SIGKILL');
    };
    let next = 0;
    const lane = async () => {
      while (!killed && next < ops.length) {
        const op = ops[next++];
        await Promise.all(op.deps.map((dep) => ops[dep].done));
        if (killed || op.deps.some((dep) => ops[dep].state !== 'acked')) {
          op.state = 'skipped';
          op.finish();
          continue;
        }
        op.body = op.makeBody(clockLowerBound);
        op.state = 'sent';
        result.sent++;
        inFlight++;
        try {
          const answer = await call(first.url, op.method, op.route, key, op.body, { 'idempotency-key': op.key });
          op.status = answer.status;
          op.response = answer.body;
          if (answer.status >= 200 && answer.status < 300) {
            op.state = 'acked';
            result.acknowledged++;
            if (op.kind === 'advance' && op.to! > clockLowerBound) clockLowerBound = op.to!;
            if (result.acknowledged === killAfter) setTimeout(kill, killDelay);
          } else {
            op.state = 'refused';
            result.refused++;
            fail(`${describe(op)} was refused before the kill: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
          }
        } catch {
          op.state = 'unacked'; // the connection died with the process: it may or may not have been written
        } finally {
          inFlight--;
          op.finish();
        }
      }
    };
    await Promise.all(Array.from({ length: lanes }, lane));
    if (!killed) {
      log(`seed ${seed}: the load ended before the kill point; killing now`);
      kill();
    }
    const exit = await first.exited;
    if (exit.signal !== 'SIGKILL') fail(`the first process ended with ${JSON.stringify(exit)}, not SIGKILL`);
    const unacked = ops.filter((op) => op.state === 'unacked');
    log(`seed ${seed}: killed with ${result.inFlightAtKill} in flight; ${result.acknowledged} acknowledged, ${unacked.length} unanswered`);

    // 1. The log as the crash left it.
    await checkLogAtCrash(dataDir, tenantId, ops, result, fail, describe);

    // 2. Restart, resend, settle, read.
    server = await startServer(env);
    await settle(server.url, key, fail, 'after the restart');
    for (const op of unacked) {
      result.retried++;
      const again = await call(server.url, op.method, op.route, key, op.body, { 'idempotency-key': op.key });
      const replay = await call(server.url, op.method, op.route, key, op.body, { 'idempotency-key': op.key });
      if (again.status < 200 || again.status >= 300) {
        fail(`${describe(op)} was in flight at the kill; sent again after the restart it answered ${again.status} ${JSON.stringify(again.body).slice(0, 300)}`);
      } else if (replay.status !== again.status || canonicalJson(replay.body) !== canonicalJson(again.body)) {
        fail(`${describe(op)} sent a third time replayed ${replay.status} ${JSON.stringify(replay.body)} instead of ${again.status} ${JSON.stringify(again.body)}`);
      } else {
        // The write is complete; the answer must say what the first one would have said (its invoice).
        const invoiceId = (again.body as { invoice?: { id: string } | null }).invoice?.id ?? null;
        if (op.kind === 'assignPlan' && op.invoiceAtKill !== undefined && invoiceId !== op.invoiceAtKill) {
          fail(
            `seed ${seed}: ${describe(op)} was in flight at the kill with its events already in the log, assignment invoice ${op.invoiceAtKill}; ` +
              `sent again with its Idempotency-Key it answered ${again.status} with invoice ${invoiceId} (the first answer was lost with the process)`,
          );
        }
        log(`seed ${seed}: retried ${describe(op)} (${op.writtenAtKill ? 'in the log before the kill' : 'not in the log'}): ${again.status} ${JSON.stringify(again.body).slice(0, 200)}`);
        result.retriedCompleted++;
        op.state = 'acked';
        op.status = again.status;
        op.response = again.body;
      }
    }
    // A few acknowledged requests sent again: the first answer comes back and nothing more is written.
    const acked = ops.filter((op) => op.state === 'acked' && op.status !== undefined && !unacked.includes(op));
    for (let n = Math.min(5, acked.length); n > 0; n--) {
      const op = acked.splice(Math.floor(random() * acked.length), 1)[0];
      result.replayed++;
      const again = await call(server.url, op.method, op.route, key, op.body, { 'idempotency-key': op.key });
      if (again.status === op.status && canonicalJson(again.body) === canonicalJson(op.response)) result.replayedSame++;
      else fail(`${describe(op)} was acknowledged with ${op.status} ${JSON.stringify(op.response)}; repeated after the restart it answered ${again.status} ${JSON.stringify(again.body)}`);
    }
    await settle(server.url, key, fail, 'after the retries');
    await checkReadModels(server.url, key, ops, result, fail, describe);
    await stop(server);
    server = undefined;

    // 3. The log after the retries: every batch whole; and the read models equal a rebuild.
    await checkLogAfterRetries(dataDir, ops, fail, describe);
    if (compareRebuild) await checkRebuild(dataDir, fail);
  } catch (error) {
    fail(`the round stopped: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
  } finally {
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
    result.millis = Date.now() - started;
  }
  return result;
}

/** A sandbox tenant (late usage allowed: a retried record may fall in a period an advance closed), two plans and two payers. */
async function setUp(url: string): Promise<{ tenantId: string; key: string }> {
  const tenant = await call(url, 'POST', '/v1/tenants', ADMIN, { name: 'Mixed crash', sandbox: true, businessDate: START_DATE, settings: { allowLateUsage: true } });
  if (tenant.status !== 201) throw new Error(`tenant: ${tenant.status} ${JSON.stringify(tenant.body)}`);
  const key = tenant.body.apiKey as string;
  const month = { unit: 'month', count: 1 };
  const setup: [string, unknown][] = [
    ['/v1/plans', { id: 'basic', name: 'Basic', currency: 'USD', billingInterval: month, services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }] }],
    ['/v1/plans', { id: 'metered', name: 'Metered', currency: 'USD', billingInterval: month, services: [
      { id: 'line', name: 'Line', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '10.00' } },
      { id: 'data', name: 'Data', type: 'usage', pricing: { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '0.50' }, { upTo: null, unitPrice: '0.25' }] } },
    ] }],
    ...PAYERS.map((id): [string, unknown] => ['/v1/accounts', { id, name: `Payer ${id}`, currency: 'USD', contact: { email: `${id}@example.com`, phone: '+1 555 0199' } }]),
  ];
  for (const [route, body] of setup) {
    const answer = await call(url, 'POST', route, key, body);
    if (answer.status !== 201) throw new Error(`set-up ${route}: ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return { tenantId: tenant.body.id as string, key };
}

/** Waits until everything every day caused has settled: an advance to the date the clock shows starts no day. */
async function settle(url: string, key: string, fail: (message: string) => void, when: string): Promise<void> {
  const clock = await call(url, 'GET', '/v1/clock', key);
  const settled = await call(url, 'POST', '/v1/clock/advance', key, { to: clock.body.businessDate });
  if (settled.status !== 200 || settled.body.days !== 0) fail(`settling ${when} answered ${settled.status} ${JSON.stringify(settled.body)}`);
}

export type Fail = (message: string) => void;
type Describe = (op: Op) => string;

/** Every UsageRecorded record in the log, by its record key. */
function usageRecords(events: RecordedEvent[]): Map<string, { accountId: string; quantity: string }> {
  const records = new Map<string, { accountId: string; quantity: string }>();
  for (const event of events) {
    if (event.type !== 'UsageRecorded') continue;
    const accountId = event.data.accountId as string;
    for (const record of event.data.records as { idempotencyKey: string; quantity: string }[]) records.set(`${accountId}/${record.idempotencyKey}`, { accountId, quantity: record.quantity });
  }
  return records;
}

async function checkLogAtCrash(dataDir: string, tenantId: string, ops: Op[], result: RoundResult, fail: Fail, describe: Describe): Promise<void> {
  const store = createEventStore({ kind: 'sqlite', dataDir });
  try {
    const events = await store.readAll();
    const byKey = new Map<string, RecordedEvent[]>();
    for (const event of events) {
      const key = event.metadata?.idempotencyKey as string | undefined;
      if (key !== undefined) byKey.set(key, [...(byKey.get(key) ?? []), event]);
    }
    const records = usageRecords(events);
    // Acknowledged writes: their events are in the log (an advance is checked by the clock's days below).
    for (const op of ops) {
      if (op.kind === 'advance') continue;
      const written = (byKey.get(op.key)?.length ?? 0) > 0;
      if (op.state === 'unacked' && written) {
        result.inFlightWritten++;
        op.writtenAtKill = true;
      }
      if (op.state !== 'acked') continue;
      result.writesChecked++;
      if (written) result.writesFound++;
      else fail(`${describe(op)} was acknowledged (${op.status}) but none of its events is in the log after the kill`);
    }
    // Usage batches (and single records): all of their records or none.
    for (const op of ops.filter((o) => o.records !== undefined && o.state !== 'waiting' && o.state !== 'skipped')) {
      const present = op.records!.filter((r) => records.has(`${r.accountId}/${r.idempotencyKey}`)).length;
      if (op.kind === 'usageBatch' && present > 0) result.batchesAtKill++;
      if (present !== 0 && present !== op.records!.length) fail(`${describe(op)} is cut after the kill: ${present} of its ${op.records!.length} records are in the log`);
      if (op.state === 'acked' && present !== op.records!.length) fail(`${describe(op)} was acknowledged but only ${present} of its ${op.records!.length} records are in the log`);
    }
    // Plan assignments: each instance in the log has its invoice; an acknowledged one has the invoice it answered.
    const instances = new Map<string, { assigned: boolean; invoices: string[]; assignmentInvoice?: string }>();
    const prefix = planInstanceStream(tenantId, '');
    for (const event of events) {
      if (!event.streamName.startsWith(prefix)) continue;
      const id = event.streamName.slice(prefix.length);
      const entry = instances.get(id) ?? { assigned: false, invoices: [] };
      if (event.type === 'PlanAssigned') entry.assigned = true;
      // The event names it invoiceId; the HTTP answer names it id.
      const { invoice, reason } = event.data as { invoice?: { invoiceId: string } | null; reason?: string };
      if (event.type === 'PlanInstanceBilled' && invoice) entry.invoices.push(invoice.invoiceId);
      if (event.type === 'PlanInstanceBilled' && invoice && reason === 'assignment') entry.assignmentInvoice = invoice.invoiceId;
      instances.set(id, entry);
    }
    for (const [id, entry] of instances) if (entry.assigned && entry.invoices.length === 0) fail(`plan instance ${id} is assigned in the log without any invoice after the kill`);
    for (const op of ops.filter((o) => o.kind === 'assignPlan' && o.state === 'unacked')) op.invoiceAtKill = instances.get(op.planInstanceId!)?.assignmentInvoice;
    for (const op of ops.filter((o) => o.kind === 'assignPlan' && o.state === 'acked')) {
      const invoiceId = (op.response as { invoice?: { id: string } | null }).invoice?.id;
      if (invoiceId && !instances.get(op.planInstanceId!)?.invoices.includes(invoiceId)) fail(`${describe(op)} answered invoice ${invoiceId}, which is not in the log after the kill`);
    }
    // The clock: one BusinessDayStarted per day, in order, from the day after the start, at least to the last acknowledged advance.
    const days = events.filter((e) => e.type === 'BusinessDayStarted' && e.data.tenantId === tenantId).map((e) => e.data.date as string);
    days.forEach((day, i) => {
      if (day !== addDays(START_DATE, i + 1)) fail(`the clock's days after the kill are not one per day in order: ${days.join(', ')}`);
    });
    const lastAcked = ops.filter((o) => o.kind === 'advance' && o.state === 'acked').map((o) => o.to!).sort().pop();
    const shows = days[days.length - 1] ?? START_DATE;
    if (lastAcked !== undefined && shows < lastAcked) fail(`an advance to ${lastAcked} was acknowledged but the log's clock stops at ${shows} after the kill`);
  } finally {
    await store.close();
  }
}

async function checkReadModels(url: string, key: string, ops: Op[], result: RoundResult, fail: Fail, describe: Describe): Promise<void> {
  const get = async (route: string) => {
    result.readChecks++;
    return call(url, 'GET', route, key);
  };
  const done = ops.filter((op) => op.state === 'acked'); // acknowledged, or completed by a retry
  const clock = (await get('/v1/clock')).body.businessDate as string;
  const lastTo = done.filter((o) => o.kind === 'advance').map((o) => o.to!).sort().pop() ?? START_DATE;
  if (clock < lastTo) fail(`the clock shows ${clock} after the restart, before ${lastTo}, the date of a completed advance`);

  const accounts = [...new Set(done.filter((o) => o.kind === 'createAccount').map((o) => o.accountId!))];
  const expectedUsage = new Map<string, Decimal>();
  for (const op of done) {
    for (const r of op.records ?? []) expectedUsage.set(r.accountId, (expectedUsage.get(r.accountId) ?? new Decimal(0)).plus(new Decimal(r.thousandths).div(1000)));
  }
  for (const accountId of accounts) {
    const account = await get(`/v1/accounts/${accountId}`);
    if (account.status !== 200) {
      fail(`account ${accountId} was created (acknowledged) but GET answers ${account.status}`);
      continue;
    }
    // The last contact change sent (contact changes of an account go one after the other) is the one shown.
    const lastContact = done.filter((o) => o.kind === 'updateContact' && o.accountId === accountId).pop();
    if (lastContact && account.body.contact?.firstName !== lastContact.firstName) {
      fail(`${describe(lastContact)}: the account shows firstName ${account.body.contact?.firstName}, not ${lastContact.firstName}`);
    }
    const parent = done.find((o) => o.kind === 'setParent' && o.accountId === accountId);
    if (parent && account.body.parentAccountId !== parent.parentAccountId) fail(`${describe(parent)}: the account shows parent ${account.body.parentAccountId}`);
    const payer = done.find((o) => o.kind === 'paymentResponsibility' && o.accountId === accountId);
    if (payer) {
      const shown = (await get(`/v1/accounts/${accountId}/payment-responsibility`)).body;
      if (shown?.usage?.[0]?.payerAccountId !== payer.payerAccountId) fail(`${describe(payer)}: payment responsibility shows ${JSON.stringify(shown)}`);
    }
    // Plan instances: every completed assignment is there, and none is left with a bill date the bill runs passed.
    const instances = (await get(`/v1/accounts/${accountId}/plan-instances`)).body;
    const items: { id: string; nextBillDate: string; status: string; planId: string }[] = instances.items ?? instances;
    for (const op of done.filter((o) => o.kind === 'assignPlan' && o.accountId === accountId)) {
      const instance = await get(`/v1/plan-instances/${op.planInstanceId}`);
      if (instance.status !== 200 || instance.body.planId !== op.planId) fail(`${describe(op)}: GET /v1/plan-instances/${op.planInstanceId} answers ${instance.status} ${JSON.stringify(instance.body)}`);
      const invoice = (op.response as { invoice?: { id: string; total: number } | null }).invoice;
      if (invoice) {
        const shown = await get(`/v1/invoices/${invoice.id}`);
        if (shown.status !== 200 || shown.body.total !== invoice.total) fail(`${describe(op)}: its invoice ${invoice.id} answers ${shown.status} total ${shown.body?.total}, not ${invoice.total}`);
      }
    }
    for (const item of items) {
      if (item.status === 'active' && item.nextBillDate <= clock) fail(`plan instance ${item.id} of ${accountId} is left unbilled: nextBillDate ${item.nextBillDate}, business date ${clock}`);
    }
    // Usage: exactly the records of every completed request, once each.
    const usage = (await get(`/v1/accounts/${accountId}/usage?serviceId=data&from=${METERED_START}&to=${clock}`)).body;
    const total = new Decimal(usage.services?.find((s: { serviceId: string }) => s.serviceId === 'data')?.total ?? '0');
    const expected = expectedUsage.get(accountId) ?? new Decimal(0);
    if (!total.equals(expected)) fail(`account ${accountId}'s usage total is ${total.toString()} after the restart, expected ${expected.toString()} (the records of every completed request)`);
  }
}

async function checkLogAfterRetries(dataDir: string, ops: Op[], fail: Fail, describe: Describe): Promise<void> {
  const store = createEventStore({ kind: 'sqlite', dataDir });
  try {
    const records = usageRecords(await store.readAll());
    for (const op of ops.filter((o) => o.records !== undefined && o.state === 'acked')) {
      const present = op.records!.filter((r) => records.has(`${r.accountId}/${r.idempotencyKey}`)).length;
      if (present !== op.records!.length) fail(`${describe(op)} has ${present} of its ${op.records!.length} records in the log after the retries`);
    }
  } finally {
    await store.close();
  }
}

/** The stopped app's read models equal what a rebuild from the log gives (as test/support/read-model-hash.ts). */
export async function checkRebuild(dataDir: string, fail: Fail): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  try {
    const live = await hashReadModels(store);
    await rebuildProjections(events, store, allProjectors, () => Date.now());
    const rebuilt = await hashReadModels(store);
    if (live.hash !== rebuilt.hash) fail(`the read models (${live.documents} documents) differ from a rebuild from the log (${rebuilt.documents} documents)`);
  } finally {
    await events.close();
    await store.close();
  }
}

async function hashReadModels(store: ReadStore): Promise<{ hash: string; documents: number }> {
  await store.ensureCollections(allProjectors.flatMap((p) => p.collections));
  const tenants = [SYSTEM_TENANT, ...(await allDocs(store, TENANTS, SYSTEM_TENANT)).map((t) => t.id as string)];
  const hash = createHash('sha256');
  let documents = 0;
  for (const collection of allProjectors.flatMap((p) => p.collections.map((c) => c.name)).sort()) {
    for (const tenantId of tenants) {
      for (const doc of await allDocs(store, collection, tenantId)) {
        hash.update(`${collection}\u0000${tenantId}\u0000${canonicalJson(doc)}\n`);
        documents++;
      }
    }
  }
  return { hash: hash.digest('hex'), documents };
}

async function allDocs(store: ReadStore, collection: string, tenantId: string): Promise<Record<string, unknown>[]> {
  const docs: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find<Record<string, unknown>>(collection, tenantId, { limit: 500, cursor });
    docs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return docs;
}

/** Totals over rounds, for the suite's last line. */
export function summarize(results: RoundResult[]) {
  const sum = (field: keyof RoundResult) => results.reduce((total, r) => total + (r[field] as number), 0);
  return {
    rounds: results.length,
    acknowledged: sum('acknowledged'),
    writesChecked: sum('writesChecked'),
    writesFound: sum('writesFound'),
    kills: sum('kills'),
    inFlightAtKill: sum('inFlightAtKill'),
    retried: sum('retried'),
    retriedCompleted: sum('retriedCompleted'),
    replayed: sum('replayed'),
    replayedSame: sum('replayedSame'),
    failures: results.flatMap((r) => r.failures),
  };
}

export function formatRound(r: RoundResult): string {
  return (
    `round seed=${r.seed}: ${r.operations} ops, ${r.sent} sent, ${r.acknowledged} acknowledged, clock ${r.clockAtKill}, ` +
    `${r.inFlightAtKill} in flight at the kill [${r.inFlightKinds.join(' ')}] ` +
    `(${r.inFlightWritten} of them already in the log), writes checked ${r.writesChecked} found ${r.writesFound}, batches at kill ${r.batchesAtKill}, ` +
    `retried ${r.retriedCompleted}/${r.retried}, replayed ${r.replayedSame}/${r.replayed}, read checks ${r.readChecks}, ${r.millis} ms` +
    (r.failures.length > 0 ? `, ${r.failures.length} FAILURE(S)` : ', ok')
  );
}
