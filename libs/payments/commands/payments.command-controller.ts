import { Body, Controller, Delete, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ICommand } from '@nestjs/cqrs';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { CreditMemoDto, IssueCreditMemoCommand, WriteOffDto, WriteOffInvoiceCommand } from './credit-and-write-off';
import { AddPaymentMethodCommand, AddPaymentMethodDto, PaymentMethodView, RemovePaymentMethodCommand } from './payment-methods';
import { RecordPaymentCommand, RecordPaymentDto } from './record-payment';
import { RefundPaymentDto, ReversePaymentDto, TakeBackPaymentCommand } from './refund-payment';
import { CustomerMay } from '../../platform/http/customer-access';
import { acceptedPaymentMethodType, operatorOnly, paysWithPaymentMethod } from '../../tenancy';

const PREVIEW = 'doWrite: false previews it: the same answer with 200 instead of 201, nothing written.';

@ApiTags('payments')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class PaymentsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @CustomerMay({ body: 'accountId' }, paysWithPaymentMethod, operatorOnly('applicationMethod'))
  @Post('payments')
  @ApiOperation({
    summary:
      'Record a payment received (201): { id, accountId, amount, currency, status, failureReason, applications: [{ invoiceId, amount }], unapplied, refunded, reversed }. ' +
      "Applied to what the account owes: a named invoice first, then by applicationMethod (default: the tenant's); the rest is account credit, " +
      'applied to the next invoices. Amount ≤ 0, another currency: 400/422; unknown account or invoice: 404. ' +
      PREVIEW,
  })
  record(@CurrentTenant() tenant: TenantView, @Body() input: RecordPaymentDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(new RecordPaymentCommand({ tenant, input: { ...input } }, this.contextOf(request, tenant)), input.doWrite, reply);
  }

  @Post('payments/:id/refunds')
  @ApiOperation({
    summary:
      'Refund part or all of a payment (201): { id, paymentId, accountId, amount, fromCredit, unapplications, reason, actor }. Never more than is left of it (422); ' +
      'the money comes first out of what of it is still credit, then by reopening the invoices it paid, newest first. ' +
      PREVIEW,
  })
  refund(@CurrentTenant() tenant: TenantView, @Param('id') paymentId: string, @Body() input: RefundPaymentDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = new TakeBackPaymentCommand({ tenantId: tenant.id, paymentId, kind: 'refund', input: { ...input } }, this.contextOf(request, tenant));
    return this.send(command, input.doWrite, reply);
  }

  @Post('payments/:id/reversals')
  @ApiOperation({
    summary: 'Reverse a payment that came back (a returned bank debit) (201): all that is left of it is taken back and what it paid reopens. ' + PREVIEW,
  })
  reverse(@CurrentTenant() tenant: TenantView, @Param('id') paymentId: string, @Body() input: ReversePaymentDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const command = new TakeBackPaymentCommand({ tenantId: tenant.id, paymentId, kind: 'reversal', input: { ...input } }, this.contextOf(request, tenant));
    return this.send(command, input.doWrite, reply);
  }

  @Post('invoices/:id/credit-memos')
  @ApiOperation({
    summary: "A credit memo on an invoice (201): { id, accountId, invoiceId, amount, reason, actor, applications, unapplied, subtotal, tax, taxLines }: its amount includes the tax it reverses, in proportion to the share's tax (decision 0024); at most the share's balance (422). " + PREVIEW,
  })
  creditInvoice(@CurrentTenant() tenant: TenantView, @Param('id') invoiceId: string, @Body() input: CreditMemoDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(new IssueCreditMemoCommand({ tenant, on: { invoiceId }, input: { ...input } }, this.contextOf(request, tenant)), input.doWrite, reply);
  }

  @Post('accounts/:id/credit-memos')
  @ApiOperation({
    summary: "A credit memo on an account (201): applied to what it owes by the tenant's application method; the rest is account credit. It reverses no tax (tax 0, taxLines []). " + PREVIEW,
  })
  creditAccount(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Body() input: CreditMemoDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(new IssueCreditMemoCommand({ tenant, on: { accountId }, input: { ...input } }, this.contextOf(request, tenant)), input.doWrite, reply);
  }

  @Post('invoices/:id/write-off')
  @ApiOperation({
    summary: "Write off an invoice's balance or part of it (201): { id, accountId, invoiceId, amount, reason, actor }; never beyond the balance (422). " + PREVIEW,
  })
  writeOff(@CurrentTenant() tenant: TenantView, @Param('id') invoiceId: string, @Body() input: WriteOffDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(new WriteOffInvoiceCommand({ tenantId: tenant.id, invoiceId, input: { ...input } }, this.contextOf(request, tenant)), input.doWrite, reply);
  }

  @CustomerMay({ param: 'id' }, acceptedPaymentMethodType)
  @Post('accounts/:id/payment-methods')
  @ApiOperation({
    summary:
      "Add a card or bank debit as the payment gateway's token (201): { id, accountId, type, last4, status, isDefault }. The gateway verifies the token first " +
      '(one it refuses: 422, nothing written). The default method is what automatic collection charges; an account without one is on net terms.',
  })
  addPaymentMethod(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Body() input: AddPaymentMethodDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute<PaymentMethodView>(new AddPaymentMethodCommand({ tenantId: tenant.id, accountId, input: { ...input } }, this.contextOf(request, tenant)), reply);
  }

  @CustomerMay({ param: 'id' })
  @Delete('accounts/:id/payment-methods/:paymentMethodId')
  @ApiOperation({ summary: 'Remove a payment method (200 with it, status removed). Removing the default leaves the account on net terms until another is made default.' })
  removePaymentMethod(
    @CurrentTenant() tenant: TenantView,
    @Param('id') accountId: string,
    @Param('paymentMethodId') paymentMethodId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.gateway.execute<PaymentMethodView>(new RemovePaymentMethodCommand({ tenantId: tenant.id, accountId, paymentMethodId }, this.contextOf(request, tenant)), reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }

  /** A preview answers 200: nothing was created. */
  private send<Body>(command: ICommand, doWrite: boolean | undefined, reply: FastifyReply): Promise<Body> {
    if (doWrite === false) void reply.status(200);
    return this.gateway.execute<Body>(command, reply);
  }
}
