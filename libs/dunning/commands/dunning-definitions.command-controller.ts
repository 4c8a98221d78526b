import { Body, Controller, Param, Post, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import {
  CreateDunningGroupCommand,
  CreateDunningGroupDto,
  CreateDunningProcessCommand,
  CreateDunningProcessDto,
  DunningGroupDefinitionDto,
  DunningProcessDefinitionDto,
  ReplaceDunningGroupCommand,
  ReviseDunningProcessCommand,
} from './dunning-definitions';

@ApiTags('dunning')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class DunningDefinitionsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post('dunning-processes')
  @ApiOperation({
    summary:
      'Define a dunning process (201 with version 1: { id, name, version, steps, createdOn }). Each step fires `days` after the due date ' +
      '(or after the previous step, from: "previousStep") and does its actions: retryCollection, notify { template }, lateFee { flat | percent }, ' +
      'setStatus { target: account|planInstance, status }. Dates must not go backwards (400 stepsInOrder); an existing id: 409.',
  })
  createProcess(@CurrentTenant() tenant: TenantView, @Body() input: CreateDunningProcessDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new CreateDunningProcessCommand({ ...input }, this.contextOf(request, tenant)), reply);
  }

  @Put('dunning-processes/:id')
  @ApiOperation({
    summary:
      'A new version of a dunning process with its whole definition (200 with the new version). An identical definition writes nothing and answers the latest. ' +
      'Cases already running finish the version they started with.',
  })
  reviseProcess(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() definition: DunningProcessDefinitionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.gateway.execute(new ReviseDunningProcessCommand({ processId: id, definition: { ...definition } }, this.contextOf(request, tenant)), reply);
  }

  @Post('dunning-groups')
  @ApiOperation({
    summary:
      'Define a dunning group (201 { id, name, processId, planIds, channel, country, language, createdOn }): which process applies to which plan instances. ' +
      'A plan instance naming its dunningGroupId gets that group; otherwise the group whose every criterion matches and that sets the most criteria ' +
      '(ties: the earliest created). The process and the plans must exist (400 knownDunningProcess, knownPlan).',
  })
  createGroup(@CurrentTenant() tenant: TenantView, @Body() input: CreateDunningGroupDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new CreateDunningGroupCommand({ ...input }, this.contextOf(request, tenant)), reply);
  }

  @Put('dunning-groups/:id')
  @ApiOperation({ summary: 'Replace a dunning group with its whole new definition (200); it keeps its creation date and so its place in ties.' })
  replaceGroup(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() definition: DunningGroupDefinitionDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.gateway.execute(new ReplaceDunningGroupCommand({ groupId: id, definition: { ...definition } }, this.contextOf(request, tenant)), reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }
}
