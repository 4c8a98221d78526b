import { Body, Controller, Param, Patch, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { MetadataChangeDto } from '../../platform/http/metadata.dto';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { Plan } from '../domain/plan.decider';
import { ChangePlanMetadataCommand } from './change-plan-metadata';

/** The plan's metadata (issue 22): kept outside versions, so changing it makes no new version. */
@ApiTags('catalog')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/plans')
export class PlanMetadataCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Patch(':id/metadata')
  @ApiOperation({ summary: "Change the plan's metadata (no new version): a string sets a key, null removes it, a key not named stays (200 with the plan)" })
  change(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: MetadataChangeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Plan>(new ChangePlanMetadataCommand({ planId: id, metadata: input.metadata }, context), reply);
  }
}
