import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { RefundPayment, ReversePayment } from '../domain';
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
  ) {}

  async execute({ data, context }: TakeBackPaymentCommand): Promise<CommandOutcome<TakenBackResponse>> {
    const { tenantId, paymentId } = data;
    const accountId = await accountOfPayment(this.store, tenantId, paymentId);
    const { businessDate, actor } = context;
    if (data.kind === 'refund') {
      const { id, doWrite, amount, reason } = data.input;
      const refundId = newId('refund', id, context);
      const command = { type: 'RefundPayment', data: { accountId, refundId, paymentId, amount, reason, actor, businessDate } } as RefundPayment;
      const decided = await decideReceivables(this.runner, tenantId, accountId, command, context, doWrite);
      const refund = decided.state.refunds.get(refundId)!;
      return { body: { id: refundId, ...takenBack(refund), actor: refund.actor }, position: decided.position };
    }
    const { id, doWrite, reason } = data.input;
    const reversalId = newId('reversal', id, context);
    const command = { type: 'ReversePayment', data: { accountId, reversalId, paymentId, reason, businessDate } } as ReversePayment;
    const decided = await decideReceivables(this.runner, tenantId, accountId, command, context, doWrite);
    return { body: { id: reversalId, ...takenBack(decided.state.reversals.get(reversalId)!) }, position: decided.position };
  }
}

function takenBack(data: Omit<TakenBackResponse, 'id'>): Omit<TakenBackResponse, 'id' | 'actor'> {
  const { paymentId, accountId, amount, fromCredit, unapplications, reason } = data;
  return { paymentId, accountId, amount, fromCredit, unapplications, reason };
}
