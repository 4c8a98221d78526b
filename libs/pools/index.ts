import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { PostPoolRatingCommand, PostPoolRatingHandler, RatePoolCommand, RatePoolHandler } from './commands/rate-pool';
import { SetUsagePoolHandler } from './commands/set-usage-pool';
import { UsagePoolsCommandController } from './commands/usage-pools.command-controller';
import { poolRatingProcessManager } from './process-managers/pool-rating.process-manager';
import { UsagePoolsQueryController } from './queries/usage-pools.query-controller';

/** Usage pools: usage shared across a hierarchy, rated once per period by the pool's owner. */
export const poolsContext: BoundedContext = {
  name: 'pools',
  commandControllers: [UsagePoolsCommandController],
  queryControllers: [UsagePoolsQueryController],
  commandHandlers: [SetUsagePoolHandler, RatePoolHandler, PostPoolRatingHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [poolRatingProcessManager],
  commands: { RatePool: RatePoolCommand, PostPoolRating: PostPoolRatingCommand },
};
