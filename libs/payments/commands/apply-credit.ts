import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { TenantDirectory } from '../../tenancy';
import { receivablesDecider, receivablesStream } from '../domain';

/** Issued by the credit-application process manager on the day an installment falls due for an account holding credit. */
export class ApplyCreditCommand extends Command<{ accountId: string }> {}

/** Applies the account's credit by the tenant's method as of the business date (nothing when nothing is payable). */
@CommandHandler(ApplyCreditCommand)
export class ApplyCreditHandler implements ICommandHandler<ApplyCreditCommand, CommandOutcome<null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data: { accountId }, context }: ApplyCreditCommand): Promise<CommandOutcome<null>> {
    const applicationMethod = (await this.directory.byId(context.tenantId))?.settings.paymentApplicationMethod ?? 'fifo';
    const command = { type: 'ApplyCredit' as const, data: { accountId, applicationMethod, businessDate: context.businessDate } };
    const outcome = await this.runner.run(receivablesDecider, receivablesStream(context.tenantId, accountId), command, context);
    return { body: null, position: outcome.position };
  }
}
