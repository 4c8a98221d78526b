import { Pricing } from '../../catalog/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import { Invoice, BillingGrid } from '../../plan-instances/domain';

/**
 * Pools of usage (DOMAIN.md §6), one stream per owner account and usage service
 * (`usagePool-<tenant>.<ownerAccountId>.<serviceId>`, see `poolStreamEntity`).
 */

/** `descendants`: the owner and every account below it on the day the usage occurred; a list: the owner and those accounts (while below it). */
export type PoolMembers = 'descendants' | string[];

/**
 * What the pool is priced and rated by, copied from the owner's plan instance when the pool is set (as PlanAssigned
 * copies the plan version): the stream alone then says how every period is rated, with no catalog read on replay.
 */
export interface PoolPriceSource {
  planInstanceId: string;
  planId: string;
  planVersion: number;
  serviceName: string;
  pricing: Pricing;
  /** The owner's billing grid: the pool's periods are the owner's periods. */
  grid: BillingGrid;
}

/** The pool exists (or its members changed) from `effectiveDate` on. */
export type UsagePoolSet = DomainEvent<
  'UsagePoolSet',
  {
    ownerAccountId: string;
    serviceId: string;
    currency: string;
    members: PoolMembers;
    effectiveDate: CalendarDate;
    source: PoolPriceSource;
  }
>;

/** One member's part of a rated period: what it used in the pool and its share of the pool's cost. */
export interface PoolMemberShare {
  accountId: string;
  /** Exact decimal string. */
  quantity: string;
  /** Minor units, by largest remainder over the members' quantities (ties to the lower account id). */
  amount: number;
}

/** What every part of one period's rating shares: the pool's total and its price. */
export interface PoolRatingHeader {
  periodStart: CalendarDate;
  /** Exclusive. */
  periodEnd: CalendarDate;
  currency: string;
  totalQuantity: string;
  /** Minor units: the pool's total, rounded once; the members' amounts add up to it. */
  amount: number;
  memberCount: number;
  /** How many PoolRated parts the rating posts (each of at most RATING_PART_SIZE members). */
  parts: number;
}

/**
 * Part `part` (0-based) of the rating of the owner's period [periodStart, periodEnd): the pool's usage priced on
 * its total and allocated to the members; `invoices` are the invoices of this part's members (one per member
 * with pooled usage). A big pool is rated in several parts so that no append is huge.
 */
export type PoolRated = DomainEvent<
  'PoolRated',
  PoolRatingHeader & {
    ownerAccountId: string;
    serviceId: string;
    part: number;
    members: PoolMemberShare[];
    invoices: Invoice[];
  }
>;

/** Every part of the period's rating is posted (or the pool used nothing): the next period is the one after. */
export type PoolRatingPosted = DomainEvent<'PoolRatingPosted', PoolRatingHeader & { ownerAccountId: string; serviceId: string }>;

export type PoolEvent = UsagePoolSet | PoolRated | PoolRatingPosted;
