import { Inject, Injectable } from '@nestjs/common';
import { PlanService } from '../../catalog/domain';
import { CalendarDate, addDays } from '../../shared-kernel/calendar-date';
import { TenantView } from '../../tenancy/domain';
import { UsageRecordInput } from '../domain/usage-record';
import { currentPeriodStart, HeldPlanInstance, poolRatedKey, UsageFacts } from '../domain/usage-rules';
import { Period } from '../../plan-instances/domain';
import { PoolCoverage } from '../../pools/read-model';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { PLAN_INSTANCES, PlanInstanceDoc } from '../../plan-instances/read-model';
import { PLAN_VERSIONS, planVersionId } from '../../catalog/read-model';

const MAX_CACHED = 10_000;

/**
 * Gathers what the usage rules need from the read models: which accounts exist, their active plan instances,
 * the usage services of the plan versions they hold and the start of each instance's current period.
 *
 * Two things are remembered between requests because they cannot change: a plan version's services (a
 * version never changes once published) and the start of the period that contains a date on a grid (pure
 * arithmetic, but through Temporal, some 100 µs). Accounts and plan instances are read on every request.
 */
@Injectable()
export class UsageFactsLoader {
  private readonly usageServices = new Map<string, ReadonlySet<string>>();
  private readonly periodStarts = new Map<string, CalendarDate>();

  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  async load(tenant: TenantView, today: CalendarDate, records: readonly UsageRecordInput[]): Promise<UsageFacts> {
    const accountIds = [...new Set(records.map((record) => record.accountId))];
    const existing = new Set((await this.store.getMany(ACCOUNTS, tenant.id, accountIds)).map((doc) => doc.id));
    const held = await Promise.all(accountIds.map((accountId) => (existing.has(accountId) ? this.instancesOf(tenant.id, accountId, today) : null)));
    return {
      today,
      // Tenants created before the setting existed do not have it: false.
      allowLateUsage: tenant.settings.allowLateUsage === true,
      accounts: new Map(accountIds.map((accountId, i) => [accountId, held[i]])),
      poolRated: await this.poolRated(tenant.id, today, records, existing),
    };
  }

  /**
   * The days each (account, service) of the records has had rated by a usage pool, from its earliest record on.
   * Read fresh per request (a pool changes whenever it rates); a service without pools costs one query.
   */
  private async poolRated(tenantId: string, today: CalendarDate, records: readonly UsageRecordInput[], existing: ReadonlySet<string>): Promise<Map<string, Period[]>> {
    const earliest = new Map<string, UsageRecordInput>();
    for (const record of records) {
      const key = poolRatedKey(record.accountId, record.serviceId);
      const known = earliest.get(key);
      if (existing.has(record.accountId) && (!known || record.occurredOn < known.occurredOn)) earliest.set(key, record);
    }
    const coverage = new PoolCoverage(this.store, tenantId);
    const rated = new Map<string, Period[]>();
    for (const [key, record] of earliest) {
      if (record.occurredOn > today) continue; // refused as future anyway
      const ranges = await coverage.ratedRanges(record.accountId, record.serviceId, record.occurredOn, addDays(today, 1));
      if (ranges.length > 0) rated.set(key, ranges);
    }
    return rated;
  }

  private async instancesOf(tenantId: string, accountId: string, today: CalendarDate): Promise<HeldPlanInstance[]> {
    const held: HeldPlanInstance[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.find<PlanInstanceDoc>(PLAN_INSTANCES, tenantId, {
        // On accountId alone: with status too, SQLite may pick the status index and scan every active instance.
        filter: { accountId },
        limit: 1000,
        ...(cursor ? { cursor } : {}),
      });
      for (const doc of page.items) {
        if (doc.status !== 'active') continue;
        held.push({
          planInstanceId: doc.id,
          startDate: doc.startDate,
          currentPeriodStart: this.periodStart(doc, today),
          usageServiceIds: await this.usageServicesOf(tenantId, doc.planId, doc.planVersion),
        });
      }
      cursor = page.nextCursor;
    } while (cursor);
    return held;
  }

  private periodStart(doc: PlanInstanceDoc, today: CalendarDate): CalendarDate {
    const { anchorDate, billDay, billingInterval, startDate } = doc;
    const key = `${anchorDate} ${billDay} ${billingInterval.unit} ${billingInterval.count} ${startDate} ${today}`;
    let start = this.periodStarts.get(key);
    if (start === undefined) {
      start = currentPeriodStart({ anchorDate, billDay, interval: billingInterval }, startDate, today);
      remember(this.periodStarts, key, start);
    }
    return start;
  }

  private async usageServicesOf(tenantId: string, planId: string, version: number): Promise<ReadonlySet<string>> {
    const key = `${tenantId}/${planVersionId(planId, version)}`;
    const known = this.usageServices.get(key);
    if (known) return known;
    const doc = await this.store.get<{ services: PlanService[] }>(PLAN_VERSIONS, tenantId, planVersionId(planId, version));
    const services = new Set((doc?.services ?? []).filter((service) => service.type === 'usage').map((service) => service.id));
    // A version not projected yet (impossible once an instance holds it) is not remembered.
    if (doc) remember(this.usageServices, key, services);
    return services;
  }
}

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  if (map.size >= MAX_CACHED) map.clear();
  map.set(key, value);
}
