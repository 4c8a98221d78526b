import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';

/**
 * Link changes of a tenant's account hierarchy, all in one stream per tenant
 * (`hierarchy-<tenantId>.links`), so every change sees every other and a cycle can never form,
 * even when requests race. `effectiveDate` is the business date the link holds from.
 */
export type AccountParented = DomainEvent<
  'AccountParented',
  { accountId: string; parentAccountId: string; previousParentAccountId: string | null; effectiveDate: CalendarDate }
>;

/** The account became a root (a divestment). */
export type AccountDetached = DomainEvent<
  'AccountDetached',
  { accountId: string; previousParentAccountId: string; effectiveDate: CalendarDate }
>;

export type HierarchyEvent = AccountParented | AccountDetached;
