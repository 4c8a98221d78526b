import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEventStore } from '../../libs/platform/event-store';
import { createReadStore } from '../../libs/platform/read-store';
import { ProjectorThread } from '../../libs/platform/projection-runner/thread/projector-thread';
import { PROJECTOR_BATCH_SIZE } from '../../libs/platform/projection-runner/projection-consumer';
import { ConsumerRunner } from '../../libs/platform/subscriptions/consumer-runner';
import { allProjectors, allProcessManagers } from '../../apps/contexts';
import { expectSameAsRebuild } from '../support/read-model-hash';
import { startTestApp, TestApp, TestAppOptions } from '../support/test-app';
import { appendDecided } from '../../scripts/bench-support';
import { accountStream, accountDecider } from '../../libs/accounts/domain/account.decider';
import { deterministicUuid } from '../../libs/shared-kernel/ids';

/**
 * The all-in-one process with its projectors on a worker thread (PROJECTORS=thread, what `npm start` and the
 * benchmarks run on SQLite). The thread runs the build in dist/ (`npm test` builds first).
 */
const threaded = (options: TestAppOptions = {}) => startTestApp({ ...options, env: { PROJECTORS: 'thread', ...options.env } });
const plan = {
  id: 'basic',
  name: 'Basic',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};
const projectorNames = allProjectors.map((p) => p.name);
const managerNames = allProcessManagers.map((p) => p.name);

/** A sandbox tenant on 2019-02-10 with `accounts` accounts, each on the monthly plan from 2019-02-02; their ids and the key. */
async function billedTenant(t: TestApp, accounts: number) {
  const { apiKey, id: tenantId } = await t.createTenant({ name: 'Threaded', sandbox: true, businessDate: '2019-02-10' });
  expect((await t.request('POST', '/v1/plans', { key: apiKey, body: plan })).status).toBe(201);
  const instances: Array<{ accountId: string; planInstanceId: string; invoiceId: string }> = [];
  for (let n = 0; n < accounts; n++) {
    const accountId = `acc-${n}`;
    expect((await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: accountId, name: accountId, currency: 'USD' } })).status).toBe(201);
    const assigned = await t.request('POST', `/v1/accounts/${accountId}/plan-instances`, { key: apiKey, body: { planId: 'basic', retroactiveStartDate: '2019-02-02' } });
    expect(assigned.status).toBe(201);
    instances.push({ accountId, planInstanceId: assigned.body.planInstanceId, invoiceId: assigned.body.invoice.id });
  }
  return { apiKey, tenantId, instances };
}

/** `count` accounts created straight in the log, as the accounts decider decides them (no HTTP: fast). */
async function appendAccounts(dataDir: string, tenantId: string, count: number): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const appends: Array<Promise<unknown>> = [];
  for (let i = 0; i < count; i++) {
    const accountId = `bulk-${i}`;
    const commandId = deterministicUuid(tenantId, 'projector-thread-spec', accountId);
    const context = { tenantId, actor: 'test', correlationId: commandId, causationId: commandId, commandId, businessDate: '2019-02-10' };
    const command = { type: 'CreateAccount' as const, data: { accountId, name: accountId, currency: 'USD', contact: { email: `${accountId}@example.com`, phone: '+1 555 0100' }, createdOn: '2019-02-10' } };
    appends.push(appendDecided(events, accountDecider, accountStream(tenantId, accountId), command, context));
  }
  await Promise.all(appends);
  await events.close();
}

async function checkpointsIn(dataDir: string): Promise<{ head: number; checkpoints: Record<string, number> }> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  const checkpoints: Record<string, number> = {};
  for (const name of projectorNames) checkpoints[name] = (await store.getCheckpoint(name)) ?? 0;
  const head = await events.headPosition();
  await events.close();
  await store.close();
  return { head, checkpoints };
}

describe('Projectors on a worker thread (all-in-one on SQLite)', () => {
  it('runs the projectors in the thread and the process managers on the main thread', async () => {
    const t = await threaded();
    try {
      expect(t.app.get(ProjectorThread).names).toEqual(projectorNames);
      expect(t.app.get(ConsumerRunner).names).toEqual(managerNames);
    } finally {
      await t.close();
    }
    const inline = await startTestApp();
    try {
      expect(inline.app.get(ProjectorThread, { strict: false })).toBeNull();
      expect(inline.app.get(ConsumerRunner).names).toEqual([...projectorNames, ...managerNames]);
    } finally {
      await inline.close();
    }
  });

  it('bills over HTTP: each command answers after its read models (read your writes), the clock after every consumer; /health lists them all', async () => {
    const t = await threaded();
    try {
      const { apiKey: key, instances } = await billedTenant(t, 3);
      for (const { accountId, planInstanceId, invoiceId } of instances) {
        // Read right after the command answered: no wait, no retry.
        const instance = await t.request('GET', `/v1/plan-instances/${planInstanceId}`, { key });
        expect(instance.body).toMatchObject({ accountId, planId: 'basic', status: 'active', nextBillDate: '2019-03-02' });
        const invoice = await t.request('GET', `/v1/invoices/${invoiceId}`, { key });
        expect(invoice.status).toBe(200);
        expect(invoice.body).toMatchObject({ accountId, invoiceDate: '2019-02-10', total: 10000 });
      }
      const advanced = await t.request('POST', '/v1/clock/advance', { key, body: { to: '2019-04-02' } });
      expect(advanced.body).toEqual({ businessDate: '2019-04-02', days: 51 });
      // The bill run's invoices are readable as soon as the advance answered.
      const invoices = await t.request('GET', '/v1/accounts/acc-0/invoices?limit=100', { key });
      expect(invoices.body.items.map((i: any) => [i.invoiceDate, i.total])).toEqual([
        ['2019-04-02', 10000],
        ['2019-03-02', 10000],
        ['2019-02-10', 10000],
      ]);
      const numbers: number[] = [];
      for (const { accountId } of instances) {
        numbers.push(...(await t.request('GET', `/v1/accounts/${accountId}/invoices?limit=100`, { key })).body.items.map((i: any) => i.number));
      }
      expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 9 }, (_, i) => i + 1));

      const head = await t.settledHead();
      const health = await t.request('GET', '/health');
      expect(health.status).toBe(200);
      expect(Object.keys(health.body.projections)).toEqual(projectorNames);
      expect(Object.keys(health.body.processManagers)).toEqual(managerNames);
      expect([...Object.values(health.body.projections), ...Object.values(health.body.processManagers)]).toEqual(
        Array(projectorNames.length + managerNames.length).fill(head),
      );
    } finally {
      await t.close();
    }
  });

  it('stops mid-stream and starts again: what it reported is what is durable, nothing lost, same documents as a rebuild', async () => {
    // A log made over HTTP, its file alone copied to a fresh folder, and three batches of accounts appended straight
    // to it: the thread starts from 0 and is stopped at once, while it catches up (at most a batch past where it was).
    const source = await threaded();
    const { tenantId } = await billedTenant(source, 3);
    await source.close({ keepData: true });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'projector-thread-'));
    try {
      copyFileSync(path.join(source.dataDir, 'events.sqlite'), path.join(dataDir, 'events.sqlite'));
      await appendAccounts(dataDir, tenantId, 3 * PROJECTOR_BATCH_SIZE);

      const first = await threaded({ dataDir });
      const thread = first.app.get(ProjectorThread);
      await first.close({ keepData: true });
      const stopped = await checkpointsIn(dataDir);
      expect(stopped.checkpoints).toEqual(thread.positions()); // reported only what committed, and all of it
      expect(Math.min(...Object.values(stopped.checkpoints))).toBeLessThan(stopped.head);

      const again = await threaded({ dataDir });
      const head = await again.settledHead();
      const atHead = Object.fromEntries(projectorNames.map((name) => [name, head]));
      expect(again.app.get(ProjectorThread).positions()).toEqual(atHead);
      await again.close({ keepData: true });
      expect((await checkpointsIn(dataDir)).checkpoints).toEqual(atHead);

      await expectSameAsRebuild(dataDir, async (_store, live) => {
        expect(live.documents).toBeGreaterThan(2 * 4_000); // an account and a hierarchy node per account, and more
      });
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
      rmSync(source.dataDir, { recursive: true, force: true });
    }
  });

  it('a projector that throws in the thread is retried from its checkpoint, as inline: commands still read their writes', async () => {
    // The 3rd batch of the thread's projectors throws once (BILLING_FAULT, crash tests only).
    const t = await threaded({ env: { BILLING_FAULT: 'projector-throws:3' } });
    try {
      const { apiKey: key, instances } = await billedTenant(t, 2);
      for (const { planInstanceId, invoiceId } of instances) {
        expect((await t.request('GET', `/v1/plan-instances/${planInstanceId}`, { key })).status).toBe(200);
        expect((await t.request('GET', `/v1/invoices/${invoiceId}`, { key })).status).toBe(200);
      }
      const head = await t.settledHead();
      expect(Object.values((await t.request('GET', '/health')).body.projections)).toEqual(Array(projectorNames.length).fill(head));
      expect(t.app.get(ProjectorThread).stats.failedBatches).toBe(1);
    } finally {
      await t.close({ keepData: true });
    }
    // Same documents as a rebuild from the log would give.
    try {
      await expectSameAsRebuild(t.dataDir);
    } finally {
      rmSync(t.dataDir, { recursive: true, force: true });
    }
  });
});
