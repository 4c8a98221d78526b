import { Module } from '@nestjs/common';
import { AccountsQueryController } from './accounts/accounts.query-controller';
import { ClockController } from './clock/clock.controller';
import { MinPositionInterceptor } from './min-position.interceptor';
import { CATALOG_QUERY_CONTROLLERS } from './catalog';
import { HIERARCHY_QUERY_CONTROLLERS } from './hierarchy';
import { PRICING_QUERY_CONTROLLERS } from './pricing';
import { BILLING_QUERY_CONTROLLERS } from './billing';
import { USAGE_QUERY_CONTROLLERS } from './usage';
import { STATEMENTS_QUERY_CONTROLLERS } from './statements';
import { POOL_QUERY_CONTROLLERS } from './pools';

/** Reads: answered only from read models, except history, which reads the log itself. */
@Module({
  controllers: [AccountsQueryController, ClockController, ...CATALOG_QUERY_CONTROLLERS, ...HIERARCHY_QUERY_CONTROLLERS, ...PRICING_QUERY_CONTROLLERS, ...BILLING_QUERY_CONTROLLERS, ...USAGE_QUERY_CONTROLLERS, ...STATEMENTS_QUERY_CONTROLLERS, ...POOL_QUERY_CONTROLLERS],
  providers: [MinPositionInterceptor],
})
export class QueryApiModule {}
