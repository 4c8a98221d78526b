import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ReadYourWrites } from '../../platform/app/read-your-writes';
import { assertValidId, generatedId } from '../../shared-kernel/ids';
import { NotFoundError } from '../../shared-kernel/errors';
import { loadAccount } from '../../accounts';
import { couponDecider, couponStream, couponView, CouponState } from '../domain/coupon.decider';
import { ACCOUNT_COUPONS } from '../read-model/coupons.projection';

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

/** Body of POST /v1/coupons/{id}/deactivate and DELETE /v1/accounts/{id}/coupons/{couponId}: why (kept in the event). */
export class CouponReasonDto {
  @ApiProperty({ example: 'Promotion ended', description: 'Why (1-500 characters); kept in the event and its metadata' })
  @Allow()
  reason: string;
}

export type CouponView = ReturnType<typeof couponView>;

export class CreateCouponCommand extends Command<CreateCouponDto> {}
export class ApplyCouponCommand extends Command<{ accountId: string; input: ApplyCouponDto }> {}
export class DeactivateCouponCommand extends Command<{ couponId: string; reason: unknown }> {}
export class RemoveCouponCommand extends Command<{ accountId: string; couponId: string; reason: unknown }> {}

@CommandHandler(CreateCouponCommand)
export class CreateCouponHandler implements ICommandHandler<CreateCouponCommand, CommandOutcome<CouponView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: input, context }: CreateCouponCommand): Promise<CommandOutcome<CouponView>> {
    const { id, ...terms } = input;
    if (id !== undefined) assertValidId(id, 'id');
    const couponId = id ?? generatedId('coupon', context.commandId);
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

/** Ends a coupon: it can no longer be applied; the accounts that have it keep it until it is removed from them. */
@CommandHandler(DeactivateCouponCommand)
export class DeactivateCouponHandler implements ICommandHandler<DeactivateCouponCommand, CommandOutcome<CouponView>> {
  constructor(private readonly runner: DeciderRunner) {}

  async execute({ data: { couponId, reason }, context }: DeactivateCouponCommand): Promise<CommandOutcome<CouponView>> {
    assertValidId(couponId, 'id');
    const outcome = await this.runner.run(couponDecider, couponStream(context.tenantId, couponId), { type: 'DeactivateCoupon', data: { couponId, reason, today: context.businessDate } }, context);
    return { body: couponView(outcome.state as CouponState), position: outcome.position };
  }
}

/**
 * Takes the coupon set on an account off it: the account's next invoices (and its descendants', unless a nearer
 * account has its own) no longer get it. The account's coupon is read from its read model once that has caught up
 * with the log (bounded wait), since applying another coupon replaces it in another coupon's stream.
 */
@CommandHandler(RemoveCouponCommand)
export class RemoveCouponHandler implements ICommandHandler<RemoveCouponCommand, CommandOutcome<{ accountId: string; couponId: string; removedOn: string; reason: string }>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute({ data: { accountId, couponId, reason }, context }: RemoveCouponCommand) {
    assertValidId(couponId, 'couponId');
    if ((await loadAccount(this.events, context.tenantId, accountId)) === null) throw new NotFoundError('Account', accountId);
    await this.readYourWrites.waitFor(await this.events.headPosition());
    const onAccount = await this.store.get<{ couponId: string }>(ACCOUNT_COUPONS, context.tenantId, accountId);
    const outcome = await this.runner.run(
      couponDecider,
      couponStream(context.tenantId, couponId),
      { type: 'RemoveCoupon', data: { couponId, accountId, couponOnAccount: onAccount?.couponId ?? null, reason, today: context.businessDate } },
      context,
    );
    // `written`: a repeat of the same request (Idempotency-Key) is answered with what it did the first time.
    const [removed] = outcome.written as Array<{ data: { removedOn: string; reason: string } }>;
    return { body: { accountId, couponId, removedOn: removed.data.removedOn, reason: removed.data.reason }, position: outcome.position };
  }
}
