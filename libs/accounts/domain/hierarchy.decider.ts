import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError } from '../../shared-kernel/errors';
import { HierarchyEvent } from './hierarchy.events';
import { streamName } from '../../shared-kernel/streams';

export type HierarchyCommand = {
  type: 'SetParent';
  /** `parentAccountId: null` detaches the account (it becomes a root). Both accounts are known to exist. */
  data: { accountId: string; parentAccountId: string | null; effectiveDate: CalendarDate };
};

/** Every account's parent in the tenant (roots are absent). */
export type HierarchyState = { parents: ReadonlyMap<string, string> };

/**
 * The links of one tenant's hierarchy. All link changes of a tenant go through this one aggregate, so
 * a change is decided knowing every other: two requests that would together make a cycle cannot both
 * pass (the second conflicts on the stream revision, is decided again and refused).
 */
export const hierarchyDecider: Decider<HierarchyCommand, HierarchyEvent, HierarchyState> = {
  initialState: { parents: new Map() },
  decide(command, state) {
    switch (command.type) {
      case 'SetParent':
        return setParent(command.data, state);
      default:
        return assertNever(command.type);
    }
  },
  evolve(state, event) {
    const parents = new Map(state.parents);
    applyLink(parents, event);
    return { parents };
  },
  // One map for the whole stream: evolve copies it per event, which is quadratic over a long history.
  fold(events) {
    const parents = new Map<string, string>();
    for (const event of events) applyLink(parents, event);
    return { parents };
  },
};

function setParent({ accountId, parentAccountId, effectiveDate }: HierarchyCommand['data'], state: HierarchyState): HierarchyEvent[] {
  const current = state.parents.get(accountId) ?? null;
  if (parentAccountId === current) return []; // already so: a repeat changes nothing
  if (parentAccountId === null) {
    return [{ type: 'AccountDetached', data: { accountId, previousParentAccountId: current as string, effectiveDate } }];
  }
  assertNoCycle(accountId, parentAccountId, state.parents);
  return [{ type: 'AccountParented', data: { accountId, parentAccountId, previousParentAccountId: current, effectiveDate } }];
}

/**
 * Refuses a link that would make a cycle: the parent is the account itself or one of its descendants. Also
 * checked before an account created under a parent is written, so a refused creation writes nothing.
 */
export function assertNoCycle(accountId: string, parentAccountId: string, parents: ReadonlyMap<string, string>): void {
  const chain = ancestryOf(parentAccountId, parents);
  if (parentAccountId === accountId || chain.includes(accountId)) {
    const loop = [accountId, ...[parentAccountId, ...chain].slice(0, [parentAccountId, ...chain].indexOf(accountId) + 1)];
    throw new ConflictError(`Linking ${accountId} under ${parentAccountId} would make a cycle: ${loop.join(' → ')}`, [
      { field: 'parentAccountId', rule: 'noCycle', message: `${parentAccountId} is ${accountId} itself or one of its descendants` },
    ]);
  }
}

/** The account's ancestors, nearest first. */
export function ancestryOf(accountId: string, parents: ReadonlyMap<string, string>): string[] {
  const chain: string[] = [];
  for (let parent = parents.get(accountId); parent !== undefined; parent = parents.get(parent)) chain.push(parent);
  return chain;
}

function applyLink(parents: Map<string, string>, event: HierarchyEvent): void {
  switch (event.type) {
    case 'AccountParented':
      parents.set(event.data.accountId, event.data.parentAccountId);
      return;
    case 'AccountDetached':
      parents.delete(event.data.accountId);
      return;
    default:
      assertNever(event);
  }
}

/** One stream per tenant holds every link, so each link is decided against the whole tree (no cycle slips in). */
export function hierarchyStream(tenantId: string): string {
  return streamName('hierarchy', tenantId, 'links');
}
