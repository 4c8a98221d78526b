import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { RecordUsageHandler } from './commands/record-usage';
import { UsageFactsLoader } from './commands/usage-facts';
import { UsageCommandController } from './commands/usage.command-controller';
import { UsageQueryController } from './queries/usage.query-controller';

/** Usage: records per account and usage service, de-duplicated, and the totals billing reads. */
export const usageContext: BoundedContext = {
  name: 'usage',
  commandControllers: [UsageCommandController],
  queryControllers: [UsageQueryController],
  commandHandlers: [RecordUsageHandler],
  providers: [UsageFactsLoader],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};
