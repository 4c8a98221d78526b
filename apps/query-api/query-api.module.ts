import { Module } from '@nestjs/common';
import { MinPositionInterceptor } from '../../libs/platform/http/min-position.interceptor';
import { CONTEXTS } from '../contexts';

/** Reads: every context's read routes, answered only from read models (history reads the log itself). */
@Module({
  controllers: CONTEXTS.flatMap((context) => context.queryControllers ?? []),
  providers: [MinPositionInterceptor],
})
export class QueryApiModule {}
