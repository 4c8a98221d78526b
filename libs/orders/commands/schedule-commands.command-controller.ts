import { Body, Controller, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { InstallmentScheduleView } from '../read-model';
import { CancelInstallmentScheduleCommand, CancelInstallmentScheduleDto } from './schedule-commands';

@ApiTags('orders')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/installment-schedules')
export class ScheduleCommandsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post(':id/cancel')
  @ApiOperation({
    summary:
      'Cancel an installment schedule now or on a date (200: the schedule, as GET answers it). Every installment not invoiced whose invoice date is ' +
      'on or after `effective` moves to one remainder line billed and due on `effective` (collected at once); installments before a dated ' +
      'cancellation are still billed on their own. The same cancellation again answers the schedule and writes nothing. A completed or ' +
      'cancelled schedule: 422 (id / activeSchedule); a date before today: 422 (effective / notInPast); not a date: 400; unknown id: 404.',
  })
  cancel(
    @CurrentTenant() tenant: TenantView,
    @Param('id') scheduleId: string,
    @Body() input: CancelInstallmentScheduleDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    void reply.status(200);
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<InstallmentScheduleView>(new CancelInstallmentScheduleCommand({ scheduleId, effective: input?.effective }, context), reply);
  }
}
