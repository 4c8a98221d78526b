import { Body, Controller, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { OrderView } from '../domain';
import { PlaceOrderCommand, PlaceOrderDto } from './orders';
import { CustomerMay } from '../../platform/http/customer-access';
import { orderingOffered } from '../../tenancy';

@ApiTags('orders')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class OrdersCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @CustomerMay({ param: 'id' }, orderingOffered)
  @Post('accounts/:id/orders')
  @ApiOperation({
    summary:
      'Order one-time items on the account, invoiced at once on the business date and due after its payment terms days: 201 { id, accountId, currency, ' +
      'lines: [{ itemId, name, quantity, unitPrice, amount, taxIncluded? }], total, subtotal?, tax?, adjustments? (discount and tax lines, with a coupon or a tax rate: decision 0021; total is tax included), ' +
      'invoice: { id, invoiceDate, dueDate, total }, planInstanceId, installmentTermId, ' +
      'installmentSchedule: { id, status, installments: [{ number, kind, invoiceDate, dueDate, amount, status }] } | null }. With installmentTermId the ' +
      'total is paid by that schedule (lump sum first; aligned terms on the estimated invoice dates of planInstanceId). Bad lines, unknown items, term or ' +
      'plan instance: 400; an item in another currency, a cancelled plan instance, an aligned term without planInstanceId: 422. The same id with the same ' +
      'request answers the first order and writes nothing; with another: 409. doWrite: false previews (200) and writes nothing.',
  })
  place(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Body() input: PlaceOrderDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    if (input.doWrite === false) void reply.status(200);
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<OrderView>(new PlaceOrderCommand({ tenant, accountId, input: { ...input } }, context), reply);
  }
}
