import { BoundedContext } from '../platform/app/bounded-context';
import { AdvanceClockHandler } from './commands/advance-clock';
import { ClockCommandController } from './commands/clock.command-controller';
import { ClockController } from './queries/clock.query-controller';
import { timersProjection } from './read-model/timers.projection';
import { timersProcessManager } from './process-managers/timers.process-manager';

/** Time: business days (the sandbox clock and production midnights) and durable timers. */
export const timeContext: BoundedContext = {
  name: 'time',
  commandControllers: [ClockCommandController],
  queryControllers: [ClockController],
  commandHandlers: [AdvanceClockHandler],
  projectors: [timersProjection],
  processManagers: [timersProcessManager],
};

export { ProductionScheduler } from './production-scheduler';
export { timerDecider } from './domain/timer.decider';
