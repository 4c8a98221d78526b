import { ReadStore } from '../../platform/read-store/read-store.port';
import { DunningStep, DunningTarget, matchDunningGroup } from '../domain';
import { DUNNING_GROUPS, DUNNING_PROCESS_VERSIONS, DUNNING_PROCESSES, DunningGroupDoc, DunningProcessDoc, processVersionId } from './dunning-definitions.projection';

/** One version of a process, as a dunning case takes it. */
export interface DunningProcessSnapshot {
  processId: string;
  name: string;
  version: number;
  steps: DunningStep[];
}

/** A group's page: more groups than this per tenant are read page by page. */
const GROUP_PAGE = 1000;

/** Every group of a tenant, in creation order. */
export async function dunningGroups(store: ReadStore, tenantId: string): Promise<DunningGroupDoc[]> {
  const groups: DunningGroupDoc[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find<DunningGroupDoc>(DUNNING_GROUPS, tenantId, { sortBy: 'sequence', limit: GROUP_PAGE, ...(cursor ? { cursor } : {}) });
    groups.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== undefined);
  return groups;
}

/** What resolving a process reads: the read store itself, or a cache in front of it (./definitions-cache.ts). */
export interface DunningDefinitionReads {
  /** Every group of a tenant, in creation order. */
  groups(tenantId: string): Promise<DunningGroupDoc[]>;
  /** The latest version of a process; null when there is no such process. */
  latestVersion(tenantId: string, processId: string): Promise<DunningProcessSnapshot | null>;
}

/** The definitions as the read store has them now. */
export function storedDefinitions(store: ReadStore): DunningDefinitionReads {
  return { groups: (tenantId) => dunningGroups(store, tenantId), latestVersion: (tenantId, processId) => dunningProcessVersion(store, tenantId, processId) };
}

/**
 * The process that applies to a plan instance (group-matching.ts): the latest version of the matched group's
 * process; null when no group matches (or, never expected, its process is missing).
 */
export async function resolveDunningProcess(
  reads: DunningDefinitionReads,
  tenantId: string,
  target: { dunningGroupId: string | null; planId: string | null; channel: string | null; country: string | null; language: string | null },
): Promise<{ groupId: string; processId: string; name: string; version: number; steps: DunningStep[] } | null> {
  const group = matchDunningGroup(await reads.groups(tenantId), target satisfies DunningTarget);
  if (group === null) return null;
  const process = await reads.latestVersion(tenantId, group.processId);
  return process === null ? null : { groupId: group.groupId, ...process };
}

/** A version of a process (the latest when `version` is omitted); null when there is no such process or version. */
export async function dunningProcessVersion(store: ReadStore, tenantId: string, processId: string, version?: number): Promise<DunningProcessSnapshot | null> {
  const doc =
    version === undefined
      ? await store.get<DunningProcessDoc>(DUNNING_PROCESSES, tenantId, processId)
      : await store.get<DunningProcessDoc>(DUNNING_PROCESS_VERSIONS, tenantId, processVersionId(processId, version));
  if (doc === null) return null;
  return { processId: doc.processId, name: doc.name, version: doc.version, steps: doc.steps };
}

/** Whether a group exists: the plan-instances context checks the dunningGroupId an instance names. */
export async function dunningGroupExists(store: ReadStore, tenantId: string, groupId: string): Promise<boolean> {
  return (await store.get(DUNNING_GROUPS, tenantId, groupId)) !== null;
}
