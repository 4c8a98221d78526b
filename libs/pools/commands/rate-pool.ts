import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { PoolCommand, poolDecider, PoolState, PostPoolRating, RatePool, usagePoolStream } from '../domain/pool.decider';

/** Issued by the pool-rating process manager: each part of a period's rating, then the rating's close. */
export class RatePoolCommand extends Command<RatePool['data']> {}
export class PostPoolRatingCommand extends Command<PostPoolRating['data']> {}

async function runPool(runner: DeciderRunner, command: PoolCommand & { data: { ownerAccountId: string; serviceId: string } }, { context }: RatePoolCommand | PostPoolRatingCommand) {
  const stream = usagePoolStream(context.tenantId, command.data.ownerAccountId, command.data.serviceId);
  const outcome = await runner.run(poolDecider, stream, command, context);
  return { body: outcome.state, position: outcome.position };
}

@CommandHandler(RatePoolCommand)
export class RatePoolHandler implements ICommandHandler<RatePoolCommand, CommandOutcome<PoolState>> {
  constructor(private readonly runner: DeciderRunner) {}

  execute(command: RatePoolCommand): Promise<CommandOutcome<PoolState>> {
    return runPool(this.runner, { type: 'RatePool', data: command.data }, command);
  }
}

@CommandHandler(PostPoolRatingCommand)
export class PostPoolRatingHandler implements ICommandHandler<PostPoolRatingCommand, CommandOutcome<PoolState>> {
  constructor(private readonly runner: DeciderRunner) {}

  execute(command: PostPoolRatingCommand): Promise<CommandOutcome<PoolState>> {
    return runPool(this.runner, { type: 'PostPoolRating', data: command.data }, command);
  }
}
