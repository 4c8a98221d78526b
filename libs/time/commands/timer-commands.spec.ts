import { HandlerHarness } from '../../../test/support/handler-harness';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { TimedCommand, TimerState, timerStream } from '../domain/timer.decider';
import { CancelTimerCommand, FireTimerCommand, ScheduleTimerCommand } from './timer-commands';

const remind: TimedCommand = { type: 'RemindIncompleteContact', data: { accountId: 'acme' } };

describe('timer commands (handlers, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const stream = (timerId = 'tm1') => timerStream(harness.tenant.id, timerId);
  const scheduled = (timerId = 'tm1', dueDate = '2019-02-17') => ({ stream: stream(timerId), type: 'TimerScheduled', data: { timerId, dueDate, command: remind } });
  const fired = (firedOn: string) => ({ stream: stream(), type: 'TimerFired', data: { timerId: 'tm1', dueDate: '2019-02-17', firedOn } });
  const cancelled = () => ({ stream: stream(), type: 'TimerCancelled', data: { timerId: 'tm1', reason: 'contact completed' } });
  const schedule = (dueDate = '2019-02-17', command = remind, context = harness.context()) =>
    new ScheduleTimerCommand({ timerId: 'tm1', dueDate, command }, context);
  const fire = (today: string, context = harness.context({ businessDate: today })) => new FireTimerCommand({ timerId: 'tm1', today }, context);
  const cancel = (context = harness.context()) => new CancelTimerCommand({ timerId: 'tm1', reason: 'contact completed' }, context);

  /** The command is refused with this error and message, and the log is as it was. */
  const refused = async (command: ScheduleTimerCommand, error: typeof ConflictError | typeof InvalidInputError, message: string) => {
    const head = await harness.events.headPosition();
    const attempt = harness.when(command);
    await expect(attempt).rejects.toThrow(error);
    await expect(attempt).rejects.toThrow(message);
    expect(await harness.events.headPosition()).toBe(head);
  };

  describe('ScheduleTimer', () => {
    it("records the timer on its own stream of the command's tenant and answers its state", async () => {
      const { body, position, events } = await harness.when<TimerState>(schedule());

      expect(events).toEqual([scheduled()]);
      expect(body).toEqual({ status: 'scheduled', dueDate: '2019-02-17', command: remind });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('the same schedule again (another command id) is a repeat: nothing written, the same state', async () => {
      const first = await harness.when<TimerState>(schedule());

      const again = await harness.when<TimerState>(schedule());

      expect(again).toEqual({ body: first.body, position: first.position, events: [] });
    });

    it('refuses another date or command for a timer that exists, writing nothing', async () => {
      await harness.given(scheduled());

      await refused(schedule('2019-02-18'), ConflictError, 'timer tm1 is already scheduled for 2019-02-17');
      await refused(schedule('2019-02-17', { type: 'RemindIncompleteContact', data: { accountId: 'other' } }), ConflictError, 'timer tm1 is already scheduled for 2019-02-17');
    });

    it('refuses another schedule for a timer that already fired or was cancelled', async () => {
      await harness.given(scheduled(), fired('2019-02-17'), scheduled('tm2'), { stream: stream('tm2'), type: 'TimerCancelled', data: { timerId: 'tm2', reason: 'r' } });

      await refused(schedule('2019-03-17'), ConflictError, 'timer tm1 is already fired for 2019-02-17');
      await refused(
        new ScheduleTimerCommand({ timerId: 'tm2', dueDate: '2019-03-17', command: remind }, harness.context()),
        ConflictError,
        'timer tm2 is already cancelled for 2019-02-17',
      );
    });

    it('refuses a timer without a command type, writing nothing', () =>
      refused(schedule('2019-02-17', { type: '', data: {} }), InvalidInputError, 'a timer needs the type of the command it issues'));

    it('the same command id again writes nothing and answers the same state', async () => {
      const context = harness.context();
      const first = await harness.when<TimerState>(schedule('2019-02-17', remind, context));

      const again = await harness.when<TimerState>(schedule('2019-02-17', remind, context));

      expect(again).toEqual({ body: first.body, position: first.position, events: [] });
    });
  });

  describe('FireTimer', () => {
    it('fires a timer on its due date and answers it fired', async () => {
      await harness.given(scheduled());

      const { body, position, events } = await harness.when<TimerState>(fire('2019-02-17'));

      expect(events).toEqual([fired('2019-02-17')]);
      expect(body).toEqual({ status: 'fired', dueDate: '2019-02-17', command: remind });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('fires a timer whose date has passed on the day it is told, keeping its due date', async () => {
      await harness.given(scheduled());

      const { events } = await harness.when(fire('2019-02-20'));

      expect(events).toEqual([fired('2019-02-20')]);
    });

    it('a timer not due yet, already fired, cancelled or never scheduled: nothing written', async () => {
      await harness.given(scheduled());
      const early = await harness.when<TimerState>(fire('2019-02-16'));
      expect(early.events).toEqual([]);
      expect(early.body).toEqual({ status: 'scheduled', dueDate: '2019-02-17', command: remind });

      await harness.when(fire('2019-02-17'));
      const twice = await harness.when<TimerState>(fire('2019-02-18'));
      expect(twice.events).toEqual([]);
      expect(twice.body).toEqual({ status: 'fired', dueDate: '2019-02-17', command: remind });

      await harness.given(scheduled('tm2'), { stream: stream('tm2'), type: 'TimerCancelled', data: { timerId: 'tm2', reason: 'r' } });
      const off = await harness.when<TimerState>(new FireTimerCommand({ timerId: 'tm2', today: '2019-02-18' }, harness.context()));
      expect(off.events).toEqual([]);
      expect(off.body).toEqual({ status: 'cancelled', dueDate: '2019-02-17', command: remind });

      const never = await harness.when<TimerState>(new FireTimerCommand({ timerId: 'nobody', today: '2019-02-18' }, harness.context()));
      expect(never).toEqual({ body: { status: 'none' }, position: 0, events: [] });
    });

    it('the same command id again writes nothing and answers the same state', async () => {
      await harness.given(scheduled());
      const context = harness.context({ businessDate: '2019-02-17' });
      const first = await harness.when<TimerState>(fire('2019-02-17', context));

      const again = await harness.when<TimerState>(fire('2019-02-17', context));

      expect(again).toEqual({ body: first.body, position: first.position, events: [] });
    });
  });

  describe('CancelTimer', () => {
    it('cancels a scheduled timer with its reason and answers it cancelled', async () => {
      await harness.given(scheduled());

      const { body, position, events } = await harness.when<TimerState>(cancel());

      expect(events).toEqual([cancelled()]);
      expect(body).toEqual({ status: 'cancelled', dueDate: '2019-02-17', command: remind });
      expect(position).toBe(await harness.events.headPosition());
    });

    it('a timer that fired, was cancelled or never was: nothing written', async () => {
      await harness.given(scheduled(), fired('2019-02-17'));
      const afterFiring = await harness.when<TimerState>(cancel());
      expect(afterFiring.events).toEqual([]);
      expect(afterFiring.body).toEqual({ status: 'fired', dueDate: '2019-02-17', command: remind });

      await harness.given(scheduled('tm2'));
      await harness.when(new CancelTimerCommand({ timerId: 'tm2', reason: 'first' }, harness.context()));
      const twice = await harness.when<TimerState>(new CancelTimerCommand({ timerId: 'tm2', reason: 'second' }, harness.context()));
      expect(twice.events).toEqual([]);
      expect(twice.body).toEqual({ status: 'cancelled', dueDate: '2019-02-17', command: remind });

      const never = await harness.when<TimerState>(new CancelTimerCommand({ timerId: 'nobody', reason: 'r' }, harness.context()));
      expect(never).toEqual({ body: { status: 'none' }, position: 0, events: [] });
    });

    it('a cancelled timer no longer fires', async () => {
      await harness.given(scheduled(), cancelled());

      const { events } = await harness.when(fire('2019-02-17'));

      expect(events).toEqual([]);
    });

    it('the same command id again writes nothing and answers the same state', async () => {
      await harness.given(scheduled());
      const context = harness.context();
      const first = await harness.when<TimerState>(cancel(context));

      const again = await harness.when<TimerState>(cancel(context));

      expect(again).toEqual({ body: first.body, position: first.position, events: [] });
    });
  });
});
