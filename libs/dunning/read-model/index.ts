import { Projector } from '../../platform/projection-runner/projector';
import { dunningGroupsProjection, dunningProcessesProjection } from './dunning-definitions.projection';
import { dunningCasesProjection } from './dunning-cases.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [dunningProcessesProjection, dunningGroupsProjection, dunningCasesProjection];

export { DunningDefinitionsCache } from './definitions-cache';
export {
  DunningDefinitionReads,
  dunningGroupExists,
  dunningGroups,
  dunningProcessVersion,
  DunningProcessSnapshot,
  resolveDunningProcess,
  storedDefinitions,
} from './definitions';
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
