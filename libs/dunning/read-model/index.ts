import { Projector } from '../../platform/projection-runner/projector';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { DunningStep, DunningTarget, matchDunningGroup } from '../domain';
import {
  DUNNING_GROUPS,
  DUNNING_PROCESS_VERSIONS,
  DUNNING_PROCESSES,
  DunningGroupDoc,
  dunningGroupsProjection,
  DunningProcessDoc,
  dunningProcessesProjection,
  processVersionId,
} from './dunning-definitions.projection';
import { dunningCasesProjection } from './dunning-cases.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [dunningProcessesProjection, dunningGroupsProjection, dunningCasesProjection];

export { accountsInDunning, DUNNING_CASES, DunningCaseDoc, dunningCasesProjection, DunningHistoryEntry } from './dunning-cases.projection';

export {
  DUNNING_GROUPS,
  DUNNING_PROCESS_VERSIONS,
  DUNNING_PROCESSES,
  DunningGroupDoc,
  dunningGroupsProjection,
  DunningProcessDoc,
  dunningProcessesProjection,
  processVersionId,
} from './dunning-definitions.projection';

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

/**
 * The process that applies to a plan instance (group-matching.ts): the latest version of the matched group's
 * process; null when no group matches (or, never expected, its process is missing).
 */
export async function resolveDunningProcess(
  store: ReadStore,
  tenantId: string,
  target: { dunningGroupId: string | null; planId: string | null; channel: string | null; country: string | null; language: string | null },
): Promise<{ groupId: string; processId: string; name: string; version: number; steps: DunningStep[] } | null> {
  const group = matchDunningGroup(await dunningGroups(store, tenantId), target satisfies DunningTarget);
  if (group === null) return null;
  const process = await dunningProcessVersion(store, tenantId, group.processId);
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
