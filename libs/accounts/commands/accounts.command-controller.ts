import { Body, Controller, Param, Patch, Post, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiBody, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { Account } from '../domain/account.decider';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { ContactDto } from './account.dto';
import { ChangeAccountPaymentTermsCommand, PaymentTermsDto } from './change-payment-terms';
import { SetAccountTaxExemptCommand, TaxExemptDto } from './set-tax-exempt';
import { CreateAccountCommand, CreateAccountDto } from './create-account';
import { UpdateAccountContactCommand } from './update-account-contact';
import { PaymentResponsibilityView, SetPaymentResponsibilityCommand } from './set-payment-responsibility';
import { SetParentCommand, SetParentDto } from './set-parent';
import { ChangeAccountStatusCommand, StatusChangeDto } from './change-account-status';
import { CustomerMay } from '../../platform/http/customer-access';

const PAYER_SHARES = {
  type: 'array',
  items: {
    type: 'object',
    required: ['payerAccountId', 'percent'],
    properties: { payerAccountId: { type: 'string' }, percent: { type: 'string', example: '60' } },
  },
};

@ApiTags('accounts')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/accounts')
export class AccountsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an account (201 with the account)' })
  create(
    @CurrentTenant() tenant: TenantView,
    @Body() input: CreateAccountDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new CreateAccountCommand(input, context), reply);
  }

  @CustomerMay({ param: 'id' })
  @Patch(':id/contact')
  @ApiOperation({ summary: 'Change contact details: a given field replaces, null clears, an absent field stays (200 with the account)' })
  updateContact(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() changes: ContactDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new UpdateAccountContactCommand({ accountId: id, changes: { ...changes } }, context), reply);
  }

  @Put(':id/payment-terms')
  @ApiOperation({
    summary:
      'Set the payment terms: invoices are due paymentTermsDays (0-365) after their invoice date. Applies to invoices posted from now on; ' +
      'invoices already posted keep their due dates. Setting the terms the account already has writes nothing (200 with the account).',
  })
  setPaymentTerms(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: PaymentTermsDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new ChangeAccountPaymentTermsCommand({ accountId: id, paymentTermsDays: input.paymentTermsDays }, context), reply);
  }

  @Put(':id/tax-exempt')
  @ApiOperation({
    summary:
      'Set whether the account is tax-exempt: true, its invoices posted from now on carry no tax (and inclusive prices are not carved); ' +
      'false, taxed again. The same setting again writes nothing (200 with the account).',
  })
  setTaxExempt(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: TaxExemptDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new SetAccountTaxExemptCommand({ accountId: id, taxExempt: input.taxExempt }, context), reply);
  }

  @Put(':id/status')
  @ApiOperation({
    summary:
      "Change the account's status (active, suspended, terminated or one of the tenant's settings.customStatuses) with a reason. " +
      'Its plan instances are billed only while the status is billable: suspended by default yes (settings.billWhileSuspended), ' +
      'terminated never, a custom status as its billable flag says; a period due meanwhile is skipped, not billed later. ' +
      'Unknown status or missing reason 400; the same status again writes nothing (200 with the account).',
  })
  setStatus(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: StatusChangeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    const reset = input.billDateReset !== undefined ? { billDateReset: input.billDateReset } : {};
    return this.gateway.execute<Account>(new ChangeAccountStatusCommand({ accountId: id, status: input.status, reason: input.reason, ...reset }, context), reply);
  }

  @Put(':id/parent')
  @ApiOperation({
    summary:
      'Link the account under a parent from today (the tenant business date), moving its whole subtree, or detach it with null. ' +
      '409 when the link would make a cycle; 422 when the parent does not exist. 200 with the account.',
  })
  setParent(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: SetParentDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new SetParentCommand({ accountId: id, parentAccountId: input.parentAccountId }, context), reply);
  }

  @Put(':id/payment-responsibility')
  @ApiOperation({
    summary:
      "Who pays this account's charges, per class: a list of payers (any account of the tenant, same currency) whose percents sum to 100. " +
      'A class left out is paid by the account itself. Replaces the whole setting (200 with every class spelled out).',
  })
  @ApiBody({ schema: { type: 'object', properties: { recurring: PAYER_SHARES, usage: PAYER_SHARES, oneTime: PAYER_SHARES, fees: PAYER_SHARES } } })
  setPaymentResponsibility(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    // Validated by the domain: percentages, sums and payers need more than a DTO can say.
    @Body() responsibility: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<PaymentResponsibilityView>(new SetPaymentResponsibilityCommand({ accountId: id, responsibility }, context), reply);
  }
}
