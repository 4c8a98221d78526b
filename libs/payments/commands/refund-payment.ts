import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { RuleViolationError } from '../../shared-kernel/errors';
import { receivablesDecider, receivablesStream, RefundPayment, ReversePayment } from '../domain';
import { PAYMENT_GATEWAY, PaymentGateway } from '../gateway';
import { fold } from './collection-state';
import { decideReceivables, newId } from './receivables-command';
import { TakenBackResponse } from './receivables-responses';
import { accountOfPayment } from './payment-lookup';

export class RefundPaymentDto {
  @ApiPropertyOptional({ description: 'Your own id for the refund; else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 2500, description: 'Minor units, from 1 up to what is left of the payment (its amount less earlier refunds and reversals)' })
  @IsOptional()
  amount: unknown;

  @ApiProperty({ example: 'duplicate payment', description: 'Why (at most 500 characters)' })
  @IsOptional()
  reason: unknown;

  @ApiPropertyOptional({ default: true, description: 'false: a preview (200), nothing written' })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

export class ReversePaymentDto {
  @ApiPropertyOptional({ description: 'Your own id for the reversal; else derived from the Idempotency-Key, else generated' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 'bank debit returned: insufficient funds', description: 'Why (at most 500 characters)' })
  @IsOptional()
  reason: unknown;

  @ApiPropertyOptional({ default: true, description: 'false: a preview (200), nothing written' })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}

/** Money back (refund) or a returned payment (reversal): first out of the payment's unapplied credit, then by reopening what it paid, newest first. */
export class TakeBackPaymentCommand extends Command<
  { tenantId: string; paymentId: string } & ({ kind: 'refund'; input: RefundPaymentDto } | { kind: 'reversal'; input: ReversePaymentDto })
> {}

@CommandHandler(TakeBackPaymentCommand)
export class TakeBackPaymentHandler implements ICommandHandler<TakeBackPaymentCommand, CommandOutcome<TakenBackResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
  ) {}

  async execute({ data, context }: TakeBackPaymentCommand): Promise<CommandOutcome<TakenBackResponse>> {
    const { tenantId, paymentId } = data;
    const accountId = await accountOfPayment(this.store, tenantId, paymentId);
    const { businessDate, actor } = context;
    if (data.kind === 'refund') {
      const { id, doWrite, amount, reason } = data.input;
      const refundId = newId('refund', id, context);
      const command = { type: 'RefundPayment', data: { accountId, refundId, paymentId, amount, reason, actor, businessDate } } as RefundPayment;
      if (doWrite !== false) await this.refundThroughGateway(tenantId, command, context);
      const decided = await decideReceivables(this.runner, tenantId, accountId, command, context, doWrite);
      const refund = decided.state.refunds.get(refundId)!;
      return { body: { id: refundId, ...takenBack(refund), actor: refund.actor }, position: decided.position };
    }
    const { id, doWrite, reason } = data.input;
    const reversalId = newId('reversal', id, context);
    const command = { type: 'ReversePayment', data: { accountId, reversalId, paymentId, reason, actor, businessDate } } as ReversePayment;
    const decided = await decideReceivables(this.runner, tenantId, accountId, command, context, doWrite);
    const reversal = decided.state.reversals.get(reversalId)!;
    return { body: { id: reversalId, ...takenBack(reversal), actor: reversal.actor }, position: decided.position };
  }

  /**
   * A payment charged through the gateway is refunded through it first (key from the refund id: a repeat never
   * refunds twice), after the domain checked the amount on a preview; money received outside is only recorded.
   */
  private async refundThroughGateway(tenantId: string, command: RefundPayment, context: TakeBackPaymentCommand['context']): Promise<void> {
    const { accountId, paymentId, refundId, amount } = command.data;
    const state = fold(receivablesDecider, await this.events.readStream(receivablesStream(tenantId, accountId)));
    const payment = state.payments.get(paymentId);
    if (payment?.source !== 'paymentMethod' || !payment.reference || state.refunds.has(refundId)) return;
    await decideReceivables(this.runner, tenantId, accountId, command, context, false);
    const refunded = await this.gateway.refund({ idempotencyKey: `${tenantId}:refund:${refundId}`, chargeId: payment.reference, amount });
    if (refunded.status === 'succeeded') return;
    const message = `the payment gateway did not refund charge ${payment.reference}: ${refunded.reason}`;
    if (refunded.retryable) throw new ServiceUnavailableException(`${message}; send the same request again (it is never refunded twice)`);
    throw new RuleViolationError(`The refund was refused: ${message}`, [{ field: 'amount', rule: 'gatewayRefund', message }]);
  }
}

function takenBack(data: Omit<TakenBackResponse, 'id'>): Omit<TakenBackResponse, 'id' | 'actor'> {
  const { paymentId, accountId, amount, fromCredit, unapplications, reason } = data;
  return { paymentId, accountId, amount, fromCredit, unapplications, reason };
}
