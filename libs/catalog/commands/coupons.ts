import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { createHash } from 'node:crypto';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { assertValidId } from '../../shared-kernel/ids';
import { loadAccount } from '../../accounts';
import { couponDecider, couponStream, couponView, CouponState } from '../domain/coupon.decider';

/*
 * Bodies of POST /v1/coupons and POST /v1/accounts/{id}/coupons. `@Allow()` lists the fields, so the global
 * ValidationPipe refuses unknown ones (400 unknownField); the values are checked by the domain (catalog/domain/coupon.ts),
 * which names the field and the rule of each.
 */
export class CreateCouponDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @Allow()
  id?: string;

  @ApiProperty({ example: 'Spring promotion' })
  @Allow()
  name: string;

  @ApiPropertyOptional({ example: '10', description: 'Percent off, a decimal string more than 0 and at most 100; or amountOff' })
  @Allow()
  percentOff?: string;

  @ApiPropertyOptional({ example: 500, description: 'Amount off in minor units of currency (500 = 5.00 USD), never more than the charges; or percentOff' })
  @Allow()
  amountOff?: number;

  @ApiPropertyOptional({ example: 'USD', description: 'The currency of amountOff (required with it, not allowed with percentOff)' })
  @Allow()
  currency?: string;

  @ApiProperty({ enum: ['once', 'repeating', 'forever'], description: 'once: the first invoice of a period; repeating: durationInPeriods invoices; forever' })
  @Allow()
  duration: 'once' | 'repeating' | 'forever';

  @ApiPropertyOptional({ example: 3, description: 'For repeating: how many invoices of each plan instance it discounts (1-1200)' })
  @Allow()
  durationInPeriods?: number;

  @ApiPropertyOptional({ type: [String], description: 'Only lines of these plans; absent: every plan' })
  @Allow()
  planIds?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Only lines of these services; absent: every service' })
  @Allow()
  serviceIds?: string[];

  @ApiPropertyOptional({ example: 100, description: 'How many accounts it may be applied to; absent: no limit' })
  @Allow()
  maxRedemptions?: number;

  @ApiPropertyOptional({ example: '2024-12-31', description: "The last business day it may be applied on (the tenant's date); once applied it runs its duration" })
  @Allow()
  expiresOn?: string;
}

export class ApplyCouponDto {
  @ApiProperty({ example: 'spring', description: 'A coupon of the tenant' })
  @Allow()
  couponId: string;
}

export type CouponView = ReturnType<typeof couponView>;

export class CreateCouponCommand extends Command<CreateCouponDto> {}
export class ApplyCouponCommand extends Command<{ accountId: string; input: ApplyCouponDto }> {}

@CommandHandler(CreateCouponCommand)
export class CreateCouponHandler implements ICommandHandler<CreateCouponCommand, CommandOutcome<CouponView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreateCouponCommand): Promise<CommandOutcome<CouponView>> {
    const { id, ...terms } = input;
    if (id !== undefined) assertValidId(id, 'id');
    const couponId = id ?? `coupon_${createHash('sha256').update(context.commandId).digest('hex').slice(0, 20)}`;
    const outcome = await this.runner.run(couponDecider, couponStream(context.tenantId, couponId), { type: 'CreateCoupon', data: { couponId, input: { ...terms }, today: context.businessDate } }, context);
    return { body: couponView(outcome.state as CouponState), position: outcome.position };
  }
}

/**
 * Applies a coupon to an account (and so to its descendants without their own). The redemption count and the
 * expiry are checked in the coupon's stream, so two accounts racing for its last redemption cannot both get it.
 */
@CommandHandler(ApplyCouponCommand)
export class ApplyCouponHandler implements ICommandHandler<ApplyCouponCommand, CommandOutcome<{ accountId: string; couponId: string; appliedOn: string; coupon: CouponView }>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  async execute({ data: { accountId, input }, context }: ApplyCouponCommand) {
    const { couponId } = input;
    assertValidId(couponId, 'couponId');
    const account = await loadAccount(this.events, context.tenantId, accountId);
    const outcome = await this.runner.run(
      couponDecider,
      couponStream(context.tenantId, couponId),
      { type: 'ApplyCoupon', data: { couponId, accountId, accountCurrency: account?.currency ?? null, today: context.businessDate } },
      context,
    );
    return { body: { accountId, couponId, appliedOn: context.businessDate, coupon: couponView(outcome.state as CouponState) }, position: outcome.position };
  }
}
