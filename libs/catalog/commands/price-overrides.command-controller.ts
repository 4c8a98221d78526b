import { Body, Controller, Param, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { PriceOverrideDto, PriceOverrideView, SetPriceOverrideCommand } from './set-price-override';

@ApiTags('pricing')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/accounts')
export class PriceOverridesCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Put(':id/price-overrides')
  @ApiOperation({
    summary:
      "Set this account's special price for one service of a plan: a pricing, a discount, or both (200 with the override). " +
      'It applies to the account and its descendants unless a nearer account sets its own. Setting the same again writes nothing; ' +
      'pricing and discountPercent both null removes the override; neither sent is 400.',
  })
  set(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: PriceOverrideDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<PriceOverrideView>(new SetPriceOverrideCommand({ accountId: id, input: { ...input } }, context), reply);
  }
}
