import { Module } from '@nestjs/common';
import { AccountsQueryController } from './accounts/accounts.query-controller';
import { ClockController } from './clock/clock.controller';
import { MinPositionInterceptor } from './min-position.interceptor';

/** Reads: answered only from read models, except history, which reads the log itself. */
@Module({
  controllers: [AccountsQueryController, ClockController],
  providers: [MinPositionInterceptor],
})
export class QueryApiModule {}
