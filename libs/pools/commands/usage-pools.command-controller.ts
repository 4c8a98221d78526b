import { Body, Controller, Param, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { SetUsagePoolCommand, UsagePoolView } from './set-usage-pool';

@ApiTags('usage')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/accounts')
export class UsagePoolsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Put(':id/usage-pools/:serviceId')
  @ApiOperation({
    summary:
      'Pool a usage service over this account and its descendants (members: "descendants", the default) or a chosen list of its descendants, ' +
      "from today: at the end of each of the account's billing periods the pool's usage is priced on its total and allocated to the members " +
      'by largest remainder (200 with the pool). 404 unknown account (members[i]); 422 a service the account does not hold as a usage service ' +
      '(serviceId: serviceExists, usageService), a member billed in another currency (sameCurrency) or not below the account (descendant).',
  })
  @ApiBody({
    schema: {
      type: 'object',
      properties: { members: { oneOf: [{ type: 'string', enum: ['descendants'] }, { type: 'array', items: { type: 'string' } }] } },
    },
  })
  setPool(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Param('serviceId') serviceId: string,
    // Validated by the domain (parsePoolBody): a union a DTO cannot express.
    @Body() body: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<UsagePoolView>(new SetUsagePoolCommand({ ownerAccountId: id, serviceId, body }, context), reply);
  }
}
