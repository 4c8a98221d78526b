import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { formatRound, runRound } from '../../scripts/crash-rounds';
import { createReadStore } from '../../libs/platform/read-store';
import { IDEMPOTENCY_COLLECTION, IDEMPOTENCY_KEYS } from '../../libs/platform/http/idempotency.interceptor';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

/**
 * The bounded crash suite (issue 15): a mixed load on the real all-in-one process (accounts, contacts, plans,
 * usage records and batches, clock advances, parents, payers; six requests in flight) killed with SIGKILL at a
 * seeded moment, then restarted on the same folder. Each round checks that every acknowledged write is in the log
 * and the read models, that nothing is half-applied (usage batches whole or absent, assignments with their
 * invoice, every day's bill run finished), that requests cut by the kill complete when sent again with their
 * Idempotency-Key, and that the read models equal a rebuild. `npm run crash` runs more rounds (scripts/crash-suite.ts);
 * a failing seed is replayed there with CRASH_SEED=<seed> CRASH_ROUNDS=1 CRASH_VERBOSE=1.
 */
const SEEDS = [1501, 1502, 1503];

describe('Mixed load killed at a random moment (kill -9), restarted', () => {
  it.each(SEEDS)('seed %i: every acknowledged write is there, nothing is half-applied, cut requests complete on retry', async (seed) => {
    const result = await runRound({ seed, accounts: 10 });
    console.log(formatRound(result));
    // The failures name the seed and the operation (kind, route, Idempotency-Key) that is missing or cut.
    expect(result.failures).toEqual([]);
    expect(result.acknowledged).toBeGreaterThan(0);
    expect(result.writesFound).toBe(result.writesChecked);
    expect(result.retriedCompleted).toBe(result.retried);
  }, 60_000);
});

/**
 * A bug the rounds found (e.g. seeds 12, 14 and 16 of `npm run crash` with CRASH_SEED=11, depending on
 * timing): the process dies after an assignment's events are committed but before its answer is stored for its
 * Idempotency-Key (the answer is stored after the command, in the read store). Sent again with the same key, the
 * assignment is recognised as done (nothing is written twice: good), but the answer says `"invoice": null`, not
 * the invoice the assignment issued, which is in the log and on GET /v1/accounts/{id}/invoices. A client retrying
 * after a timeout was told no invoice was issued. Reproduced deterministically here by removing the stored answer
 * (the state such a kill leaves). Fixed: a repeat answers from the events its command id wrote the first time
 * (DeciderOutcome.written).
 */
describe('An assignment whose stored answer was lost with the process', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'lost-answer-'));
  });
  afterEach(async () => {
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited;
      server = undefined;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('sent again with its Idempotency-Key answers the invoice it issued', async () => {
    const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: 'lost-answer-admin' };
    server = await startServerProcess('all-in-one', env);
    const tenant = await call(server.url, 'POST', '/v1/tenants', env.BILLING_ADMIN_KEY, { name: 'Lost answer', sandbox: true, businessDate: '2019-02-10' });
    const key = tenant.body.apiKey as string;
    const plan = { id: 'basic', name: 'Basic', currency: 'USD', billingInterval: { unit: 'month', count: 1 }, services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }] };
    expect((await call(server.url, 'POST', '/v1/plans', key, plan)).status).toBe(201);
    expect((await call(server.url, 'POST', '/v1/accounts', key, { id: 'a1', name: 'A1', currency: 'USD' })).status).toBe(201);
    const assign = { id: 'a1-basic', planId: 'basic', retroactiveStartDate: '2019-01-20' };
    const first = await call(server.url, 'POST', '/v1/accounts/a1/plan-instances', key, assign, { 'idempotency-key': 'assign-a1' });
    expect(first.status).toBe(201);
    expect(first.body.invoice?.id).toEqual(expect.any(String));
    server.child.kill('SIGTERM');
    await server.exited;
    server = undefined;

    // What a kill between the commit and the stored answer leaves: the events, no answer for the key.
    const store = createReadStore({ kind: 'sqlite', dataDir });
    await store.ensureCollections([IDEMPOTENCY_COLLECTION]);
    const id = createHash('sha256').update('assign-a1', 'utf8').digest('hex');
    expect(await store.get(IDEMPOTENCY_KEYS, tenant.body.id, id)).not.toBeNull();
    await store.apply([{ op: 'delete', collection: IDEMPOTENCY_KEYS, tenantId: tenant.body.id, id, position: 2 }]);
    await store.close();

    server = await startServerProcess('all-in-one', env);
    const again = await call(server.url, 'POST', '/v1/accounts/a1/plan-instances', key, assign, { 'idempotency-key': 'assign-a1' });
    expect(again.status).toBe(201);
    expect((await call(server.url, 'GET', '/v1/accounts/a1/invoices', key)).body.items).toHaveLength(1); // written once
    expect(again.body.invoice?.id).toBe(first.body.invoice.id); // today: null
  }, 60_000);
});
