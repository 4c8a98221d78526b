import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { loadAccount } from '../../accounts';
import { assertValidId } from '../../shared-kernel/ids';
import { ConflictError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { APPLICATION_METHODS, defaultPaymentMethod, paymentMethodsDecider, paymentMethodsStream, paymentView, receivablesDecider, receivablesStream, RecordPayment, RecordPaymentFailure } from '../domain';
import { PAYMENT_GATEWAY, PaymentGateway } from '../gateway';
import { fold } from './collection-state';
import { chargeKey, settledCharge } from './gateway-charge';
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

  @ApiPropertyOptional({
    enum: ['external', 'paymentMethod'],
    default: 'external',
    description: "external: money received outside (cheque, wire); paymentMethod: a one-off charge through the gateway of the account's paymentMethodId (default: its default method)",
  })
  @IsOptional()
  source?: unknown;

  @ApiPropertyOptional({ description: 'With source paymentMethod: which of the account\'s payment methods to charge (default: its default one)' })
  @IsOptional()
  paymentMethodId?: unknown;

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
 * then by the application method; what is left is account credit, applied to the next invoices. With source
 * `paymentMethod` the money is first charged through the gateway (key derived from the payment id: a repeat never
 * charges twice); a decline is recorded as a failed payment (201, status failed, with the reason). A preview
 * charges nothing and shows the application as if the charge succeeded.
 */
@CommandHandler(RecordPaymentCommand)
export class RecordPaymentHandler implements ICommandHandler<RecordPaymentCommand, CommandOutcome<PaymentResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ data: { tenant, input }, context }: RecordPaymentCommand): Promise<CommandOutcome<PaymentResponse>> {
    const { id, accountId, doWrite, source = 'external', paymentMethodId, applicationMethod = tenant.settings.paymentApplicationMethod, ...fields } = input;
    assertValidId(accountId, 'accountId');
    const account = await loadAccount(this.runner, tenant.id, accountId);
    if (!account) throw new NotFoundError('Account', accountId);
    if (typeof fields.currency === 'string' && fields.currency !== account.currency) {
      throw new RuleViolationError(`The payment's currency must be the account's, ${account.currency}`, [
        { field: 'currency', rule: 'accountCurrency', message: `currency must be ${account.currency}, the account's currency (got ${fields.currency})` },
      ]);
    }
    const paymentId = newId('payment', id, context);
    const method = source === 'paymentMethod' ? await this.methodToCharge(tenant.id, accountId, paymentMethodId) : null;
    const command = {
      type: 'RecordPayment',
      data: { ...fields, accountId, paymentId, source, paymentMethodId: method?.id ?? null, applicationMethod, businessDate: context.businessDate },
    } as RecordPayment;
    if (method && doWrite !== false) {
      // Sent again (an Idempotency-Key or the same id): answer what it came to, without asking the gateway again.
      const known = paymentView(fold(receivablesDecider, await this.events.readStream(receivablesStream(tenant.id, accountId))), paymentId);
      if (known) return { body: paymentResponse(known, accountId), position: 0 };
      // Checked before money moves: the domain refuses a bad amount or currency on the preview it runs first.
      await decideReceivables(this.runner, tenant.id, accountId, command, context, false);
      const charge = await settledCharge(this.gateway, {
        idempotencyKey: chargeKey(tenant.id, paymentId),
        token: method.token,
        amount: command.data.amount,
        currency: command.data.currency,
        description: `one-off payment ${paymentId} of ${accountId}`,
      });
      if (charge.status !== 'succeeded') {
        const { amount, currency, businessDate } = command.data;
        const failure: RecordPaymentFailure = { type: 'RecordPaymentFailure', data: { accountId, paymentId, amount, currency, reason: charge.reason, retryable: charge.status === 'failed', businessDate } };
        const failed = await decideReceivables(this.runner, tenant.id, accountId, failure, context, true);
        return { body: paymentResponse(paymentView(failed.state, paymentId)!, accountId), position: failed.position };
      }
      if (charge.amount !== command.data.amount) {
        throw new ConflictError(`Payment ${paymentId} was charged ${charge.amount} minor units before; send it again with that amount, or use a new id`, [
          { field: 'amount', rule: 'sameAsCharged', message: `payment ${paymentId} was charged ${charge.amount} before` },
        ]);
      }
      command.data.reference ??= charge.chargeId;
    }
    const decided = await decideReceivables(this.runner, tenant.id, accountId, command, context, doWrite);
    return { body: paymentResponse(paymentView(decided.state, paymentId)!, accountId), position: decided.position };
  }

  /** The named payment method, else the account's default; one it does not have is a 422 naming paymentMethodId. */
  private async methodToCharge(tenantId: string, accountId: string, paymentMethodId: unknown) {
    const state = fold(paymentMethodsDecider, await this.events.readStream(paymentMethodsStream(tenantId, accountId)));
    const method = paymentMethodId === undefined ? defaultPaymentMethod(state) : state.methods.get(String(paymentMethodId));
    if (!method) {
      const message = paymentMethodId === undefined ? 'the account has no default payment method: name one, or add one' : `the account has no active payment method ${String(paymentMethodId)}`;
      throw new RuleViolationError(`Cannot charge: ${message}`, [{ field: 'paymentMethodId', rule: 'activePaymentMethod', message }]);
    }
    return method;
  }
}
