import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { loadAccount } from '../../accounts';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { PAYMENT_METHOD_TYPES, PaymentMethodsCommand, paymentMethodsDecider, PaymentMethodsState, paymentMethodsStream } from '../domain';
import { PAYMENT_GATEWAY, PaymentGateway } from '../gateway';
import { newId } from './receivables-command';

export class AddPaymentMethodDto {
  @ApiPropertyOptional({ description: 'Your own id for the payment method; else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ enum: PAYMENT_METHOD_TYPES })
  @IsOptional()
  type: unknown;

  @ApiProperty({
    example: 'tok_approve',
    description:
      "The payment gateway's token for the card or bank account (never a card number). The sandbox gateway knows tok_approve, tok_decline, tok_insufficient_funds, tok_gateway_error and tok_timeout",
  })
  @IsOptional()
  token: unknown;

  @ApiPropertyOptional({ default: true, description: "Make it the account's default (the account's first method always is): the default is what automatic collection charges" })
  @IsOptional()
  makeDefault?: unknown;
}

/** A payment method as the API shows it: never its token. */
export interface PaymentMethodView {
  id: string;
  accountId: string;
  type: string;
  last4: string;
  status: 'active' | 'removed';
  isDefault: boolean;
}

export class AddPaymentMethodCommand extends Command<{ tenantId: string; accountId: string; input: AddPaymentMethodDto }> {}
export class RemovePaymentMethodCommand extends Command<{ tenantId: string; accountId: string; paymentMethodId: string }> {}

/** Verifies the token with the gateway (a token it refuses is the client's 422, nothing written), then adds the method. */
@CommandHandler(AddPaymentMethodCommand)
export class AddPaymentMethodHandler implements ICommandHandler<AddPaymentMethodCommand, CommandOutcome<PaymentMethodView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ data: { tenantId, accountId, input }, context }: AddPaymentMethodCommand): Promise<CommandOutcome<PaymentMethodView>> {
    await existingAccount(this.events, tenantId, accountId);
    const { id, type, token, makeDefault } = input;
    if (!(PAYMENT_METHOD_TYPES as readonly unknown[]).includes(type)) {
      throw InvalidInputError.forField('type', 'oneOf', `type must be one of ${PAYMENT_METHOD_TYPES.join(', ')} (got ${JSON.stringify(type)})`);
    }
    if (typeof token !== 'string' || token.trim() === '' || token.length > 255) {
      throw InvalidInputError.forField('token', 'token', "token must be the payment gateway's token for the card or bank account (1-255 characters)");
    }
    const verified = await this.gateway.verify({ type: type as 'card' | 'bankDebit', token });
    if (!verified.ok) {
      throw new RuleViolationError(`The payment gateway refused the token: ${verified.reason}`, [{ field: 'token', rule: 'gatewayAccepts', message: verified.reason }]);
    }
    const paymentMethodId = newId('paymentMethod', id, context);
    const command: PaymentMethodsCommand = {
      type: 'AddPaymentMethod',
      data: { accountId, paymentMethodId, type: type as 'card' | 'bankDebit', token, last4: verified.last4, ...(makeDefault !== undefined ? { makeDefault: makeDefault as boolean } : {}) },
    };
    const outcome = await this.runner.run(paymentMethodsDecider, paymentMethodsStream(tenantId, accountId), command, context);
    return { body: viewOf(outcome.state, accountId, paymentMethodId), position: outcome.position };
  }
}

/** Removing the default leaves the account on net terms (no automatic collection) until another is made default. */
@CommandHandler(RemovePaymentMethodCommand)
export class RemovePaymentMethodHandler implements ICommandHandler<RemovePaymentMethodCommand, CommandOutcome<PaymentMethodView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { tenantId, accountId, paymentMethodId }, context }: RemovePaymentMethodCommand): Promise<CommandOutcome<PaymentMethodView>> {
    await existingAccount(this.events, tenantId, accountId);
    assertValidId(paymentMethodId, 'paymentMethodId');
    const command: PaymentMethodsCommand = { type: 'RemovePaymentMethod', data: { accountId, paymentMethodId } };
    const outcome = await this.runner.run(paymentMethodsDecider, paymentMethodsStream(tenantId, accountId), command, context);
    // What this command removed (now or, for a repeat of it, the first time); a method removed by another request is gone: 404.
    const removed = outcome.written.find((event) => event.type === 'PaymentMethodRemoved');
    if (!removed || removed.type !== 'PaymentMethodRemoved') throw new NotFoundError('Payment method', paymentMethodId);
    const { type, last4 } = removed.data;
    return { body: { id: paymentMethodId, accountId, type, last4, status: 'removed', isDefault: false }, position: outcome.position };
  }
}

async function existingAccount(events: EventStore, tenantId: string, accountId: string): Promise<void> {
  assertValidId(accountId, 'accountId');
  if (!(await loadAccount(events, tenantId, accountId))) throw new NotFoundError('Account', accountId);
}

function viewOf(state: PaymentMethodsState, accountId: string, paymentMethodId: string): PaymentMethodView {
  const method = state.methods.get(paymentMethodId);
  if (!method) throw new NotFoundError('Payment method', paymentMethodId);
  return { id: paymentMethodId, accountId, type: method.type, last4: method.last4, status: 'active', isDefault: state.defaultPaymentMethodId === paymentMethodId };
}
