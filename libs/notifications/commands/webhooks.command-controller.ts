import { Body, Controller, Delete, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { RedeliverDto, RedeliverWebhooksCommand } from './deliveries';
import { ChangeWebhookEndpointCommand, CreateWebhookEndpointCommand, CreateWebhookEndpointDto, EndpointAction } from './webhook-endpoints';

@ApiTags('notifications')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/webhook-endpoints')
export class WebhooksCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({
    summary:
      'Add a webhook endpoint (201): { id, url, events, status: enabled, description, secret }. The signing secret is shown in this answer only. ' +
      'A URL that is not http(s), longer than 2,048 characters, or (production tenants) private, loopback or link-local: 400; an unknown event type: 400.',
  })
  create(@CurrentTenant() tenant: TenantView, @Body() input: CreateWebhookEndpointDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new CreateWebhookEndpointCommand({ tenant, input: { ...input } }, this.contextOf(request, tenant)), reply);
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Delete a webhook endpoint (200 { id, status: deleted }): nothing more is delivered to it.' })
  delete(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, 'delete', request, reply);
  }

  @Post(':id/rotate-secret')
  @HttpCode(200)
  @ApiOperation({ summary: 'A new signing secret (200, the endpoint with `secret`, shown in this answer only); the old one signs nothing more.' })
  rotate(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, 'rotate', request, reply);
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disable an endpoint (200): nothing is delivered to it until it is enabled again; events of the meantime can be sent with redeliver.' })
  disable(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, 'disable', request, reply);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enable an endpoint (200), e.g. one disabled after failing for three days.' })
  enable(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, 'enable', request, reply);
  }

  @Post(':id/redeliver')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Send events again (202 { requested, eventIds }): { eventIds: [...] } (ids of published events of this tenant) or { since: "YYYY-MM-DD" } ' +
      "(every event of the endpoint's types recorded since then, at most 10,000). The endpoint must be enabled (422).",
  })
  redeliver(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: RedeliverDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new RedeliverWebhooksCommand({ tenantId: tenant.id, endpointId: id, input: { ...input } }, this.contextOf(request, tenant)), reply);
  }

  private change(tenant: TenantView, endpointId: string, action: EndpointAction, request: FastifyRequest, reply: FastifyReply) {
    return this.gateway.execute(new ChangeWebhookEndpointCommand({ tenantId: tenant.id, endpointId, action }, this.contextOf(request, tenant)), reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }
}
