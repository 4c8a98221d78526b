import { Body, Controller, Param, Post, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { Plan } from '../domain/plan.decider';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { CreatePlanCommand, CreatePlanDto } from './create-plan';
import { RevisePlanCommand } from './revise-plan';
import { PlanDefinitionDto } from './plan.dto';

@ApiTags('catalog')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/plans')
export class PlansCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a plan (201 with version 1 of the plan)' })
  create(
    @CurrentTenant() tenant: TenantView,
    @Body() input: CreatePlanDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Plan>(new CreatePlanCommand(input, context), reply);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Revise a plan with its full new definition (200 with the new version; an identical definition writes nothing; the currency cannot change: 422)',
  })
  revise(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() definition: PlanDefinitionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Plan>(new RevisePlanCommand({ planId: id, definition: { ...definition } }, context), reply);
  }
}
