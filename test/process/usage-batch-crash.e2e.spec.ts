import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEventStore } from '../../libs/platform/event-store';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'usage-crash-admin-key';
const ACCOUNTS = Array.from({ length: 30 }, (_, i) => `u${i}`);
/** Accounts per batch: each batch touches its own mix of ten, so its streams wait behind different batches. */
const ACCOUNTS_PER_BATCH = 10;
const BATCHES = 60;
const RECORDS_PER_BATCH = 100;
const IN_FLIGHT = 12;
/** The process is killed when this many batches have been acknowledged, with others in flight. */
const KILL_AFTER_ACKS = 8;

/** Batch b: 100 records over ten of the accounts (ten account-month streams), keys `b<b>-r<i>`. */
function batch(b: number) {
  return Array.from({ length: RECORDS_PER_BATCH }, (_, i) => ({
    accountId: ACCOUNTS[(b * 7 + (i % ACCOUNTS_PER_BATCH) * (b % 2 === 0 ? 1 : 3)) % ACCOUNTS.length],
    serviceId: 'data',
    quantity: '1',
    occurredAt: '2026-11-10',
    idempotencyKey: `b${b}-r${i}`,
  }));
}

async function setUp(server: ServerProcess): Promise<{ id: string; key: string }> {
  const tenant = await call(server.url, 'POST', '/v1/tenants', ADMIN, { name: 'Usage crash', sandbox: true, businessDate: '2026-11-22' });
  const key = tenant.body.apiKey as string;
  const plan = await call(server.url, 'POST', '/v1/plans', key, {
    id: 'metered',
    name: 'Metered',
    currency: 'USD',
    billingInterval: { unit: 'month', count: 1 },
    services: [{ id: 'data', name: 'Data', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.50' } }],
  });
  expect(plan.status).toBe(201);
  for (const id of ACCOUNTS) {
    expect((await call(server.url, 'POST', '/v1/accounts', key, { id, name: id, currency: 'USD' })).status).toBe(201);
    const assigned = await call(server.url, 'POST', `/v1/accounts/${id}/plan-instances`, key, { planId: 'metered', retroactiveStartDate: '2026-11-01' });
    expect(assigned.status).toBe(201);
  }
  return { id: tenant.body.id, key };
}

/** Records of each batch in the log, read straight from the SQLite file after the process is gone. */
async function recordsPerBatch(dataDir: string): Promise<number[]> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const counts = new Array<number>(BATCHES).fill(0);
  for (const event of await events.readAll()) {
    if (event.type !== 'UsageRecorded') continue;
    for (const { idempotencyKey } of event.data.records as { idempotencyKey: string }[]) counts[Number(/^b(\d+)-/.exec(idempotencyKey)![1])]++;
  }
  await events.close();
  return counts;
}

describe('A usage batch over several accounts cut by kill -9 mid-request', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'usage-crash-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('leaves all of its records or none; acknowledged batches are whole; a retry with the same keys completes the rest', async () => {
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    const tenant = await setUp(first);

    // IN_FLIGHT batches at a time over overlapping streams; the process dies with several of them mid-request.
    // Before batches were one transaction, this left batches cut (e.g. 40 or 60 of 100 records) in every run.
    const acknowledged: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < BATCHES) {
        const b = next++;
        try {
          const answer = await call(first.url, 'POST', '/v1/usage/batch', tenant.key, { records: batch(b) });
          if (answer.status === 200) acknowledged.push(b);
          if (acknowledged.length === KILL_AFTER_ACKS) first.child.kill('SIGKILL');
        } catch {
          return; // the connection died with the process
        }
      }
    };
    await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
    expect((await first.exited).signal).toBe('SIGKILL');

    const counts = await recordsPerBatch(dataDir);
    const cut = counts.map((count, b) => ({ b, count })).filter(({ count }) => count !== 0 && count !== RECORDS_PER_BATCH);
    expect(cut).toEqual([]);
    for (const b of acknowledged) expect(counts[b]).toBe(RECORDS_PER_BATCH);

    // After a restart, every batch sent again: each ends whole, the records already there count as duplicates.
    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    try {
      for (let b = 0; b < BATCHES; b++) {
        const answer = await call(second.url, 'POST', '/v1/usage/batch', tenant.key, { records: batch(b) });
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual({ accepted: RECORDS_PER_BATCH - counts[b], duplicates: counts[b] });
      }
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    expect(await recordsPerBatch(dataDir)).toEqual(new Array(BATCHES).fill(RECORDS_PER_BATCH));
  }, 120_000);
});
