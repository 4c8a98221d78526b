import { addDays, CalendarDate } from '../../shared-kernel/calendar-date';
import { Period } from '../../plan-instances/domain';
import { PoolMembers } from './pool.events';

/**
 * Which pool covers an account's usage on a given day (DOMAIN.md §5, §6), from the history of the hierarchy's
 * links and the pools' settings. Pure: the caller gathers the links (read model `hierarchyLinks`) and the pools.
 *
 * - An account's usage on day D belongs to the nearest pool up its tree on D (the account itself first) that
 *   covers it: a `descendants` pool covers its owner and everything below it; a list pool its owner and the listed
 *   accounts while they are below it. A nearer pool that does not cover the account (a list without it) lets a
 *   farther one take it.
 * - Re-parenting mid-period splits the days: usage counts in the pool of the tree the account was in on the day
 *   it occurred.
 * - An account billed in another currency than the pool is never covered by it.
 */

/** One link period: the account's parent from `from` (inclusive) to `to` (exclusive); null parent: a root. */
export interface HierarchyLink {
  accountId: string;
  parentAccountId: string | null;
  from: CalendarDate;
  to: CalendarDate;
}

/** A pool's membership setting from `effectiveDate` on (until the next one). */
export interface PoolSetting {
  members: PoolMembers;
  effectiveDate: CalendarDate;
}

/** One pool of one usage service, as membership needs it; `settings` in order of effective date. */
export interface PoolDefinition {
  ownerAccountId: string;
  currency: string;
  settings: readonly PoolSetting[];
}

/** The days [from, to) of an account's usage that one pool covers. */
export interface CoveredRange extends Period {
  ownerAccountId: string;
}

/** The hierarchy over time: every account's parent on any day. Accounts without links are roots. */
export class HierarchyHistory {
  private readonly byAccount = new Map<string, HierarchyLink[]>();

  /** `links` in log order: of two links starting on one day, the later holds (the earlier is closed on that day). */
  constructor(links: Iterable<HierarchyLink>) {
    for (const link of links) {
      let list = this.byAccount.get(link.accountId);
      if (!list) this.byAccount.set(link.accountId, (list = []));
      list.push(link);
    }
  }

  /** Accounts that have (had) a parent. */
  accounts(): IterableIterator<string> {
    return this.byAccount.keys();
  }

  parentOn(accountId: string, day: CalendarDate): string | null {
    const links = this.byAccount.get(accountId);
    if (!links) return null;
    for (let i = links.length - 1; i >= 0; i--) {
      const link = links[i];
      if (link.from <= day && day < link.to) return link.parentAccountId;
    }
    return null;
  }

  /** Nearest first. The decider refuses cycles; a log that still had one stops at the repeat. */
  ancestorsOn(accountId: string, day: CalendarDate): string[] {
    const ancestors: string[] = [];
    const seen = new Set([accountId]);
    for (let parent = this.parentOn(accountId, day); parent !== null && !seen.has(parent); parent = this.parentOn(parent, day)) {
      ancestors.push(parent);
      seen.add(parent);
    }
    return ancestors;
  }

  /** Every day on which some link starts or ends. */
  changeDates(): CalendarDate[] {
    const dates: CalendarDate[] = [];
    for (const links of this.byAccount.values()) for (const link of links) dates.push(link.from, link.to);
    return dates;
  }
}

/** The setting of `pool` in force on `day`, or null before its first. */
export function settingOn(pool: PoolDefinition, day: CalendarDate): PoolSetting | null {
  let found: PoolSetting | null = null;
  for (const setting of pool.settings) if (setting.effectiveDate <= day) found = setting;
  return found;
}

/** Whether a pool set so covers `accountId`, whose ancestors on that day are `ancestors`. */
export function poolCovers(pool: PoolDefinition, setting: PoolSetting, accountId: string, ancestors: readonly string[]): boolean {
  if (accountId === pool.ownerAccountId) return true;
  if (!ancestors.includes(pool.ownerAccountId)) return false;
  return setting.members === 'descendants' || setting.members.includes(accountId);
}

/** Everything that decides membership, for one usage service. */
export interface MembershipContext {
  history: HierarchyHistory;
  /** The service's pools by owner. */
  pools: ReadonlyMap<string, PoolDefinition>;
  /** The currency each account is billed in (undefined: unknown account, never covered). */
  currencyOf(accountId: string): string | undefined;
}

/** The owner of the pool that covers the account's usage on `day`, or null (the account's own plan bills it). */
export function poolOwnerOn(accountId: string, day: CalendarDate, context: MembershipContext): string | null {
  const ancestors = context.history.ancestorsOn(accountId, day);
  for (const candidate of [accountId, ...ancestors]) {
    const pool = context.pools.get(candidate);
    if (!pool) continue;
    const setting = settingOn(pool, day);
    if (!setting || !poolCovers(pool, setting, accountId, ancestors)) continue;
    if (context.currencyOf(accountId) !== pool.currency) continue;
    return candidate;
  }
  return null;
}

/**
 * The period cut where anything membership depends on can change (a link starts or ends, a pool's setting takes
 * effect): inside a segment every account's pool is the same every day, so it is decided once per segment.
 */
export function membershipSegments(period: Period, context: Pick<MembershipContext, 'history' | 'pools'>): Period[] {
  const cuts = new Set<CalendarDate>([period.from]);
  const consider = (date: CalendarDate) => {
    if (date > period.from && date < period.to) cuts.add(date);
  };
  context.history.changeDates().forEach(consider);
  for (const pool of context.pools.values()) pool.settings.forEach((setting) => consider(setting.effectiveDate));
  const starts = [...cuts].sort();
  return starts.map((from, i) => ({ from, to: starts[i + 1] ?? period.to }));
}

/** The ranges of `period` in which a pool covers the account's usage, merged where one pool covers adjacent days. */
export function coverageOf(accountId: string, period: Period, context: MembershipContext, segments = membershipSegments(period, context)): CoveredRange[] {
  const ranges: CoveredRange[] = [];
  for (const segment of segments) {
    const owner = poolOwnerOn(accountId, segment.from, context);
    if (owner === null) continue;
    const last = ranges[ranges.length - 1];
    if (last && last.ownerAccountId === owner && last.to === segment.from) last.to = segment.to;
    else ranges.push({ ownerAccountId: owner, from: segment.from, to: segment.to });
  }
  return ranges;
}

/**
 * The members of `ownerAccountId`'s pool in `period` and the days each is in it: the owner and every account that
 * was below it on some day of the period (or is listed), each with the ranges this pool covers.
 */
export function poolMembersIn(ownerAccountId: string, period: Period, context: MembershipContext): Map<string, Period[]> {
  const segments = membershipSegments(period, context);
  const candidates = new Set<string>([ownerAccountId]);
  for (const accountId of context.history.accounts()) {
    if (segments.some((segment) => context.history.ancestorsOn(accountId, segment.from).includes(ownerAccountId))) candidates.add(accountId);
  }
  const members = new Map<string, Period[]>();
  for (const accountId of [...candidates].sort(byId)) {
    const ranges = coverageOf(accountId, period, context, segments).filter((range) => range.ownerAccountId === ownerAccountId);
    if (ranges.length > 0) members.set(accountId, ranges.map(({ from, to }) => ({ from, to })));
  }
  return members;
}

/** Every day of the ranges, in order. */
export function daysOf(ranges: readonly Period[]): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (const range of ranges) for (let day = range.from; day < range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

export function inRanges(day: CalendarDate, ranges: readonly Period[]): boolean {
  return ranges.some((range) => range.from <= day && day < range.to);
}

/** Account ids in code-unit order (the order of largest-remainder ties, DOMAIN.md §2). */
export function byId(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
