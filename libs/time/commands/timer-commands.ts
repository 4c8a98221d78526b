import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { TimerCommand, timerDecider, TimerState, timerStream } from '../domain/timer.decider';

/** Process managers schedule and cancel timers; the timer-firing process manager fires them. */
export class ScheduleTimerCommand extends Command<Extract<TimerCommand, { type: 'ScheduleTimer' }>['data']> {}
export class FireTimerCommand extends Command<Extract<TimerCommand, { type: 'FireTimer' }>['data']> {}
export class CancelTimerCommand extends Command<Extract<TimerCommand, { type: 'CancelTimer' }>['data']> {}

type TimerCommandClass = ScheduleTimerCommand | FireTimerCommand | CancelTimerCommand;

async function runTimer(runner: DeciderRunner, command: TimerCommand, { context }: TimerCommandClass): Promise<CommandOutcome<TimerState>> {
  const outcome = await runner.run(timerDecider, timerStream(context.tenantId, command.data.timerId), command, context);
  return { body: outcome.state, position: outcome.position };
}

@CommandHandler(ScheduleTimerCommand)
export class ScheduleTimerHandler implements ICommandHandler<ScheduleTimerCommand, CommandOutcome<TimerState>> {
  constructor(private readonly runner: DeciderRunner) {}

  execute(command: ScheduleTimerCommand): Promise<CommandOutcome<TimerState>> {
    return runTimer(this.runner, { type: 'ScheduleTimer', data: command.data }, command);
  }
}

@CommandHandler(FireTimerCommand)
export class FireTimerHandler implements ICommandHandler<FireTimerCommand, CommandOutcome<TimerState>> {
  constructor(private readonly runner: DeciderRunner) {}

  execute(command: FireTimerCommand): Promise<CommandOutcome<TimerState>> {
    return runTimer(this.runner, { type: 'FireTimer', data: command.data }, command);
  }
}

@CommandHandler(CancelTimerCommand)
export class CancelTimerHandler implements ICommandHandler<CancelTimerCommand, CommandOutcome<TimerState>> {
  constructor(private readonly runner: DeciderRunner) {}

  execute(command: CancelTimerCommand): Promise<CommandOutcome<TimerState>> {
    return runTimer(this.runner, { type: 'CancelTimer', data: command.data }, command);
  }
}
