import { HandlerHarness } from '../../../test/support/handler-harness';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { CancelTimerCommand, FireTimerCommand, ScheduleTimerCommand } from '../commands/timer-commands';
import { clockStream } from '../domain/business-clock.decider';
import { timerStream } from '../domain/timer.decider';
import { timersProcessManager } from './timers.process-manager';

const remind = (accountId: string) => ({ type: 'RemindIncompleteContact', data: { accountId } });

describe('timers process manager (timer-firing)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const schedule = (timerId: string, dueDate: string, tenantId = harness.tenant.id) =>
    harness.when(new ScheduleTimerCommand({ timerId, dueDate, command: remind(timerId) }, harness.context({ tenantId })));
  /** Records the day's BusinessDayStarted and answers it as the process manager receives it. */
  const dayStarts = async (date: string, tenantId = harness.tenant.id): Promise<RecordedEvent> => {
    await harness.given({ stream: clockStream(tenantId), type: 'BusinessDayStarted', data: { tenantId, date } });
    const log = await harness.log();
    return log[log.length - 1];
  };
  /** What a due timer issues: its command, then FireTimer, both keyed by the timer and in the timer's lane. */
  const firing = (timerId: string, date: string) => [
    { ...remind(timerId), key: `timer:${timerId}:command`, businessDate: date, lane: timerId },
    { type: 'FireTimer', data: { timerId, today: date }, key: `timer:${timerId}:fired`, businessDate: date, lane: timerId },
  ];

  it('reacts to business days only', () => {
    expect(timersProcessManager.eventTypes).toEqual(['BusinessDayStarted']);
  });

  it('issues the command of every timer due that day or earlier, then marks it fired, earliest first', async () => {
    await schedule('on-the-day', '2019-02-17');
    await schedule('overdue', '2019-02-12');
    await schedule('tomorrow', '2019-02-18');

    const commands = await harness.react(timersProcessManager, await dayStarts('2019-02-17'));

    expect(commands).toEqual([...firing('overdue', '2019-02-17'), ...firing('on-the-day', '2019-02-17')]);
  });

  it('issues nothing for timers that fired or were cancelled', async () => {
    await schedule('fired', '2019-02-11');
    await schedule('cancelled', '2019-02-11');
    await schedule('due', '2019-02-11');
    await harness.when(new FireTimerCommand({ timerId: 'fired', today: '2019-02-11' }, harness.context()));
    await harness.when(new CancelTimerCommand({ timerId: 'cancelled', reason: 'contact completed' }, harness.context()));

    const commands = await harness.react(timersProcessManager, await dayStarts('2019-02-11'));

    expect(commands).toEqual(firing('due', '2019-02-11'));
  });

  it('issues nothing on a day no timer is due', async () => {
    await schedule('later', '2019-03-01');

    expect(await harness.react(timersProcessManager, await dayStarts('2019-02-11'))).toEqual([]);
  });

  it('issues only the timers of the tenant whose day started', async () => {
    await schedule('mine', '2019-02-11');
    await schedule('theirs', '2019-02-11', 'tenother');

    const commands = await harness.react(timersProcessManager, await dayStarts('2019-02-11'));

    expect(commands).toEqual(firing('mine', '2019-02-11'));
  });

  it('once its FireTimer has run, the timer is not issued again, on that day or later', async () => {
    await schedule('once', '2019-02-11');
    const day = await dayStarts('2019-02-11');
    const [, fire] = await harness.react(timersProcessManager, day);

    const { events } = await harness.when(new FireTimerCommand(fire.data as FireTimerCommand['data'], harness.context({ businessDate: '2019-02-11' })));

    expect(events).toEqual([
      { stream: timerStream(harness.tenant.id, 'once'), type: 'TimerFired', data: { timerId: 'once', dueDate: '2019-02-11', firedOn: '2019-02-11' } },
    ]);
    expect(await harness.react(timersProcessManager, day)).toEqual([]);
    expect(await harness.react(timersProcessManager, await dayStarts('2019-02-12'))).toEqual([]);
  });

  it('reads every due timer, beyond one page of the read model', async () => {
    const ids = Array.from({ length: 501 }, (_, index) => `t${String(index).padStart(3, '0')}`);
    await harness.given(
      ...ids.map((timerId) => ({ stream: timerStream(harness.tenant.id, timerId), type: 'TimerScheduled', data: { timerId, dueDate: '2019-02-11', command: remind(timerId) } })),
    );

    const commands = await harness.react(timersProcessManager, await dayStarts('2019-02-11'));

    // One due date for all: the page boundary falls between timers of the same date (ordered by id).
    expect(commands).toEqual(ids.flatMap((timerId) => firing(timerId, '2019-02-11')));
  });
});
