import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import type { DunningGroupEvent, DunningProcessEvent, DunningStep } from '../domain';

/** The latest version of each process (id: the process's). */
export const DUNNING_PROCESSES = 'dunningProcesses';
/** Every version ever defined (id `<processId>@<version>`): a case keeps the version it started with. */
export const DUNNING_PROCESS_VERSIONS = 'dunningProcessVersions';
/** The groups (id: the group's), in creation order by `sequence`. */
export const DUNNING_GROUPS = 'dunningGroups';

export interface DunningProcessDoc extends Doc {
  processId: string;
  name: string;
  version: number;
  steps: DunningStep[];
  /** The date this version was defined. */
  createdOn: string;
}

export interface DunningGroupDoc extends Doc {
  groupId: string;
  name: string | null;
  processId: string;
  planIds: string[] | null;
  channel: string | null;
  country: string | null;
  language: string | null;
  createdOn: string;
  updatedOn: string;
  /** The log position of its creation: list order, and the tie-break of matching. */
  sequence: number;
}

/** Process ids never contain '@' (ID_PATTERN), so the pair is unambiguous. */
export function processVersionId(processId: string, version: number): string {
  return `${processId}@${version}`;
}

/** Both written whole from the event, so a replay is exact. */
export const dunningProcessesProjection: Projector = {
  name: 'dunning-processes',
  collections: [
    { name: DUNNING_PROCESSES, indexes: [] },
    { name: DUNNING_PROCESS_VERSIONS, indexes: ['processId', 'version'] },
  ],
  eventTypes: ['DunningProcessDefined'],
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & DunningProcessEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const { processId, name, version, steps, definedOn } = event.data;
    const doc: DunningProcessDoc = { processId, name, version, steps, createdOn: definedOn };
    return [
      { op: 'upsert', collection: DUNNING_PROCESSES, tenantId, id: processId, doc, position },
      { op: 'upsert', collection: DUNNING_PROCESS_VERSIONS, tenantId, id: processVersionId(processId, version), doc, position },
    ];
  },
};

export const dunningGroupsProjection: Projector = {
  name: 'dunning-groups',
  collections: [{ name: DUNNING_GROUPS, indexes: ['sequence', 'processId'] }],
  eventTypes: ['DunningGroupCreated', 'DunningGroupReplaced'],
  project(recorded): DocWrite[] {
    const event = recorded as unknown as RecordedEvent & DunningGroupEvent;
    const { tenantId } = recorded.metadata;
    const { position } = recorded;
    const { groupId, name, processId, planIds, channel, country, language } = event.data;
    const definition = { groupId, name, processId, planIds, channel, country, language };
    switch (event.type) {
      case 'DunningGroupCreated': {
        const doc: DunningGroupDoc = { ...definition, createdOn: event.data.createdOn, updatedOn: event.data.createdOn, sequence: position };
        return [{ op: 'upsert', collection: DUNNING_GROUPS, tenantId, id: groupId, doc, position }];
      }
      case 'DunningGroupReplaced':
        return [{ op: 'patch', collection: DUNNING_GROUPS, tenantId, id: groupId, fields: { ...definition, updatedOn: event.data.replacedOn }, position }];
    }
  },
};
