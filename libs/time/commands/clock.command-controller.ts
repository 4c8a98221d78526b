import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { AdvanceClockCommand, AdvanceClockDto, AdvancedClock, DaySettled } from './advance-clock';
import { toErrorBody } from '../../platform/http/all-exceptions.filter';
import { LOGGER, Logger } from '../../platform/logging/logger';

@ApiTags('clock')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/clock')
export class ClockCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Post('advance')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Advance a sandbox tenant's clock to `to`, day by day; answers once every day has been processed and all its effects settled. " +
      'With Accept: application/x-ndjson the answer streams a line per settled day ({ day: { businessDate, day, of } }), then { done } or { error }',
  })
  advance(
    @CurrentTenant() tenant: TenantView,
    @Body() input: AdvanceClockDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = { actor: `tenant-key:${request.principal?.keyHash.slice(0, 12)}`, correlationId: String(request.id), causationId: String(request.id) };
    if (!acceptsNdjson(request)) return this.gateway.execute<AdvancedClock>(new AdvanceClockCommand({ tenant, to: input.to }, context), reply);
    return this.advanceStreaming(new NdjsonAnswer(request, reply), (onDaySettled) =>
      this.gateway.execute<AdvancedClock>(new AdvanceClockCommand({ tenant, to: input.to, onDaySettled }, context), reply),
    );
  }

  /**
   * With `Accept: application/x-ndjson`, a line per settled day as it settles (`{ "day": { businessDate, day, of } }`),
   * then `{ "done": { businessDate, days } }`, or `{ "error": <the error body> }` if a later day fails: a long advance
   * shows its progress instead of nothing until it ends. An advance refused before its first day (bad date, not a
   * sandbox) and one with no day to settle answer as without the header.
   */
  private async advanceStreaming(answer: NdjsonAnswer, advance: (onDaySettled: (day: DaySettled) => void) => Promise<AdvancedClock>): Promise<AdvancedClock | undefined> {
    try {
      const done = await advance((day) => answer.line({ day }));
      if (!answer.opened) return done;
      answer.line({ done });
    } catch (error) {
      if (!answer.opened) throw error;
      const body = toErrorBody(error, answer.correlationId);
      if (body.statusCode >= 500) this.logger.error({ err: error, correlationId: answer.correlationId }, 'clock advance failed');
      answer.line({ error: body });
    }
    answer.end();
    return undefined;
  }
}

function acceptsNdjson(request: FastifyRequest): boolean {
  return (request.headers.accept ?? '').includes('application/x-ndjson');
}

/** A 200 whose body is written a JSON line at a time; opened (and so committed to 200) by its first line. */
class NdjsonAnswer {
  opened = false;
  readonly correlationId: string;

  constructor(
    request: FastifyRequest,
    private readonly reply: FastifyReply,
  ) {
    this.correlationId = String(request.id);
  }

  line(value: unknown): void {
    if (!this.opened) {
      this.opened = true;
      this.reply.hijack();
      this.reply.raw.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store', 'x-correlation-id': this.correlationId });
    }
    this.reply.raw.write(`${JSON.stringify(value)}\n`);
  }

  end(): void {
    this.reply.raw.end();
  }
}
