import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { loadAccount } from '../../accounts';
import { assertValidId } from '../../shared-kernel/ids';
import { NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { APPLICATION_METHODS, paymentView, RecordPayment } from '../domain';
import { decideReceivables, newId } from './receivables-command';
import { PaymentResponse, paymentResponse } from './receivables-responses';

const DO_WRITE = 'false: a preview of the application. The answer is what true would answer at this moment (status 200 instead of 201); nothing is written';

export class RecordPaymentDto {
  @ApiPropertyOptional({ description: 'Your own id for the payment (1-64 of A-Z a-z 0-9 _ . : -); else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 'acme', description: 'The account that pays (its own balance: with split billing, the shares it owes)' })
  @IsOptional()
  accountId: unknown;

  @ApiProperty({ example: 17500, description: 'Minor units, a whole number from 1' })
  @IsOptional()
  amount: unknown;

  @ApiProperty({ example: 'USD', description: "ISO 4217; the account's currency" })
  @IsOptional()
  currency: unknown;

  @ApiPropertyOptional({ enum: ['external'], default: 'external', description: 'external: money received outside (cheque, wire)' })
  @IsOptional()
  source?: unknown;

  @ApiPropertyOptional({ example: 'cheque 4711', description: 'Your reference (at most 200 characters)' })
  @IsOptional()
  reference?: unknown;

  @ApiPropertyOptional({ description: 'Pay this invoice first (up to its balance), the rest by the application method' })
  @IsOptional()
  invoiceId?: unknown;

  @ApiPropertyOptional({ enum: APPLICATION_METHODS, description: "How the payment is applied; default: the tenant's paymentApplicationMethod" })
  @IsOptional()
  applicationMethod?: unknown;

  @ApiPropertyOptional({ default: true, description: DO_WRITE })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

export class RecordPaymentCommand extends Command<{ tenant: TenantView; input: RecordPaymentDto }> {}

/**
 * POST /v1/payments: money received, applied to what the account owes (DOMAIN.md §8): a named invoice first,
 * then by the application method; what is left is account credit, applied to the next invoices.
 */
@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<RecordPaymentCommand, CommandOutcome<PaymentResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { tenant, input }, context }: RecordPaymentCommand): Promise<CommandOutcome<PaymentResponse>> {
    const { id, accountId, doWrite, source = 'external', applicationMethod = tenant.settings.paymentApplicationMethod, ...fields } = input;
    assertValidId(accountId, 'accountId');
    const account = await loadAccount(this.events, tenant.id, accountId);
    if (!account) throw new NotFoundError('Account', accountId);
    if (typeof fields.currency === 'string' && fields.currency !== account.currency) {
      throw new RuleViolationError(`The payment's currency must be the account's, ${account.currency}`, [
        { field: 'currency', rule: 'accountCurrency', message: `currency must be ${account.currency}, the account's currency (got ${fields.currency})` },
      ]);
    }
    const paymentId = newId('payment', id, context);
    const command = {
      type: 'RecordPayment',
      data: { ...fields, accountId, paymentId, source, applicationMethod, businessDate: context.businessDate },
    } as RecordPayment;
    const decided = await decideReceivables(this.runner, tenant.id, accountId, command, context, doWrite);
    return { body: paymentResponse(paymentView(decided.state, paymentId)!, accountId), position: decided.position };
  }
}
