import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { usagePoolStream, poolDecider } from '../domain/pool.decider';
import { PlanService, Pricing } from '../../catalog/domain';
import { checkPoolSetting, OwnerPlanInstance, parsePoolBody, PoolSetFacts } from '../domain/pool-input';
import { PoolMembers } from '../domain/pool.events';
import { assertValidId } from '../../shared-kernel/ids';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { findAll } from '../../platform/read-store/find-all';
import { ACCOUNTS, HIERARCHY } from '../../accounts/read-model';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { PLAN_VERSIONS, planVersionId } from '../../catalog/read-model';
import { loadAccount } from '../../accounts';

/** The answer of PUT /v1/accounts/{id}/usage-pools/{serviceId}. */
export interface UsagePoolView {
  accountId: string;
  serviceId: string;
  currency: string;
  members: PoolMembers;
  /** The setting holds from this business date on. */
  effectiveDate: string;
  /** The owner's plan instance whose service price and billing periods the pool uses. */
  planInstanceId: string;
  pricing: Pricing;
}

export class SetUsagePoolCommand extends Command<{ ownerAccountId: string; serviceId: string; body: unknown }> {}

/**
 * Sets (or changes) the pool of an owner account for a usage service, from today. The owner comes from its own
 * stream; its plan instances, plan versions and the listed members (currency, ancestors) from read models; the
 * domain checks them (`checkPoolSetting`) before anything is written.
 */
@CommandHandler(SetUsagePoolCommand)
export class SetUsagePoolHandler implements ICommandHandler<SetUsagePoolCommand, CommandOutcome<UsagePoolView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  async execute({ data: { ownerAccountId, serviceId, body }, context }: SetUsagePoolCommand): Promise<CommandOutcome<UsagePoolView>> {
    assertValidId(serviceId, 'serviceId');
    const given = parsePoolBody(body);
    const facts = await this.facts(context.tenantId, ownerAccountId, given);
    const source = checkPoolSetting(ownerAccountId, serviceId, given, facts);
    // Kept in id order: the same list in another order is the same pool.
    const members = given === 'descendants' ? given : [...given].sort();
    const currency = (facts.owner as { currency: string }).currency;
    const effectiveDate = context.businessDate;
    const outcome = await this.runner.run(
      poolDecider,
      usagePoolStream(context.tenantId, ownerAccountId, serviceId),
      { type: 'SetUsagePool', data: { ownerAccountId, serviceId, currency, members, effectiveDate, source } },
      context,
    );
    const pool = outcome.state.pool;
    const setting = pool?.settings[pool.settings.length - 1];
    return {
      body: {
        accountId: ownerAccountId,
        serviceId,
        currency,
        members: setting?.members ?? members,
        effectiveDate: setting?.effectiveDate ?? effectiveDate,
        planInstanceId: pool?.source.planInstanceId ?? source.planInstanceId,
        pricing: pool?.source.pricing ?? source.pricing,
      },
      position: outcome.position,
    };
  }

  private async facts(tenantId: string, ownerAccountId: string, members: PoolMembers): Promise<PoolSetFacts> {
    const owner = await loadAccount(this.events, tenantId, ownerAccountId);
    const instances = owner ? await findAll<PlanInstanceDoc>(this.store, PLAN_INSTANCES, tenantId, { filter: { accountId: ownerAccountId } }) : [];
    const ownerInstances: OwnerPlanInstance[] = [];
    for (const doc of instances.filter((instance) => instance.status === 'active')) {
      const version = await this.store.get<{ services: PlanService[] }>(PLAN_VERSIONS, tenantId, planVersionId(doc.planId, doc.planVersion));
      ownerInstances.push({
        planInstanceId: doc.id,
        planId: doc.planId,
        planVersion: doc.planVersion,
        startDate: doc.startDate,
        grid: { anchorDate: doc.anchorDate, billDay: doc.billDay, interval: doc.billingInterval },
        services: version?.services ?? [],
      });
    }
    const listed = members === 'descendants' ? [] : members;
    const currencies = new Map((await this.store.getMany<{ currency: string }>(ACCOUNTS, tenantId, listed)).map((doc) => [doc.id, doc.currency]));
    const ancestors = new Map((await this.store.getMany<{ ancestors: string[] }>(HIERARCHY, tenantId, listed)).map((doc) => [doc.id, doc.ancestors]));
    return {
      owner: owner ? { currency: owner.currency } : null,
      ownerInstances,
      members: new Map(listed.map((id) => [id, currencies.has(id) ? { currency: currencies.get(id) as string, ancestors: ancestors.get(id) ?? [] } : null])),
    };
  }
}
