import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { BusinessClockCommand, businessClockDecider, clockStream } from '../domain/business-clock.decider';

/** Starts one business day of a tenant: sent by the sandbox clock's advance and by the production scheduler. */
export class StartBusinessDayCommand extends Command<Extract<BusinessClockCommand, { type: 'StartBusinessDay' }>['data']> {}

/** `started`: this command started the day (false when it had been started already, e.g. by a parallel advance). */
export interface StartedBusinessDay {
  started: boolean;
}

@CommandHandler(StartBusinessDayCommand)
export class StartBusinessDayHandler implements ICommandHandler<StartBusinessDayCommand, CommandOutcome<StartedBusinessDay>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: StartBusinessDayCommand): Promise<CommandOutcome<StartedBusinessDay>> {
    const outcome = await this.runner.run(businessClockDecider, clockStream(data.tenantId), { type: 'StartBusinessDay', data }, context);
    return { body: { started: outcome.events.length > 0 && !outcome.alreadyApplied }, position: outcome.position };
  }
}
