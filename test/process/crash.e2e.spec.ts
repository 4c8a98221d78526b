import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clockStream } from '../../libs/time/domain/business-clock.decider';
import { streamName } from '../../libs/shared-kernel/streams';
import { createEventStore } from '../../libs/platform/event-store';
import { contactReminderTimerId } from '../../libs/accounts/process-managers/contact-reminders.process-manager';
import { planInstanceStream } from '../../libs/plan-instances/domain/plan-instance.decider';
import { COMMAND_CHUNK_SIZE } from '../../libs/platform/process-manager-runtime/process-manager-consumer';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'crash-admin-key';
const ACCOUNTS = ['c1', 'c2', 'c3', 'c4', 'c5'];
/**
 * Plan instances of the bill-run crash: more than one chunk of the bill run (a whole chunk is in flight and shares
 * one group commit), so the crash leaves some unbilled.
 */
const INSTANCES = COMMAND_CHUNK_SIZE + 100;


/** A sandbox tenant at 2019-02-10 with five accounts missing a phone: five timers due 2019-02-17. */
async function tenantWithDueTimers(server: ServerProcess): Promise<{ id: string; key: string }> {
  const tenant = await call(server.url, 'POST', '/v1/tenants', ADMIN, { name: 'Crash', sandbox: true, businessDate: '2019-02-10' });
  for (const id of ACCOUNTS) {
    const created = await call(server.url, 'POST', '/v1/accounts', tenant.body.apiKey, { id, name: id, currency: 'USD', email: `${id}@example.com` });
    expect(created.status).toBe(201);
  }
  return { id: tenant.body.id, key: tenant.body.apiKey };
}

/** What the log says happened, read straight from the SQLite file after the processes are gone. */
async function outcome(dataDir: string, tenantId: string) {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const days = (await events.readStream(clockStream(tenantId))).map((e) => e.data.date);
  const perAccount: Record<string, { reminders: string[]; timer: string[] }> = {};
  for (const id of ACCOUNTS) {
    const account = await events.readStream(streamName('account', tenantId, id));
    const timer = await events.readStream(streamName('timer', tenantId, contactReminderTimerId(id)));
    perAccount[id] = {
      reminders: account.filter((e) => e.type === 'AccountContactReminderSent').map((e) => `sent ${e.data.sentOn}`),
      timer: timer.map((e) => (e.type === 'TimerFired' ? `TimerFired ${e.data.firedOn}` : e.type)),
    };
  }
  await events.close();
  return { days, perAccount };
}

/** How many of the plan instances have an invoice dated `date` in their stream. */
async function billedOn(dataDir: string, tenantId: string, instances: string[], date: string): Promise<number> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  let count = 0;
  for (const id of instances) {
    const stream = await events.readStream(planInstanceStream(tenantId, id));
    if (stream.some((e) => e.type === 'PlanInstanceBilled' && (e.data as { invoice: { invoiceDate: string } | null }).invoice?.invoiceDate === date)) count++;
  }
  await events.close();
  return count;
}

/** Each timer fired once, on its due day, and its reminder was sent once, that day. */
const firedOnceOnTheDueDay = Object.fromEntries(
  ACCOUNTS.map((id) => [id, { reminders: ['sent 2019-02-17'], timer: ['TimerScheduled', 'TimerFired 2019-02-17'] }]),
);
const daysFrom11To = (last: number) => Array.from({ length: last - 10 }, (_, i) => `2019-02-${String(11 + i).padStart(2, '0')}`);

async function stop(server: ServerProcess) {
  server.child.kill('SIGTERM');
  await server.exited;
}

describe('Crashes (kill -9 of the real process) lose and repeat nothing', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'crash-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('between a timer command and the checkpoint: after restart each timer fired once and each command took effect once', async () => {
    // Passes 1-5: the five ScheduleTimer commands. On 2019-02-17 the timers fire side by side (one lane each:
    // reminder, then FireTimer); the third command to complete that day kills the process.
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, BILLING_FAULT: 'after-process-manager-command:8' });
    // The default on SQLite: projectors in their worker thread, killed with the process.
    expect(first.output()).toContain('projectors running in a worker thread');
    const tenant = await tenantWithDueTimers(first);
    await expect(call(first.url, 'POST', '/v1/clock/advance', tenant.key, { to: '2019-02-17' })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    const atCrash = await outcome(dataDir, tenant.id);
    // Killed between a command and its checkpoint: some reminders are sent whose timers are not marked fired.
    const states = Object.values(atCrash.perAccount);
    const sent = states.filter((a) => a.reminders.length === 1).length;
    const fired = states.filter((a) => a.timer.length === 2).length;
    expect(fired).toBeLessThan(ACCOUNTS.length);
    expect(sent).toBeGreaterThan(fired);

    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    const resumed = await call(second.url, 'POST', '/v1/clock/advance', tenant.key, { to: '2019-02-17' });
    expect([resumed.status, resumed.body]).toEqual([200, { businessDate: '2019-02-17', days: 0 }]);
    // The restarted process finished day 2019-02-17 itself, before any later day started.
    expect((await outcome(dataDir, tenant.id)).perAccount).toEqual(firedOnceOnTheDueDay);
    expect((await call(second.url, 'POST', '/v1/clock/advance', tenant.key, { to: '2019-03-01' })).body.days).toBe(12);
    await stop(second);

    const after = await outcome(dataDir, tenant.id);
    expect(after.perAccount).toEqual(firedOnceOnTheDueDay);
    expect(after.days).toEqual([...daysFrom11To(28), '2019-03-01']);
  }, 60_000);

  it('in the middle of an advance: resuming starts each remaining day once, in order, and fires each timer once', async () => {
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, BILLING_FAULT: 'after-business-day:3' });
    const tenant = await tenantWithDueTimers(first);
    await expect(call(first.url, 'POST', '/v1/clock/advance', tenant.key, { to: '2019-02-20' })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    expect((await outcome(dataDir, tenant.id)).days).toEqual(daysFrom11To(13)); // killed right after day 3 started

    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    expect((await call(second.url, 'GET', '/v1/clock', tenant.key)).body.businessDate).toBe('2019-02-13');
    const resumed = await call(second.url, 'POST', '/v1/clock/advance', tenant.key, { to: '2019-02-20' });
    expect([resumed.status, resumed.body]).toEqual([200, { businessDate: '2019-02-20', days: 7 }]);
    await stop(second);

    const after = await outcome(dataDir, tenant.id);
    expect(after.days).toEqual(daysFrom11To(20));
    expect(after.perAccount).toEqual(firedOnceOnTheDueDay);
  }, 60_000);

  it('in the middle of a bill run: after restart every plan instance is invoiced once per period, numbers stay gap-free', async () => {
    // 1,100 instances due on 2019-03-10, chunks of 1,000 all in flight: the 7th bill-run command to complete
    // kills the process, with some instances billed and others not yet (other process managers' commands, such as
    // the receivables each invoice posts, are not counted).
    const first = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN, BILLING_FAULT: 'after-command-of-bill-run:7' });
    const tenant = await call(first.url, 'POST', '/v1/tenants', ADMIN, { name: 'Bill run crash', sandbox: true, businessDate: '2019-02-10' });
    const key = tenant.body.apiKey;
    const plan = { id: 'basic', name: 'Basic', currency: 'USD', billingInterval: { unit: 'month', count: 1 }, services: [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }] };
    expect((await call(first.url, 'POST', '/v1/plans', key, plan)).status).toBe(201);
    const instances: string[] = [];
    const assign = async (i: number) => {
      // A complete contact: no reminder timers, so every process-manager command of the day is the bill run's.
      await call(first.url, 'POST', '/v1/accounts', key, { id: `b${i}`, name: `b${i}`, currency: 'USD', contact: { email: `b${i}@example.com`, phone: '+1 555 0100' } });
      instances[i] = (await call(first.url, 'POST', `/v1/accounts/b${i}/plan-instances`, key, { planId: 'basic' })).body.planInstanceId;
    };
    for (let i = 0; i < INSTANCES; i += 20) await Promise.all(Array.from({ length: Math.min(20, INSTANCES - i) }, (_, j) => assign(i + j)));
    await expect(call(first.url, 'POST', '/v1/clock/advance', key, { to: '2019-03-10' })).rejects.toThrow();
    expect((await first.exited).signal).toBe('SIGKILL');
    const billedAtCrash = await billedOn(dataDir, tenant.body.id, instances, '2019-03-10');
    expect(billedAtCrash).toBeGreaterThanOrEqual(7); // at least the commands that completed; the checkpoint did not move
    expect(billedAtCrash).toBeLessThan(INSTANCES);

    const second = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    expect((await call(second.url, 'POST', '/v1/clock/advance', key, { to: '2019-04-10' })).status).toBe(200);
    const numbers: number[] = [];
    for (let i = 0; i < INSTANCES; i += 20) {
      const pages = await Promise.all(Array.from({ length: Math.min(20, INSTANCES - i) }, (_, j) => call(second.url, 'GET', `/v1/accounts/b${i + j}/invoices`, key)));
      for (const page of pages) numbers.push(...page.body.items.map((inv: { number: number }) => inv.number));
    }
    await stop(second);

    const events = createEventStore({ kind: 'sqlite', dataDir });
    for (const id of instances) {
      const billed = (await events.readStream(planInstanceStream(tenant.body.id, id))).filter((e) => e.type === 'PlanInstanceBilled');
      expect(billed.map((e) => (e.data as { invoice: { invoiceDate: string } }).invoice.invoiceDate)).toEqual(['2019-02-10', '2019-03-10', '2019-04-10']);
    }
    await events.close();
    expect(numbers.sort((a, b) => a - b)).toEqual(Array.from({ length: 3 * INSTANCES }, (_, i) => i + 1));
  }, 240_000);
});
