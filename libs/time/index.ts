import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { AdvanceClockHandler } from './commands/advance-clock';
import { StartBusinessDayHandler } from './commands/start-business-day';
import { CancelTimerCommand, CancelTimerHandler, FireTimerCommand, FireTimerHandler, ScheduleTimerCommand, ScheduleTimerHandler } from './commands/timer-commands';
import { ClockCommandController } from './commands/clock.command-controller';
import { ClockController } from './queries/clock.query-controller';
import { timersProcessManager } from './process-managers/timers.process-manager';

/** Time: business days (the sandbox clock and production midnights) and durable timers. */
export const timeContext: BoundedContext = {
  name: 'time',
  commandControllers: [ClockCommandController],
  queryControllers: [ClockController],
  commandHandlers: [AdvanceClockHandler, StartBusinessDayHandler, ScheduleTimerHandler, FireTimerHandler, CancelTimerHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [timersProcessManager],
  commands: { ScheduleTimer: ScheduleTimerCommand, FireTimer: FireTimerCommand, CancelTimer: CancelTimerCommand },
};

export { ProductionScheduler } from './production-scheduler';
