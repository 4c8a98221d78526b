/**
 * Which dunning group applies to a plan instance (DOMAIN.md §9): the group it names, else the most specific
 * group whose every criterion matches. Pure: the caller reads the groups.
 */

export interface MatchableGroup {
  groupId: string;
  /** null: any plan. */
  planIds: readonly string[] | null;
  channel: string | null;
  country: string | null;
  language: string | null;
  /** Creation order (the log position of its creation): the earliest wins a tie. */
  sequence: number;
}

export interface DunningTarget {
  dunningGroupId: string | null;
  planId: string | null;
  channel: string | null;
  country: string | null;
  language: string | null;
}

/**
 * A named group wins outright; a name that matches no group falls back to the criteria (the instance is dunned
 * by the best fit rather than not at all). Then: every criterion the group sets must equal the target's (a target
 * without a value matches no group that sets that criterion); most criteria set wins; ties go to the earliest.
 */
export function matchDunningGroup<G extends MatchableGroup>(groups: readonly G[], target: DunningTarget): G | null {
  if (target.dunningGroupId !== null) {
    const named = groups.find((group) => group.groupId === target.dunningGroupId);
    if (named) return named;
  }
  let best: G | null = null;
  for (const group of groups) {
    if (!matches(group, target)) continue;
    if (best === null || better(group, best)) best = group;
  }
  return best;
}

/** How many criteria a group sets (0 to 4): a group with none is the tenant's default. */
export function specificity(group: MatchableGroup): number {
  return [group.planIds, group.channel, group.country, group.language].filter((criterion) => criterion !== null).length;
}

function matches(group: MatchableGroup, target: DunningTarget): boolean {
  if (group.planIds !== null && (target.planId === null || !group.planIds.includes(target.planId))) return false;
  if (group.channel !== null && group.channel !== target.channel) return false;
  if (group.country !== null && group.country !== target.country) return false;
  if (group.language !== null && group.language !== target.language) return false;
  return true;
}

function better(candidate: MatchableGroup, best: MatchableGroup): boolean {
  const difference = specificity(candidate) - specificity(best);
  return difference > 0 || (difference === 0 && candidate.sequence < best.sequence);
}
