import { ReadModelCache, ReadModelChanges } from '../../platform/app/read-model-cache';
import { ReadStore } from '../../platform/read-store/read-store.port';
import { deepFreeze } from '../../shared-kernel/deep-freeze';
import { DunningGroupDoc, dunningGroupsProjection, dunningProcessesProjection } from './dunning-definitions.projection';
import { DunningDefinitionReads, DunningProcessSnapshot, storedDefinitions } from './definitions';

/**
 * A tenant's dunning groups and its processes' latest versions in memory, for the dunning commands: every
 * TakeDunningStep and CheckDunning resolves the process of its plan instance, which read all of the tenant's groups and
 * a process each time (2.7% of the main thread on a step day of 20,000 accounts). Dropped whenever the groups' or the
 * processes' read model changed (ReadModelCache), so a command after an edit's answer resolves with the edit. Where
 * nothing tells of changes (a split deployment's API process), every call reads the store. Cached values are frozen:
 * callers share them.
 */
export class DunningDefinitionsCache implements DunningDefinitionReads {
  private readonly stored: DunningDefinitionReads;
  private readonly groupsByTenant: ReadModelCache<readonly DunningGroupDoc[]> | null;
  private readonly processes: ReadModelCache<DunningProcessSnapshot> | null;

  constructor(store: ReadStore, changes: ReadModelChanges | null) {
    this.stored = storedDefinitions(store);
    const readModels = [dunningGroupsProjection.name, dunningProcessesProjection.name];
    this.groupsByTenant = changes && new ReadModelCache(changes, readModels);
    this.processes = changes && new ReadModelCache(changes, readModels);
  }

  async groups(tenantId: string): Promise<DunningGroupDoc[]> {
    if (!this.groupsByTenant) return this.stored.groups(tenantId);
    const groups = await this.groupsByTenant.get(tenantId, async () => deepFreeze(await this.stored.groups(tenantId)));
    return groups as DunningGroupDoc[];
  }

  async latestVersion(tenantId: string, processId: string): Promise<DunningProcessSnapshot | null> {
    if (!this.processes) return this.stored.latestVersion(tenantId, processId);
    // One key per (tenant, process): JSON keeps the two ids apart whatever they hold.
    return this.processes.get(JSON.stringify([tenantId, processId]), async () => {
      const process = await this.stored.latestVersion(tenantId, processId);
      return process && deepFreeze(process);
    });
  }
}
