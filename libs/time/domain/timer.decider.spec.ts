import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { TimerEvent, timerDecider } from './timer.decider';

const spec = specFor(timerDecider);
const command = { type: 'RemindIncompleteContact', data: { accountId: 'a1' } };
const scheduled: TimerEvent = { type: 'TimerScheduled', data: { timerId: 'tm1', dueDate: '2019-02-17', command } };

describe('Timer decider', () => {
  it('schedules a command for a business date', () => {
    spec.given([]).when({ type: 'ScheduleTimer', data: { timerId: 'tm1', dueDate: '2019-02-17', command } }).then([scheduled]);
  });

  it('treats the same schedule again as a repeat, and another schedule for the same timer as a conflict', () => {
    spec.given([scheduled]).when({ type: 'ScheduleTimer', data: { timerId: 'tm1', dueDate: '2019-02-17', command } }).then([]);
    spec.given([scheduled]).when({ type: 'ScheduleTimer', data: { timerId: 'tm1', dueDate: '2019-02-18', command } }).thenThrows(ConflictError);
    spec.given([]).when({ type: 'ScheduleTimer', data: { timerId: 'tm1', dueDate: '2019-02-18', command: { type: '', data: {} } } }).thenThrows(InvalidInputError);
  });

  it('fires on its due date or the first business day after it, once', () => {
    spec.given([scheduled]).when({ type: 'FireTimer', data: { timerId: 'tm1', today: '2019-02-16' } }).then([]);
    spec.given([scheduled]).when({ type: 'FireTimer', data: { timerId: 'tm1', today: '2019-02-17' } }).then([
      { type: 'TimerFired', data: { timerId: 'tm1', dueDate: '2019-02-17', firedOn: '2019-02-17' } },
    ]);
    spec.given([scheduled]).when({ type: 'FireTimer', data: { timerId: 'tm1', today: '2019-02-20' } }).then([
      { type: 'TimerFired', data: { timerId: 'tm1', dueDate: '2019-02-17', firedOn: '2019-02-20' } },
    ]);
    const fired: TimerEvent = { type: 'TimerFired', data: { timerId: 'tm1', dueDate: '2019-02-17', firedOn: '2019-02-17' } };
    spec.given([scheduled, fired]).when({ type: 'FireTimer', data: { timerId: 'tm1', today: '2019-02-18' } }).then([]);
  });

  it('can be cancelled until it fires; a cancelled timer never fires', () => {
    const cancelled: TimerEvent = { type: 'TimerCancelled', data: { timerId: 'tm1', reason: 'contact completed' } };
    spec.given([scheduled]).when({ type: 'CancelTimer', data: { timerId: 'tm1', reason: 'contact completed' } }).then([cancelled]);
    spec.given([scheduled, cancelled]).when({ type: 'FireTimer', data: { timerId: 'tm1', today: '2019-02-17' } }).then([]);
    spec.given([scheduled, cancelled]).when({ type: 'CancelTimer', data: { timerId: 'tm1', reason: 'again' } }).then([]);
    const fired: TimerEvent = { type: 'TimerFired', data: { timerId: 'tm1', dueDate: '2019-02-17', firedOn: '2019-02-17' } };
    spec.given([scheduled, fired]).when({ type: 'CancelTimer', data: { timerId: 'tm1', reason: 'late' } }).then([]);
    spec.given([]).when({ type: 'CancelTimer', data: { timerId: 'tm9', reason: 'never scheduled' } }).then([]);
  });
});
