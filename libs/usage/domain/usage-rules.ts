import { CalendarDate } from '../../shared-kernel/calendar-date';
import { ErrorDetail, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { inRanges } from '../../pools/domain';
import { Period, periodContaining, BillingGrid } from '../../plan-instances/domain';
import { UsageRecordInput } from './usage-record';

/** An active plan instance of the account, as the usage rules need it. */
export interface HeldPlanInstance {
  planInstanceId: string;
  startDate: CalendarDate;
  /** The first day of the instance's billing period that contains today (never before its start). */
  currentPeriodStart: CalendarDate;
  /** The usage services of the plan version it holds. */
  usageServiceIds: ReadonlySet<string>;
}

/** What the rules need, gathered by the caller from the read models before anything is decided. */
export interface UsageFacts {
  /** The tenant's business date. */
  today: CalendarDate;
  /** The tenant's `settings.allowLateUsage`. */
  allowLateUsage: boolean;
  /** Per account named in the records: its active plan instances, or null when there is no such account. */
  accounts: ReadonlyMap<string, readonly HeldPlanInstance[] | null>;
  /**
   * Per `poolRatedKey(accountId, serviceId)`: the days a usage pool has already rated (DOMAIN.md §6). Usage dated
   * on them is late even while the account's own period is open: the pool will not price it again.
   */
  poolRated?: ReadonlyMap<string, readonly Period[]>;
}

export function poolRatedKey(accountId: string, serviceId: string): string {
  return `${accountId}\u0000${serviceId}`;
}

/** A record that passed every rule; `late` when it is dated in a closed period (accepted because the tenant allows it). */
export interface AcceptedUsage extends UsageRecordInput {
  late: boolean;
}

/**
 * The first day of the period of `grid` that contains `today`, or the instance's start when today is still in
 * its first (stub) period. Usage dated before it belongs to a period that has closed: its invoice is out.
 */
export function currentPeriodStart(grid: BillingGrid, startDate: CalendarDate, today: CalendarDate): CalendarDate {
  if (today < startDate) return startDate;
  const from = periodContaining(grid, today).from;
  return from < startDate ? startDate : from;
}

/**
 * The rules of the domain, over a whole request at once (`fieldOf(i, 'serviceId')` names a record's field:
 * `serviceId` for a single record, `records[3].serviceId` in a batch). In order:
 *
 * 1. every account exists in this tenant (404 naming the unknown ones; another tenant's account is unknown);
 * 2. per record (422, every violation reported): not dated after today (`future`); the service is a usage
 *    service of a plan version held by an active plan instance of the account (`serviceExists`); one of those
 *    instances had started by that date (`beforePlanStart`); the date is in the current billing period of one
 *    of them, else it is late: accepted and marked `late` when the tenant allows late usage, refused
 *    (`closedPeriod`) when not. A day a usage pool has already rated counts as closed.
 */
export function checkUsageRules(
  records: readonly UsageRecordInput[],
  facts: UsageFacts,
  fieldOf: (index: number, field: string) => string,
): AcceptedUsage[] {
  const unknown = [...new Set(records.map((record) => record.accountId))].filter((accountId) => !facts.accounts.get(accountId));
  if (unknown.length > 0) throw new UnknownAccountsError(unknown, records, fieldOf);

  const details: ErrorDetail[] = [];
  const accepted: AcceptedUsage[] = new Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const record = records[i];
    const { serviceId, occurredOn } = record;
    if (occurredOn > facts.today) {
      const field = fieldOf(i, 'occurredAt');
      details.push({ field, rule: 'future', message: `${field} is ${occurredOn}, after today's business date ${facts.today}: usage cannot be recorded ahead of time` });
      continue;
    }
    const instances = facts.accounts.get(record.accountId) as readonly HeldPlanInstance[];
    const holding = instances.filter((instance) => instance.usageServiceIds.has(serviceId));
    if (holding.length === 0) {
      const field = fieldOf(i, 'serviceId');
      const offered = [...new Set(instances.flatMap((instance) => [...instance.usageServiceIds]))].sort();
      details.push({
        field,
        rule: 'serviceExists',
        message:
          `${field} ${serviceId} is not a usage service of a plan held by an active plan instance of account ${record.accountId}` +
          ` (${offered.length > 0 ? `its usage services: ${offered.join(', ')}` : 'it holds no plan with usage services'})`,
      });
      continue;
    }
    const started = holding.filter((instance) => instance.startDate <= occurredOn);
    if (started.length === 0) {
      const field = fieldOf(i, 'occurredAt');
      const first = holding.map((instance) => instance.startDate).sort()[0];
      details.push({ field, rule: 'beforePlanStart', message: `${field} is ${occurredOn}, before the plan instance offering ${serviceId} started (${first})` });
      continue;
    }
    const ratedByPool = inRanges(occurredOn, facts.poolRated?.get(poolRatedKey(record.accountId, serviceId)) ?? []);
    const late = ratedByPool || !started.some((instance) => occurredOn >= instance.currentPeriodStart);
    if (late && !facts.allowLateUsage) {
      const field = fieldOf(i, 'occurredAt');
      const opened = started.map((instance) => instance.currentPeriodStart).sort()[0];
      details.push({
        field,
        rule: 'closedPeriod',
        message:
          (ratedByPool
            ? `${field} is ${occurredOn}, in a period its usage pool has already rated; `
            : `${field} is ${occurredOn}, in a billing period that has closed (the current one began ${opened}); `) +
          'this tenant does not accept late usage (settings.allowLateUsage)',
      });
      continue;
    }
    accepted[i] = { ...record, late };
  }
  if (details.length > 0) {
    const message =
      details.length === 1 ? details[0].message : `${details.length} records are refused: ${details.slice(0, 20).map((d) => d.message).join('; ')}${details.length > 20 ? '; …' : ''}`;
    throw new RuleViolationError(message, details);
  }
  return accepted;
}

/** 404 for accounts this tenant does not have, each record naming one reported under its `accountId`. */
export class UnknownAccountsError extends NotFoundError {
  constructor(accountIds: string[], records: readonly UsageRecordInput[], fieldOf: (index: number, field: string) => string) {
    super('Account', accountIds.join(', '));
    if (accountIds.length > 1) this.message = `Accounts ${accountIds.join(', ')} were not found`;
    const unknown = new Set(accountIds);
    records.forEach((record, i) => {
      if (!unknown.has(record.accountId)) return;
      const field = fieldOf(i, 'accountId');
      this.details.push({ field, rule: 'exists', message: `${field}: account ${record.accountId} was not found` });
    });
  }
}
