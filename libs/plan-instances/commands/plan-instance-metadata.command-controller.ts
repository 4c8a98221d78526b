import { Body, Controller, Param, Patch, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { MetadataChangeDto } from '../../platform/http/metadata.dto';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { ChangePlanInstanceMetadataCommand, PlanInstanceMetadataResponse } from './change-plan-instance-metadata';

/** The plan instance's metadata (issue 22): operators only (no @CustomerMay), as on assignment. */
@ApiTags('billing')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/plan-instances')
export class PlanInstanceMetadataCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Patch(':id/metadata')
  @ApiOperation({ summary: "Change the plan instance's metadata: a string sets a key, null removes it, a key not named stays (200 with { id, metadata })" })
  change(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: MetadataChangeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<PlanInstanceMetadataResponse>(new ChangePlanInstanceMetadataCommand({ planInstanceId: id, metadata: input.metadata }, context), reply);
  }
}
