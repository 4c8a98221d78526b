import { UsagePoolsQueryController } from './usage-pools.query-controller';

/** Usage pools' read side, for QueryApiModule. */
export const POOL_QUERY_CONTROLLERS = [UsagePoolsQueryController];
