import { UsageQueryController } from './usage.query-controller';

/** Usage's read side, for QueryApiModule. */
export const USAGE_QUERY_CONTROLLERS = [UsageQueryController];
