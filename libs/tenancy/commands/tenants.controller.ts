import { Body, Controller, Get, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiCreatedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { NotFoundError } from '../../shared-kernel/errors';
import { AdminOnly } from '../../platform/http/access';
import { commandContextFrom } from '../../platform/http/request-context';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { TenantDirectory } from '../tenant-directory';
import { CreatedTenant, CreateTenantCommand, CreateTenantDto } from './create-tenant';
import { RotateTenantApiKeyCommand } from './rotate-api-key';

@ApiTags('tenants')
@AdminOnly()
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/tenants')
export class TenantsController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create a tenant (admin key). The response carries its API key, shown once.' })
  @ApiCreatedResponse({ description: '{ id, apiKey, businessDate, name, sandbox, timeZone, settings, createdOn }' })
  create(@Body() input: CreateTenantDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const { tenantId: _, businessDate: __, ...context } = commandContextFrom(request, SYSTEM_TENANT, '');
    return this.gateway.execute<CreatedTenant>(new CreateTenantCommand(input, context), reply);
  }

  @Get(':id')
  @ApiOperation({ summary: 'A tenant (admin key)' })
  async get(@Param('id') id: string) {
    const tenant = await this.directory.byId(id);
    if (!tenant) throw new NotFoundError('Tenant', id);
    return tenant;
  }

  @Post(':id/api-key')
  @HttpCode(200)
  @ApiOperation({ summary: "Rotate a tenant's API key (admin key): returns the new key once; the old one stops working" })
  async rotate(@Param('id') id: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const tenant = await this.directory.byId(id);
    if (!tenant) throw new NotFoundError('Tenant', id);
    const context = commandContextFrom(request, SYSTEM_TENANT, this.directory.systemDate(tenant.timeZone));
    return this.gateway.execute(new RotateTenantApiKeyCommand({ tenantId: id }, context), reply);
  }
}
