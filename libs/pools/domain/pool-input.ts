import { PlanService } from '../../catalog/domain';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import { ErrorDetail, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { BillingGrid } from '../../plan-instances/domain';
import { PoolMembers, PoolPriceSource } from './pool.events';

/** At most this many accounts in a chosen list (a bigger pool is `descendants`). */
export const MAX_LISTED_MEMBERS = 10_000;

/** The body of PUT /v1/accounts/{id}/usage-pools/{serviceId}: `{ members?: "descendants" | [accountId] }` (default descendants). */
export function parsePoolBody(body: unknown): PoolMembers {
  if (body === undefined || body === null) return 'descendants';
  if (typeof body !== 'object' || Array.isArray(body)) throw InvalidInputError.forField('body', 'type', 'the body must be an object { members?: "descendants" | [accountId] }');
  const details: ErrorDetail[] = [];
  for (const field of Object.keys(body)) {
    if (field !== 'members') details.push({ field, rule: 'unknownField', message: `${field} is not a field of a usage pool (allowed: members)` });
  }
  const members = (body as { members?: unknown }).members;
  let parsed: PoolMembers = 'descendants';
  if (members === undefined || members === 'descendants') parsed = 'descendants';
  else if (!Array.isArray(members) || members.length === 0 || members.length > MAX_LISTED_MEMBERS) {
    details.push({ field: 'members', rule: 'members', message: `members must be "descendants" or a list of 1 to ${MAX_LISTED_MEMBERS} account ids` });
  } else {
    const seen = new Set<string>();
    members.forEach((id, i) => {
      if (!isValidId(id)) details.push({ field: `members[${i}]`, rule: 'id', message: `members[${i}] must be an account id (got ${JSON.stringify(id)})` });
      else if (seen.has(id)) details.push({ field: `members[${i}]`, rule: 'unique', message: `members[${i}]: account ${id} is listed twice` });
      else seen.add(id);
    });
    parsed = [...seen]; // in the given order, so members[i] in later errors names what the caller sent
  }
  if (details.length > 0) throw new InvalidInputError(details.map((d) => d.message).join('; '), details);
  return parsed;
}

/** An active plan instance of the owner, with what pricing a pool needs of it. */
export interface OwnerPlanInstance {
  planInstanceId: string;
  planId: string;
  planVersion: number;
  startDate: CalendarDate;
  grid: BillingGrid;
  services: readonly PlanService[];
}

/** What setting a pool is checked against, gathered by the caller from the log and read models. */
export interface PoolSetFacts {
  owner: { currency: string } | null;
  ownerInstances: readonly OwnerPlanInstance[];
  /** Per listed member: its currency and ancestors today (nearest first), or null when the tenant has no such account. */
  members: ReadonlyMap<string, { currency: string; ancestors: readonly string[] } | null>;
}

/**
 * The rules of setting a pool, in order: the owner exists (404); the service is a usage service of a plan the owner
 * holds through an active plan instance (422 `serviceExists` / `usageService` on `serviceId`; the earliest such
 * instance prices and periods the pool); each listed member exists (404 `exists`), is billed in the owner's
 * currency (422 `sameCurrency`) and is below the owner (422 `descendant`). Returns the price source.
 */
export function checkPoolSetting(ownerAccountId: string, serviceId: string, members: PoolMembers, facts: PoolSetFacts): PoolPriceSource {
  if (!facts.owner) throw new NotFoundError('Account', ownerAccountId);
  const holding = facts.ownerInstances
    .filter((instance) => instance.services.some((service) => service.id === serviceId))
    .sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.planInstanceId < b.planInstanceId ? -1 : 1));
  const usage = holding.find((instance) => instance.services.some((service) => service.id === serviceId && service.type === 'usage'));
  if (!usage) {
    const message =
      holding.length > 0
        ? `serviceId ${serviceId} is a recurring service: only a usage service can be pooled`
        : `serviceId ${serviceId} is not a service of a plan held by an active plan instance of account ${ownerAccountId}: a pool is priced and billed by the owner's plan`;
    throw new RuleViolationError(message, [{ field: 'serviceId', rule: holding.length > 0 ? 'usageService' : 'serviceExists', message }]);
  }
  if (members !== 'descendants') {
    // The owner is always a member: listing it is allowed and checks nothing.
    const unknown = members.filter((id) => id !== ownerAccountId && !facts.members.get(id));
    if (unknown.length > 0) {
      const error = new NotFoundError('Account', unknown.join(', '));
      members.forEach((id, i) => {
        if (id !== ownerAccountId && !facts.members.get(id)) error.details.push({ field: `members[${i}]`, rule: 'exists', message: `members[${i}]: account ${id} was not found` });
      });
      throw error;
    }
    const details: ErrorDetail[] = [];
    members.forEach((id, i) => {
      const member = facts.members.get(id) as { currency: string; ancestors: readonly string[] };
      const field = `members[${i}]`;
      if (id === ownerAccountId) return;
      if (member.currency !== facts.owner?.currency) {
        details.push({ field, rule: 'sameCurrency', message: `${field}: account ${id} is billed in ${member.currency}, the pool in ${facts.owner?.currency}` });
      } else if (!member.ancestors.includes(ownerAccountId)) {
        details.push({ field, rule: 'descendant', message: `${field}: account ${id} is not below ${ownerAccountId} in the hierarchy` });
      }
    });
    if (details.length > 0) throw new RuleViolationError(details.map((d) => d.message).join('; '), details);
  }
  const service = usage.services.find((s) => s.id === serviceId && s.type === 'usage') as PlanService;
  return { planInstanceId: usage.planInstanceId, planId: usage.planId, planVersion: usage.planVersion, serviceName: service.name, pricing: service.pricing, grid: usage.grid };
}
