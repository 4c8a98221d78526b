import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { BusinessClockCommand, businessClockDecider, clockStream } from '../domain/business-clock.decider';

/** Starts one business day of a tenant: sent by the sandbox clock's advance and by the production scheduler. */
export class StartBusinessDayCommand extends Command<Extract<BusinessClockCommand, { type: 'StartBusinessDay' }>['data']> {}

@CommandHandler(StartBusinessDayCommand)
export class StartBusinessDayHandler implements ICommandHandler<StartBusinessDayCommand, CommandOutcome<null>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data, context }: StartBusinessDayCommand): Promise<CommandOutcome<null>> {
    const outcome = await this.runner.run(businessClockDecider, clockStream(data.tenantId), { type: 'StartBusinessDay', data }, context);
    return { body: null, position: outcome.position };
  }
}
