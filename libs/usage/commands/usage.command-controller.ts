import { Body, Controller, HttpCode, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { RecordedUsageView, RecordUsageCommand, UsageBatchDto, UsageBatchView, UsageRecordDto } from './record-usage';

@ApiTags('usage')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/usage')
export class UsageCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Record one usage record (201): { accepted: 1|0, duplicates: 0|1, record: { accountId, serviceId, quantity, occurredOn, idempotencyKey, late } }. ' +
      'A key already recorded for the account and month of occurrence is a duplicate: nothing is written. 404 unknown account; ' +
      '422 a service the account does not hold (serviceExists), dated after today (future), before the plan instance started (beforePlanStart), ' +
      'or in a closed billing period (closedPeriod) unless the tenant allows late usage (then late: true).',
  })
  record(@CurrentTenant() tenant: TenantView, @Body() input: UsageRecordDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<RecordedUsageView>(new RecordUsageCommand({ input: { ...input }, kind: 'single', tenant }, context), reply);
  }

  @Post('batch')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Record 1 to 10,000 usage records (200): { accepted, duplicates }. The batch is checked whole first and every bad record is reported ' +
      'with its index (records[3].quantity); nothing is written if any is refused. Keys repeated inside the batch count once.',
  })
  // The body's type is Object, so the global ValidationPipe passes it through untouched: the domain checks it
  // (unknown fields included), and 10,000 records are not copied by class-transformer first.
  @ApiBody({ type: UsageBatchDto })
  recordBatch(@CurrentTenant() tenant: TenantView, @Body() body: Record<string, unknown>, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<UsageBatchView>(new RecordUsageCommand({ input: body, kind: 'batch', tenant }, context), reply);
  }
}
