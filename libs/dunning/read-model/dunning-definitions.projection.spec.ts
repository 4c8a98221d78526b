import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { createReadStore } from '../../platform/read-store';
import { ReadStore } from '../../platform/read-store/read-store.port';
import type { DunningGroupEvent, DunningProcessEvent, DunningStep } from '../domain';
import { dunningGroupsProjection, dunningProcessesProjection, DUNNING_GROUPS } from './dunning-definitions.projection';
import { DunningDefinitionsCache, dunningGroupExists, dunningProcessVersion, resolveDunningProcess, storedDefinitions } from './index';

const steps = (days: number): DunningStep[] => [{ days, from: 'dueDate', actions: [{ type: 'retryCollection' }] }];
const view = { get: async () => null, find: async () => ({ items: [] }) };

function recorded(event: DunningProcessEvent | DunningGroupEvent, position: number, tenantId = 't1'): RecordedEvent {
  return {
    ...(event as unknown as { type: string; data: Record<string, unknown> }),
    id: `e${position}`,
    streamName: 'x',
    revision: 0,
    position,
    recordedAt: '2026-01-01T00:00:00.000Z',
    metadata: { tenantId, commandId: 'c', correlationId: 'c', causationId: 'c', actor: 'a', businessDate: '2026-01-01' },
  };
}

const defined = (processId: string, version: number, position: number, tenantId = 't1') =>
  recorded({ type: 'DunningProcessDefined', data: { processId, name: `${processId} v${version}`, version, steps: steps(version), definedOn: '2026-01-01' } }, position, tenantId);
const group = (groupId: string, processId: string, position: number, criteria: Record<string, unknown> = {}, tenantId = 't1') =>
  recorded(
    { type: 'DunningGroupCreated', data: { groupId, name: null, processId, planIds: null, channel: null, country: null, language: null, createdOn: '2026-01-01', ...criteria } },
    position,
    tenantId,
  );
const target = { dunningGroupId: null, planId: 'gold', channel: null, country: 'FR', language: null };

describe('dunning definitions read model', () => {
  let dir: string;
  let store: ReadStore;
  const project = async (events: RecordedEvent[]) => {
    for (const event of events) {
      const projector = event.type === 'DunningProcessDefined' ? dunningProcessesProjection : dunningGroupsProjection;
      await store.apply(await projector.project(event, view));
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'dunning-definitions-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections([...dunningProcessesProjection.collections, ...dunningGroupsProjection.collections]);
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every version and answers the latest by default', async () => {
    await project([defined('std', 1, 1), defined('std', 2, 2)]);
    expect(await dunningProcessVersion(store, 't1', 'std')).toEqual({ processId: 'std', name: 'std v2', version: 2, steps: steps(2) });
    expect(await dunningProcessVersion(store, 't1', 'std', 1)).toEqual({ processId: 'std', name: 'std v1', version: 1, steps: steps(1) });
    expect(await dunningProcessVersion(store, 't1', 'std', 3)).toBeNull();
    expect(await dunningProcessVersion(store, 't1', 'nope')).toBeNull();
    expect(await dunningProcessVersion(store, 't2', 'std')).toBeNull();
  });

  it("resolves the matched group's latest process version; null when no group matches", async () => {
    await project([defined('std', 1, 1), defined('fr', 1, 2), group('all', 'std', 3), group('fr', 'fr', 4, { country: 'FR' }), defined('fr', 2, 5)]);
    expect(await resolveDunningProcess(storedDefinitions(store), 't1', target)).toEqual({ groupId: 'fr', processId: 'fr', name: 'fr v2', version: 2, steps: steps(2) });
    expect(await resolveDunningProcess(storedDefinitions(store), 't1', { ...target, country: 'DE' })).toMatchObject({ groupId: 'all', processId: 'std', version: 1 });
    expect(await resolveDunningProcess(storedDefinitions(store), 't1', { ...target, dunningGroupId: 'all' })).toMatchObject({ groupId: 'all' });
    expect(await resolveDunningProcess(storedDefinitions(store), 't2', target)).toBeNull();
    expect(await dunningGroupExists(store, 't1', 'fr')).toBe(true);
    expect(await dunningGroupExists(store, 't2', 'fr')).toBe(false);
  });

  it('a replaced group keeps its creation order; redelivery changes nothing', async () => {
    const replaced = recorded(
      { type: 'DunningGroupReplaced', data: { groupId: 'a', name: 'A', processId: 'std', planIds: ['gold'], channel: null, country: null, language: null, replacedOn: '2026-02-01' } },
      7,
    );
    await project([defined('std', 1, 1), group('a', 'std', 3), group('b', 'std', 4), replaced, group('a', 'std', 3), replaced]);
    expect(await store.get(DUNNING_GROUPS, 't1', 'a')).toMatchObject({ name: 'A', planIds: ['gold'], createdOn: '2026-01-01', updatedOn: '2026-02-01', sequence: 3, _position: 7 });
    const page = await store.find(DUNNING_GROUPS, 't1', { sortBy: 'sequence' });
    expect(page.items.map((doc) => doc.id)).toEqual(['a', 'b']);
  });

  describe('DunningDefinitionsCache', () => {
    /** A change feed the test drives (null: no local runner, a split deployment's API process). */
    const feed = () => {
      const listeners = new Set<(name: string) => void>();
      return {
        onChange: (listener: (name: string) => void) => (listeners.add(listener), () => listeners.delete(listener)),
        tell: (name: string) => listeners.forEach((listener) => listener(name)),
      };
    };
    /** Counts the read store's reads of the definitions. */
    const counted = () => {
      const reads = { find: 0, get: 0 };
      const counting = new Proxy(store, {
        get: (target, name) =>
          name === 'find' || name === 'get'
            ? (...args: unknown[]) => ((reads[name] += 1), (target[name] as (...a: unknown[]) => unknown).apply(target, args))
            : (target as unknown as Record<string | symbol, unknown>)[name],
      });
      return { reads, counting };
    };

    it('resolves as the store does, reads each tenant once, and reads again after a change of groups or processes', async () => {
      await project([defined('std', 1, 1), defined('fr', 1, 2), group('all', 'std', 3), group('fr', 'fr', 4, { country: 'FR' })]);
      const changes = feed();
      const { reads, counting } = counted();
      const cache = new DunningDefinitionsCache(counting, changes);
      const first = await resolveDunningProcess(cache, 't1', target);
      expect(first).toEqual(await resolveDunningProcess(storedDefinitions(store), 't1', target));
      expect(await resolveDunningProcess(cache, 't1', target)).toEqual(first);
      expect(reads).toEqual({ find: 1, get: 1 });

      changes.tell('accounts'); // another read model: kept
      await resolveDunningProcess(cache, 't1', target);
      expect(reads).toEqual({ find: 1, get: 1 });

      await project([defined('fr', 2, 5)]);
      changes.tell(dunningProcessesProjection.name); // a new version: the next resolve takes it
      expect(await resolveDunningProcess(cache, 't1', target)).toMatchObject({ processId: 'fr', version: 2 });
      await project([group('de', 'std', 6, { country: 'DE' })]);
      changes.tell(dunningGroupsProjection.name);
      await resolveDunningProcess(cache, 't1', target);
      expect(reads).toEqual({ find: 3, get: 3 });
    });

    it('shares frozen values, keeps no missing process, and reads every time where nothing tells of changes', async () => {
      await project([defined('std', 1, 1), group('all', 'std', 3)]);
      const cache = new DunningDefinitionsCache(store, feed());
      const resolved = await cache.latestVersion('t1', 'std');
      expect(Object.isFrozen(resolved) && Object.isFrozen(resolved!.steps[0])).toBe(true);
      expect(Object.isFrozen(await cache.groups('t1'))).toBe(true);
      expect(await cache.latestVersion('t1', 'later')).toBeNull();
      await project([defined('later', 1, 4)]);
      expect(await cache.latestVersion('t1', 'later')).toMatchObject({ version: 1 }); // null was not kept

      const { reads, counting } = counted();
      const uncached = new DunningDefinitionsCache(counting, null);
      await resolveDunningProcess(uncached, 't1', target);
      await resolveDunningProcess(uncached, 't1', target);
      expect(reads).toEqual({ find: 2, get: 2 });
    });
  });
});
