import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEventStore } from '../../libs/platform/event-store';
import { planInstanceStream } from '../../libs/plan-instances/domain/plan-instance.decider';
import { accountBalance, receivablesDecider, receivablesStream } from '../../libs/payments/domain';
import { createSandboxGateway, SandboxCharge } from '../../libs/payments/gateway';
import { collectionPaymentId, parseCollectionPaymentId } from '../../libs/payments/commands/collect-payment';
import { fold } from '../../libs/payments/commands/collection-state';
import { chargeKey } from '../../libs/payments/commands/gateway-charge';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'collection-crash-admin-key';
/** Accounts with a tok_approve card, each holding the monthly plan: one collection each on 2019-02-10, one on 2019-03-10. */
const ACCOUNTS = 60;
/**
 * The kill lands in the middle of the bill run's collections on 2019-03-10, not among the assignments' (2019-02-10):
 * the assignments are HTTP requests whose collections trail them asynchronously, so a kill there would also cut the
 * set-up short (some accounts never assigned) and the cut would depend on timing. The bill run's invoices are all
 * collected on one day, by one consumer, all of the day's commands in flight at once (one lane per account).
 * Passes 1-60 are the assignments' collections (every one charges: each account has a default card and owes 100.00),
 * so BILLING_FAULT=after-gateway-charge:61 kills the process right after the first charge of 2019-03-10 is taken
 * and before its payment is recorded (the gap a crash must not turn into a second charge), with the day's other
 * collections in flight; the checkpoint has not moved past any of them.
 */
const KILL_AT = ACCOUNTS + 1;
const ids = Array.from({ length: ACCOUNTS }, (_, i) => `a${String(i).padStart(2, '0')}`);

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  await server.exited;
}

/** Polls /health until every projection and process manager has reached the log head (and the head stays put). */
async function settled(server: ServerProcess): Promise<number> {
  const deadline = Date.now() + 20_000;
  let last: unknown;
  for (;;) {
    const { body } = await call(server.url, 'GET', '/health', '');
    last = body;
    const positions = [...Object.values(body.projections), ...Object.values(body.processManagers)] as number[];
    if (positions.every((p) => p >= body.logPosition)) {
      if ((await call(server.url, 'GET', '/health', '')).body.logPosition === body.logPosition) return body.logPosition;
    }
    if (Date.now() > deadline) throw new Error(`consumers did not reach the log head: ${JSON.stringify(last)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The sandbox gateway's books, read straight from its SQLite file (no server running). */
function books(dataDir: string): SandboxCharge[] {
  const gateway = createSandboxGateway(dataDir);
  try {
    return gateway.charges();
  } finally {
    gateway.close();
  }
}

/** How many PaymentRecorded the accounts' ledgers hold, read straight from the SQLite file. */
async function paymentsRecorded(dataDir: string, tenantId: string): Promise<number> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  let count = 0;
  for (const id of ids) count += (await events.readStream(receivablesStream(tenantId, id))).filter((e) => e.type === 'PaymentRecorded').length;
  await events.close();
  return count;
}

describe('A crash (kill -9) in the middle of a day of automatic collections', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'collection-crash-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('after restart every invoice is charged exactly once and recorded once: nothing charged twice, nothing left uncollected', async () => {
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, BILLING_FAULT: `after-gateway-charge:${KILL_AT}` });
    const tenant = await call(first.url, 'POST', '/v1/tenants', ADMIN, { name: 'Collection crash', sandbox: true, businessDate: '2019-02-10' });
    const key = tenant.body.apiKey;
    const tenantId: string = tenant.body.id;
    const plan = { id: 'basic', name: 'Basic', currency: 'USD', billingInterval: { unit: 'month', count: 1 }, services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }] };
    expect((await call(first.url, 'POST', '/v1/plans', key, plan)).status).toBe(201);
    const setUp = async (id: string) => {
      // A complete contact: no reminder timers. The card first, so the assignment's invoice is collected at once.
      expect((await call(first.url, 'POST', '/v1/accounts', key, { id, name: id, currency: 'USD', contact: { email: `${id}@example.com`, phone: '+1 555 0100' } })).status).toBe(201);
      expect((await call(first.url, 'POST', `/v1/accounts/${id}/payment-methods`, key, { id: `${id}-card`, type: 'card', token: 'tok_approve' })).status).toBe(201);
      expect((await call(first.url, 'POST', `/v1/accounts/${id}/plan-instances`, key, { id: `${id}-pi`, planId: 'basic' })).status).toBe(201);
    };
    for (let i = 0; i < ACCOUNTS; i += 10) await Promise.all(ids.slice(i, i + 10).map(setUp));
    await settled(first); // the 60 assignment invoices are collected (passes 1-60), the fault not reached yet
    expect(books(dataDir)).toHaveLength(ACCOUNTS);

    await expect(call(first.url, 'POST', '/v1/clock/advance', key, { to: '2019-03-10' })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    const atKill = books(dataDir);
    const keysAtKill = new Set(atKill.map((c) => c.idempotencyKey));
    // Killed after a completed command: every charge taken so far is recorded in the log too.
    const recordedAtKill = await paymentsRecorded(dataDir, tenantId);
    expect(recordedAtKill).toBeLessThan(atKill.length); // at least the charge the kill followed is not recorded

    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    expect((await call(second.url, 'GET', '/v1/clock', key)).body.businessDate).toBe('2019-03-10');
    // One more day: it answers once everything it caused is done; everything before it in the log was done first.
    expect((await call(second.url, 'POST', '/v1/clock/advance', key, { to: '2019-03-11' })).body).toEqual({ businessDate: '2019-03-11', days: 1 });
    await settled(second);
    await stop(second);

    // The invoices, from the plan instances' streams; the receivables and payments, from each account's ledger.
    const events = createEventStore({ kind: 'sqlite', dataDir });
    const invoices = new Map<string, { accountId: string; invoiceDate: string; total: number }>();
    const ledgers: Array<{ accountId: string; posted: string[]; recorded: Array<{ paymentId: string; amount: number; reference: string | null; applications: unknown }>; failed: number; balance: number }> = [];
    for (const id of ids) {
      const billed = (await events.readStream(planInstanceStream(tenantId, `${id}-pi`))).filter((e) => e.type === 'PlanInstanceBilled');
      const dated = billed.map((e) => (e.data as { invoice: { invoiceId: string; invoiceDate: string; total: number } }).invoice);
      expect(dated.map((inv) => inv.invoiceDate)).toEqual(['2019-02-10', '2019-03-10']);
      for (const inv of dated) invoices.set(inv.invoiceId, { accountId: id, invoiceDate: inv.invoiceDate, total: inv.total });
      const stream = await events.readStream(receivablesStream(tenantId, id));
      ledgers.push({
        accountId: id,
        posted: stream.filter((e) => e.type === 'ReceivablePosted').map((e) => e.data.invoiceId as string),
        recorded: stream.filter((e) => e.type === 'PaymentRecorded').map((e) => e.data as { paymentId: string; amount: number; reference: string | null; applications: unknown }),
        failed: stream.filter((e) => e.type === 'PaymentFailed').length,
        balance: accountBalance(fold(receivablesDecider, stream), '2019-03-11').balance,
      });
    }
    await events.close();
    const charges = books(dataDir);
    const gateway = createSandboxGateway(dataDir);
    const counts = charges.map((c) => gateway.chargeCount(c.idempotencyKey));
    gateway.close();

    // The books: each key taken at most once; each invoice exactly one succeeded charge of its total, no other charge.
    const chargesOf = new Map<string, SandboxCharge[]>();
    for (const charge of charges) {
      const invoiceId = parseCollectionPaymentId(charge.idempotencyKey.slice(`${tenantId}:payment:`.length))?.invoiceId ?? `unknown ${charge.idempotencyKey}`;
      chargesOf.set(invoiceId, [...(chargesOf.get(invoiceId) ?? []), charge]);
    }
    const duplicates = [...chargesOf.values()].filter((list) => list.filter((c) => c.status === 'succeeded').length > 1).length + counts.filter((n) => n > 1).length;
    expect(counts.every((n) => n <= 1)).toBe(true);
    expect(invoices.size).toBe(2 * ACCOUNTS);
    expect([...chargesOf.keys()].sort()).toEqual([...invoices.keys()].sort());
    for (const [invoiceId, invoice] of invoices) {
      expect(chargesOf.get(invoiceId)!.map((c) => [c.idempotencyKey, c.status, c.amount])).toEqual([
        [chargeKey(tenantId, collectionPaymentId(invoiceId, 1)), 'succeeded', invoice.total],
      ]);
    }

    // The log: each invoice posted once and paid by exactly one PaymentRecorded (its own charge), no failure, balance 0.
    const chargeIdOf = new Map(charges.map((c) => [c.idempotencyKey, c.chargeId]));
    for (const ledger of ledgers) {
      const own = [...invoices].filter(([, inv]) => inv.accountId === ledger.accountId).map(([invoiceId, inv]) => ({ invoiceId, ...inv }));
      expect(ledger.posted).toEqual(own.map((inv) => inv.invoiceId));
      expect(ledger.recorded).toEqual(
        own.map((inv) =>
          expect.objectContaining({
            paymentId: collectionPaymentId(inv.invoiceId, 1),
            amount: inv.total,
            reference: chargeIdOf.get(chargeKey(tenantId, collectionPaymentId(inv.invoiceId, 1))),
            applications: [{ invoiceId: inv.invoiceId, amount: inv.total }],
          }),
        ),
      );
      expect([ledger.failed, ledger.balance]).toEqual([0, 0]);
    }

    // The test crossed the crash in the middle of the day's collections: some of its charges before the kill, some after.
    const billRunKeys = [...invoices].filter(([, inv]) => inv.invoiceDate === '2019-03-10').map(([invoiceId]) => chargeKey(tenantId, collectionPaymentId(invoiceId, 1)));
    const before = billRunKeys.filter((k) => keysAtKill.has(k)).length;
    const after = billRunKeys.length - before;
    const repeatedRequests = charges.filter((c) => c.requests > 1).length;
    console.log(
      `collection crash: ${ACCOUNTS} accounts, ${invoices.size} invoices, ${charges.length} charges (${atKill.length} in the books at the kill, ${recordedAtKill} recorded in the log); ` +
        `2019-03-10: ${before} charged before the kill, ${after} after the restart; charged before the kill but recorded after it: ${atKill.length - recordedAtKill}; charge calls repeated: ${repeatedRequests}; duplicates found: ${duplicates}`,
    );
    expect(before).toBeGreaterThanOrEqual(KILL_AT - ACCOUNTS); // at least the charge the kill followed
    expect(recordedAtKill - ACCOUNTS).toBeLessThan(ACCOUNTS); // the day's recordings were cut
    // Charged before the kill and recorded only after the restart (answered from the gateway's books, not charged again).
    expect(atKill.length - recordedAtKill).toBeGreaterThanOrEqual(1);
    expect(duplicates).toBe(0);
  }, 120_000);
});
