import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { clockStream } from '../../libs/business-days/business-days';
import { streamName } from '../../libs/command-pipeline/streams';
import { createEventStore } from '../../libs/event-store';
import { contactReminderTimerId } from '../../process-managers/contact-reminders.process-manager';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'crash-admin-key';
const ACCOUNTS = ['c1', 'c2', 'c3', 'c4', 'c5'];


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
});
