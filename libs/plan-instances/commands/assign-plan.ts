import { Inject, Optional } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { METADATA_DESCRIPTION } from '../../shared-kernel/metadata';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { planInstanceStream } from '../domain/plan-instance.decider';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { assertValidId, deterministicUuid, isValidId } from '../../shared-kernel/ids';
import { AssignPlan } from '../domain/plan-instance.commands';
import { TenantView } from '../../tenancy/domain';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { loadAccount } from '../../accounts';
import { loadPlanSnapshot } from '../../catalog';
import { billingFacts } from './billing-lookups';
import { BillingCommandDto } from './plan-instance.dto';
import { decidePlanInstance, PlanInstanceResponse } from './plan-instance-response';
import { DUNNING_GROUP_DIRECTORY, DunningGroupDirectory } from './dunning-groups.port';

export class AssignPlanDto extends BillingCommandDto {
  @ApiPropertyOptional({ description: 'Your own id for the plan instance (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 'basic' })
  @IsOptional()
  planId: unknown;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'A whole number from 1' })
  @IsOptional()
  quantity?: unknown;

  @ApiPropertyOptional({
    example: 'active',
    default: 'active',
    description: "active, suspended or one of the tenant's settings.customStatuses (not terminated, not cancelled); billed only while billable",
  })
  @IsOptional()
  status?: unknown;

  @ApiPropertyOptional({ description: 'Which payment method pays this plan instance (a reference; billing groups come with payments)' })
  @IsOptional()
  billingGroupId?: unknown;

  @ApiPropertyOptional({ description: 'Which dunning group applies: one of the tenant\'s dunning groups (400 knownDunningGroup otherwise)' })
  @IsOptional()
  dunningGroupId?: unknown;

  @ApiPropertyOptional({ example: '2019-02-02', description: "A start in the past (never the future), at most the tenant's settings.maxRetroactivePeriods (default 120) periods back and not before 1900-01-01; every period begun by today is invoiced at once" })
  @IsOptional()
  retroactiveStartDate?: unknown;

  @ApiPropertyOptional({
    example: '2027-03-01',
    description: 'A start today or later (not with retroactiveStartDate; before today 422 notInPast). Later than today: the instance is "pending", nothing is billed now; the bill run starts and bills it on that business day exactly as an assignment made that day',
  })
  @IsOptional()
  startDate?: unknown;

  @ApiPropertyOptional({ example: 22, description: 'Bill day 1–31, honoured when invoicingOption is "prorated" (a stub pays for the days up to it); ignored with a warning otherwise' })
  @IsOptional()
  altBillDay?: unknown;

  @ApiPropertyOptional({ enum: ['full', 'prorated'], default: 'full' })
  @IsOptional()
  invoicingOption?: unknown;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { contract: 'K-77' }, description: `${METADATA_DESCRIPTION} Operators only.` })
  @IsOptional()
  metadata?: unknown;
}

/** `withScheduledInvoice`: answer `scheduledInvoice` too (the HTTP API does; a simulation others need not pay for). */
export class AssignPlanCommand extends Command<{ tenant: TenantView; accountId: string; input: AssignPlanDto; withScheduledInvoice?: boolean }> {}

/** Two assignments racing for the same generated id: the loser takes the next one. */
const MAX_ID_ATTEMPTS = 5;

/**
 * POST /v1/accounts/{id}/plan-instances. The account, the plan and (for a preview) everything else are read
 * at this moment, so `doWrite: false` answers exactly what a commit now would, and writes nothing.
 */
@CommandHandler(AssignPlanCommand)
export class AssignPlanHandler implements ICommandHandler<AssignPlanCommand, CommandOutcome<PlanInstanceResponse>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Optional() @Inject(DUNNING_GROUP_DIRECTORY) private readonly dunningGroups?: DunningGroupDirectory,
  ) {}

  async execute({ data: { tenant, accountId, input, withScheduledInvoice }, context }: AssignPlanCommand): Promise<CommandOutcome<PlanInstanceResponse>> {
    const { id, doWrite, ...fields } = input;
    if (id !== undefined) assertValidId(id, 'id');
    await this.assertKnownDunningGroup(tenant.id, fields.dunningGroupId);
    const account = await loadAccount(this.runner, tenant.id, accountId);
    const plan = isValidId(fields.planId) ? await loadPlanSnapshot(this.events, tenant.id, fields.planId) : null;
    const facts = await billingFacts(this.store, tenant, context.businessDate, account, accountId, plan ? [plan.id] : []);
    for (let attempt = 1; ; attempt++) {
      const planInstanceId = id !== undefined ? id : await this.generatedId(tenant.id, accountId, context);
      const command: AssignPlan = {
        type: 'AssignPlan',
        data: {
          ...fields,
          ...facts,
          maxRetroactivePeriods: tenant.settings.maxRetroactivePeriods,
          planInstanceId,
          accountId,
          account: account && { currency: account.currency },
          plan,
        },
      };
      const stream = planInstanceStream(tenant.id, planInstanceId);
      try {
        return await decidePlanInstance(this.runner, stream, command, context, doWrite, withScheduledInvoice);
      } catch (error) {
        const lostRace = error instanceof ConflictError && id === undefined && context.idempotencyKey === undefined;
        if (!lostRace || attempt >= MAX_ID_ATTEMPTS) throw error;
      }
    }
  }

  /** Only a well-formed id is looked up: the decider names a malformed one. No directory bound: not checked. */
  private async assertKnownDunningGroup(tenantId: string, groupId: unknown): Promise<void> {
    if (!this.dunningGroups || !isValidId(groupId) || (await this.dunningGroups.exists(tenantId, groupId))) return;
    throw InvalidInputError.forField('dunningGroupId', 'knownDunningGroup', `dunningGroupId ${groupId} is not one of the tenant's dunning groups`);
  }

  /**
   * With an Idempotency-Key the id derives from it, so a repeat after a crash finds its own instance. Without
   * one, the id derives from the account and the first free ordinal, so a preview names the instance the
   * commit right after it creates.
   */
  private async generatedId(tenantId: string, accountId: string, context: CommandContext): Promise<string> {
    if (context.idempotencyKey !== undefined) return deterministicUuid(tenantId, 'planInstance', 'key', context.idempotencyKey);
    for (let ordinal = 1; ; ordinal++) {
      const candidate = deterministicUuid(tenantId, 'planInstance', accountId, String(ordinal));
      if ((await this.events.readStream(planInstanceStream(tenantId, candidate), { maxCount: 1 })).length === 0) return candidate;
    }
  }
}
