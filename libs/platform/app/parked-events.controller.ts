import { Controller, Get, HttpCode, Inject, Param, Post, Query, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../http/idempotency.interceptor';
import { ApiOkResponse, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { AdminOnly } from '../http/access';
import { ParkedEvent, ParkedEvents } from '../subscriptions/parked-events';

/** How long a retry request waits to tell the outcome, and how often it looks. */
const RETRY_ANSWER_WAIT_MS = 10_000;
const RETRY_LOOK_MS = 50;

export type RetryOutcome =
  | { outcome: 'handled'; consumer: string; tenantId: string }
  | { outcome: 'stillParked'; parked: ParkedEvent }
  | { outcome: 'pending'; parked: ParkedEvent };

/**
 * Parked events for operators (admin key): what a consumer could not handle for one tenant, and a retry once
 * the cause is fixed. The consumer's runner does the retry (it owns the consumer); this only asks and waits.
 */
@ApiTags('operations')
@AdminOnly()
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/admin/parked-events')
export class ParkedEventsController {
  constructor(@Inject(ParkedEvents) private readonly parked: ParkedEvents) {}

  @Get()
  @ApiOperation({ summary: "Events a projector or process manager could not handle for one tenant (admin key); that tenant's later events for that consumer wait behind each" })
  @ApiQuery({ name: 'consumer', required: false })
  @ApiQuery({ name: 'tenantId', required: false })
  @ApiOkResponse({ description: '{ items: [{ consumer, tenantId, position, eventId, eventType, streamName, error, attempts, parkedAt, lastAttemptAt, nextRetryAt }] }' })
  async list(@Query('consumer') consumer?: string, @Query('tenantId') tenantId?: string) {
    return { items: await this.parked.list({ consumer, tenantId }) };
  }

  @Post(':consumer/:tenantId/retry')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Retry a parked event now (admin key), then the tenant’s events behind it. Answers once the consumer tried (handled or stillParked with the new error), or pending after 10 s',
  })
  async retry(@Param('consumer') consumer: string, @Param('tenantId') tenantId: string): Promise<RetryOutcome> {
    const before = await this.parked.get(consumer, tenantId);
    if (!before) throw new NotFoundError('Parked event of consumer', `${consumer} for tenant ${tenantId}`);
    await this.parked.requestRetry(consumer, tenantId);
    const deadline = Date.now() + RETRY_ANSWER_WAIT_MS;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, RETRY_LOOK_MS));
      const now = await this.parked.get(consumer, tenantId);
      if (!now) return { outcome: 'handled', consumer, tenantId };
      if (now.attempts > before.attempts) return { outcome: 'stillParked', parked: now };
      if (Date.now() >= deadline) return { outcome: 'pending', parked: now };
    }
  }
}
