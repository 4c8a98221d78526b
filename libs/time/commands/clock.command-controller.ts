import { Body, Controller, HttpCode, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { AdvanceClockCommand, AdvanceClockDto, AdvancedClock } from './advance-clock';

@ApiTags('clock')
@Controller('v1/clock')
export class ClockCommandController {
  constructor(private readonly gateway: CommandGateway) {}

  @Post('advance')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Advance a sandbox tenant's clock to `to`, day by day; answers once every day has been processed and all its effects settled",
  })
  advance(
    @CurrentTenant() tenant: TenantView,
    @Body() input: AdvanceClockDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = { actor: `tenant-key:${request.principal?.keyHash.slice(0, 12)}`, correlationId: String(request.id), causationId: String(request.id) };
    return this.gateway.execute<AdvancedClock>(new AdvanceClockCommand({ tenant, to: input.to }, context), reply);
  }
}
