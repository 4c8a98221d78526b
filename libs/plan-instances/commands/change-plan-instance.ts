import { Inject } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { NotFoundError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { PlanInstanceCommand } from '../domain/plan-instance.commands';
import { PlanSnapshot } from '../domain/plan-instance.events';
import { TenantView } from '../../tenancy/domain';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { loadAccount } from '../../accounts';
import { loadPlanSnapshot } from '../../catalog';
import { billingFacts, instanceUsageFacts, loadPlanInstance } from './billing-lookups';
import { BILL_DATE_RESET, BillingCommandDto } from './plan-instance.dto';
import { decidePlanInstance, PlanInstanceResponse } from './plan-instance-response';

export class SwitchPlanDto extends BillingCommandDto {
  @ApiProperty({ example: 'premium' })
  @IsOptional()
  planId: unknown;

  @ApiPropertyOptional({ enum: ['now', 'nextBillDate'], default: 'now' })
  @IsOptional()
  effective?: unknown;

  @ApiPropertyOptional({ enum: ['keep', 'reset'], description: BILL_DATE_RESET })
  @IsOptional()
  billDateReset?: unknown;
}

export class ChangeQuantityDto extends BillingCommandDto {
  @ApiProperty({ example: 3, description: 'A whole number from 1' })
  @IsOptional()
  quantity: unknown;

  @ApiPropertyOptional({ enum: ['keep', 'reset'], description: BILL_DATE_RESET })
  @IsOptional()
  billDateReset?: unknown;
}

export class CancelPlanDto extends BillingCommandDto {
  @ApiPropertyOptional({
    example: 'now',
    default: 'now',
    description: '"now", "nextBillDate" or a date YYYY-MM-DD: the first day without the service (in the past: not before the period in force)',
  })
  @IsOptional()
  effective?: unknown;
}

export type PlanInstanceChange =
  | { type: 'SwitchPlan'; input: SwitchPlanDto }
  | { type: 'ChangePlanQuantity'; input: ChangeQuantityDto }
  | { type: 'CancelPlan'; input: CancelPlanDto };

/** `withScheduledInvoice`: answer `scheduledInvoice` too (the HTTP API does; a simulation others need not pay for). */
export class ChangePlanInstanceCommand extends Command<{ tenant: TenantView; planInstanceId: string; change: PlanInstanceChange; withScheduledInvoice?: boolean }> {}

/**
 * Switch, quantity change and cancellation: the instance's own stream says which account and plans are
 * involved; prices, the hierarchy and the account's payment terms are gathered, then the decider credits
 * and charges. `doWrite: false` previews the same decision without writing.
 */
@CommandHandler(ChangePlanInstanceCommand)
export class ChangePlanInstanceHandler implements ICommandHandler<ChangePlanInstanceCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { tenant, planInstanceId, change, withScheduledInvoice }, context }: ChangePlanInstanceCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const instance = isValidId(planInstanceId) ? await loadPlanInstance(this.events, tenant.id, planInstanceId) : null;
    if (instance === null) throw new NotFoundError('Plan instance', planInstanceId);
    const { doWrite, ...fields } = change.input;
    const newPlan = change.type === 'SwitchPlan' && isValidId(change.input.planId) ? await loadPlanSnapshot(this.events, tenant.id, change.input.planId) : null;
    const planIds = [instance.plan.id, ...(instance.pending?.kind === 'switch' ? [instance.pending.plan.id] : []), ...(newPlan ? [newPlan.id] : [])];
    const account = await loadAccount(this.events, tenant.id, instance.accountId);
    const usage = await instanceUsageFacts(this.store, tenant.id, instance, context.businessDate, newPlan);
    const facts = await billingFacts(this.store, tenant, context.businessDate, account, instance.accountId, planIds, usage);
    const command = { type: change.type, data: { ...fields, ...facts, planInstanceId, ...(change.type === 'SwitchPlan' ? { plan: newPlan as PlanSnapshot | null } : {}) } } as PlanInstanceCommand;
    const stream = planInstanceStream(tenant.id, planInstanceId);
    return decidePlanInstance(this.runner, stream, command, context, doWrite, withScheduledInvoice);
  }
}
