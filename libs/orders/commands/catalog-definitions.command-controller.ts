import { Body, Controller, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { CreateInstallmentTermCommand, CreateInstallmentTermDto, CreateItemCommand, CreateItemDto } from './catalog-definitions';

@ApiTags('orders')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class CatalogDefinitionsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post('items')
  @ApiOperation({
    summary:
      'Define a one-time item (an NSO) that orders sell (201 { id, name, currency, unitPrice, createdOn }). unitPrice is a decimal string in major ' +
      "units, > 0, no finer than the currency's minor unit. The same id with the same definition answers the item and writes nothing; with another: 409.",
  })
  createItem(@CurrentTenant() tenant: TenantView, @Body() input: CreateItemDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new CreateItemCommand({ ...input }, this.contextOf(request, tenant)), reply);
  }

  @Post('installment-terms')
  @ApiOperation({
    summary:
      'Define an installment term (201 { id, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn }; ' +
      'what was not given is null). aligned: installments on the invoice dates of the plan instance an order names; independent: every ' +
      'frequency { unit: day|week|month, count } from the order date. An optional lumpSum { percent | amount } is paid first. ' +
      'The same id with the same term answers it and writes nothing; with another: 409.',
  })
  createInstallmentTerm(
    @CurrentTenant() tenant: TenantView,
    @Body() input: CreateInstallmentTermDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.gateway.execute(new CreateInstallmentTermCommand({ ...input }, this.contextOf(request, tenant)), reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }
}
