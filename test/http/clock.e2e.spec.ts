import { clockStream } from '../../libs/time/domain/business-clock.decider';
import { ProductionScheduler } from '../../libs/time/production-scheduler';
import { streamName } from '../../libs/shared-kernel/streams';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { contactReminderTimerId } from '../../libs/accounts/process-managers/contact-reminders.process-manager';
import { startTestApp, TestApp } from '../support/test-app';

describe('Sandbox clock and business days over HTTP', () => {
  let t: TestApp;
  let log: EventStore;
  beforeAll(async () => {
    t = await startTestApp({ now: '2026-11-22T10:00:00Z' });
    log = t.app.get(EVENT_STORE);
  });
  afterAll(() => t.close());

  const sandbox = (name: string, businessDate = '2019-02-10') => t.createTenant({ name, sandbox: true, businessDate });
  const daysOf = async (tenantId: string) => (await log.readStream(clockStream(tenantId))).map((e) => e.data.date);

  it('advances day by day: one business-day event per day, in order, then answers with the new date', async () => {
    const { apiKey, id } = await sandbox('Days');
    const advanced = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-15' } });
    expect(advanced.status).toBe(200);
    expect(advanced.body).toEqual({ businessDate: '2019-02-15', days: 5 });
    expect(await daysOf(id)).toEqual(['2019-02-11', '2019-02-12', '2019-02-13', '2019-02-14', '2019-02-15']);
    const events = await log.readStream(clockStream(id));
    expect(events.map((e) => e.type)).toEqual(Array(5).fill('BusinessDayStarted'));
    expect(events.map((e) => e.metadata.businessDate)).toEqual(await daysOf(id));
    expect((await t.request('GET', '/v1/clock', { key: apiKey })).body).toEqual({ businessDate: '2019-02-15', sandbox: true, timeZone: 'UTC' });

    // Again to the same date: nothing to do. Across a leap day and a year end: every calendar day.
    expect((await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-15' } })).body).toEqual({ businessDate: '2019-02-15', days: 0 });
    const leap = await sandbox('Leap', '2023-12-30');
    expect((await t.request('POST', '/v1/clock/advance', { key: leap.apiKey, body: { to: '2024-03-01' } })).body.days).toBe(62);
    expect((await daysOf(leap.id)).slice(0, 3)).toEqual(['2023-12-31', '2024-01-01', '2024-01-02']);
    expect(await daysOf(leap.id)).toContain('2024-02-29');
  });

  it('parallel advances to one date start each day once and share the days out: their counts add up to the days passed', async () => {
    const { apiKey, id } = await sandbox('Parallel');
    const answers = await Promise.all(Array.from({ length: 6 }, () => t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-03-12' } })));
    expect(answers.map((answer) => answer.status)).toEqual(Array(6).fill(200));
    expect(answers.every((answer) => answer.body.businessDate === '2019-03-12')).toBe(true);
    expect(answers.reduce((total, answer) => total + answer.body.days, 0)).toBe(30);
    expect(await daysOf(id)).toHaveLength(30);
  });

  it('refuses what cannot be done, writing nothing', async () => {
    const { apiKey, id } = await sandbox('Refusals');
    await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-12' } });
    const production = await t.createTenant({ name: 'Production' });
    const before = await t.settledHead();
    const back = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-11' } });
    expect(back.status).toBe(422);
    expect(back.body.details[0]).toMatchObject({ field: 'to', rule: 'notBeforeBusinessDate' });
    expect(back.body.message).toContain('2019-02-12');
    for (const to of ['2019-02-30', '12/03/2019', '', undefined]) {
      const bad = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to } });
      expect(bad.status).toBe(400);
      expect(bad.body.details.map((d: any) => d.field)).toContain('to');
    }
    const tooFar = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2040-01-01' } });
    expect(tooFar.status).toBe(400);
    expect(tooFar.body.details[0]).toMatchObject({ field: 'to', rule: 'maxDays' });
    const refused = await t.request('POST', '/v1/clock/advance', { key: production.apiKey, body: { to: '2030-01-01' } });
    expect(refused.status).toBe(422);
    expect(refused.body.details[0]).toMatchObject({ field: 'to', rule: 'sandboxOnly' });
    expect(await t.settledHead()).toBe(before);
    expect(await daysOf(id)).toEqual(['2019-02-11', '2019-02-12']);
  });

  it("never moves another tenant's clock", async () => {
    const a = await sandbox('A');
    const b = await sandbox('B');
    await t.request('POST', '/v1/clock/advance', { key: a.apiKey, body: { to: '2019-03-10' } });
    expect((await t.request('GET', '/v1/clock', { key: b.apiKey })).body.businessDate).toBe('2019-02-10');
    expect(await daysOf(b.id)).toEqual([]);
    const all = await log.readAll();
    expect(all.filter((e) => e.type === 'BusinessDayStarted' && e.data.tenantId === b.id)).toEqual([]);
  });

  describe('durable timers through the demonstration rule: contact reminders', () => {
    const remindersOf = async (tenantId: string, accountId: string) =>
      (await log.readStream(streamName('account', tenantId, accountId))).filter((e) => e.type === 'AccountContactReminderSent');
    const timerEvents = async (tenantId: string, accountId: string) =>
      (await log.readStream(streamName('timer', tenantId, contactReminderTimerId(accountId)))).map((e) => e.type);

    it('reminds on the due day, once; a completed contact cancels the timer; a complete one never had one', async () => {
      const { apiKey, id } = await sandbox('Reminders');
      for (const [accountId, contact] of [
        ['incomplete', { email: 'a@example.com' }],
        ['completed-later', { email: 'b@example.com' }],
        ['complete', { email: 'c@example.com', phone: '+1 555 0100' }],
      ] as const) {
        expect((await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: accountId, name: accountId, currency: 'USD', contact } })).status).toBe(201);
      }
      await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-12' } });
      expect((await t.request('PATCH', '/v1/accounts/completed-later/contact', { key: apiKey, body: { phone: '+1 555 0199' } })).status).toBe(200);

      await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-16' } });
      expect(await remindersOf(id, 'incomplete')).toEqual([]);

      const dueDay = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-02-17' } });
      expect(dueDay.body).toEqual({ businessDate: '2019-02-17', days: 1 });
      // The advance answered after the day settled: the reminder is already there.
      const reminders = await remindersOf(id, 'incomplete');
      expect(reminders.map((e) => e.data)).toEqual([{ accountId: 'incomplete', missing: ['phone'], sentOn: '2019-02-17' }]);
      expect(reminders[0].metadata).toMatchObject({ businessDate: '2019-02-17', actor: 'process-manager:timer-firing' });
      expect(await timerEvents(id, 'incomplete')).toEqual(['TimerScheduled', 'TimerFired']);
      expect(await timerEvents(id, 'completed-later')).toEqual(['TimerScheduled', 'TimerCancelled']);
      expect(await timerEvents(id, 'complete')).toEqual([]);
      expect(await remindersOf(id, 'completed-later')).toEqual([]);

      await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-04-01' } });
      expect(await remindersOf(id, 'incomplete')).toHaveLength(1);
      expect(await timerEvents(id, 'incomplete')).toEqual(['TimerScheduled', 'TimerFired']);
    });

    it('fires on its own due day when one advance crosses many days', async () => {
      const { apiKey, id } = await sandbox('Long advance');
      await t.request('POST', '/v1/accounts', { key: apiKey, body: { id: 'acc', name: 'A', currency: 'USD' } });
      const advanced = await t.request('POST', '/v1/clock/advance', { key: apiKey, body: { to: '2019-06-30' } });
      expect(advanced.body.days).toBe(140);
      const [reminder] = await remindersOf(id, 'acc');
      expect(reminder.data).toEqual({ accountId: 'acc', missing: ['email', 'phone'], sentOn: '2019-02-17' });
      const fired = (await log.readStream(streamName('timer', id, contactReminderTimerId('acc')))).find((e) => e.type === 'TimerFired')!;
      expect(fired.data).toEqual({ timerId: contactReminderTimerId('acc'), dueDate: '2019-02-17', firedOn: '2019-02-17' });
      // Day 2019-02-17's effects all precede the next day's event in the log: each day settled before the next.
      const nextDay = (await log.readStream(clockStream(id))).find((e) => e.data.date === '2019-02-18')!;
      expect(reminder.position).toBeLessThan(nextDay.position);
    });
  });
});

describe('Production business days', () => {
  it("start after each local midnight, catching up every missed day in order, once", async () => {
    const t = await startTestApp({ now: '2026-11-22T10:00:00Z' });
    const log = t.app.get<EventStore>(EVENT_STORE);
    const scheduler = t.app.get(ProductionScheduler);
    const honolulu = await t.createTenant({ name: 'Honolulu', timeZone: 'Pacific/Honolulu' }); // UTC-10: created on 2026-11-22
    expect(honolulu.body.createdOn).toBe('2026-11-22');
    expect(await scheduler.tick()).toBe(0);

    // Down across three local midnights: at start (a tick), the missed days come in order.
    t.clock.set(new Date('2026-11-26T09:59:00Z')); // 2026-11-25 23:59 in Honolulu
    expect(await scheduler.tick()).toBe(3);
    const days = (await log.readStream(clockStream(honolulu.id))).map((e) => e.data.date);
    expect(days).toEqual(['2026-11-23', '2026-11-24', '2026-11-25']);
    expect(await scheduler.tick()).toBe(0);
    t.clock.set(new Date('2026-11-26T10:00:30Z')); // just after midnight in Honolulu
    expect(await scheduler.tick()).toBe(1);
    // Two schedulers at once (two workers) still start each day once.
    t.clock.set(new Date('2026-11-28T10:00:30Z'));
    const [a, b] = await Promise.all([scheduler.tick(), scheduler.tick()]);
    expect(a + b).toBeGreaterThanOrEqual(2);
    expect((await log.readStream(clockStream(honolulu.id))).map((e) => e.data.date)).toEqual([
      '2026-11-23', '2026-11-24', '2026-11-25', '2026-11-26', '2026-11-27', '2026-11-28',
    ]);
    // Sandboxes are not ticked by the system clock.
    const sandbox = await t.createTenant({ name: 'Sandbox', sandbox: true, businessDate: '2019-02-10' });
    await scheduler.tick();
    expect(await log.readStream(clockStream(sandbox.id))).toEqual([]);
    await t.close();
  });
});
