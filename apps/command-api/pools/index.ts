import { SetUsagePoolHandler } from './set-usage-pool';
import { UsagePoolsCommandController } from './usage-pools.command-controller';

/** Usage pools' write side, for CommandApiModule. */
export const POOL_COMMAND_CONTROLLERS = [UsagePoolsCommandController];
export const POOL_COMMAND_HANDLERS = [SetUsagePoolHandler];
