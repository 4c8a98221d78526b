import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { TenantDirectory } from '../../tenancy';
import { PostReceivable, receivablesDecider, receivablesStream } from '../domain';

/** Issued by the receivables-posting process manager for each account's share of a posted invoice. */
export class PostReceivableCommand extends Command<Omit<PostReceivable['data'], 'businessDate' | 'applicationMethod'>> {}

/** Posts the share; credit the account holds is applied by the tenant's application method. */
@CommandHandler(PostReceivableCommand)
export class PostReceivableHandler implements ICommandHandler<PostReceivableCommand, CommandOutcome<null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
  ) {}

  async execute({ data, context }: PostReceivableCommand): Promise<CommandOutcome<null>> {
    const tenant = await this.directory.byId(context.tenantId);
    const applicationMethod = tenant?.settings.paymentApplicationMethod ?? 'fifo';
    const command: PostReceivable = { type: 'PostReceivable', data: { ...data, applicationMethod, businessDate: context.businessDate } };
    const outcome = await this.runner.run(receivablesDecider, receivablesStream(context.tenantId, data.accountId), command, context);
    return { body: null, position: outcome.position };
  }
}
