import { CalendarDate } from '../shared/calendar-date';
import { DomainEvent } from '../shared/decider';
import { Invoice } from '../invoicing/invoice';

/**
 * Pools of usage (DOMAIN.md §6), one stream per owner account and usage service
 * (`usagePool-<tenant>.<ownerAccountId>.<serviceId>`).
 */

/** `descendants`: the owner and every account below it on the day the usage occurred; a list: the owner and those accounts. */
export type PoolMembers = 'descendants' | string[];

/** The pool exists (or its members changed) from `effectiveDate` on. */
export type UsagePoolSet = DomainEvent<
  'UsagePoolSet',
  { ownerAccountId: string; serviceId: string; members: PoolMembers; effectiveDate: CalendarDate }
>;

/** One member's part of a rated period: what it used in the pool and its share of the pool's cost. */
export interface PoolMemberShare {
  accountId: string;
  /** Exact decimal string. */
  quantity: string;
  /** Minor units, by largest remainder over the members' quantities (ties to the lower account id). */
  amount: number;
}

/**
 * The pool's usage of the owner's period [from, to) was priced on its total and allocated to the members;
 * `invoices` are the members' invoices this posts (one per member with a non-zero share).
 */
export type PoolRated = DomainEvent<
  'PoolRated',
  {
    ownerAccountId: string;
    serviceId: string;
    periodStart: CalendarDate;
    /** Exclusive. */
    periodEnd: CalendarDate;
    currency: string;
    totalQuantity: string;
    /** Minor units: the pool's total, rounded once; the members' amounts add up to it. */
    amount: number;
    members: PoolMemberShare[];
    invoices: Invoice[];
  }
>;
