import { Module } from '@nestjs/common';
import { MinPositionGuard } from '../../libs/platform/http/min-position.guard';
import { CONTEXTS } from '../contexts';

/** Reads: every context's read routes, answered only from read models (history reads the log itself). */
@Module({
  controllers: CONTEXTS.flatMap((context) => context.queryControllers ?? []),
  providers: [MinPositionGuard],
})
export class QueryApiModule {}
