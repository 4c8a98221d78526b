import { RecordUsageHandler } from './record-usage';
import { UsageFactsLoader } from './usage-facts';
import { UsageCommandController } from './usage.command-controller';

/** Usage recording's write side, for CommandApiModule. */
export const USAGE_COMMAND_CONTROLLERS = [UsageCommandController];
export const USAGE_COMMAND_HANDLERS = [RecordUsageHandler, UsageFactsLoader];
