import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createReadStore } from '../../platform/read-store';
import { DocWrite, ReadStore } from '../../platform/read-store/read-store.port';
import { accountsProjection, } from '../../accounts/read-model/accounts.projection';
import { hierarchyProjection, linkId, OPEN_END } from '../../accounts/read-model/hierarchy.projection';
import { usagePoolsProjection } from './usage-pools.projection';
import { usageProjection, usageTotalId } from '../../usage/read-model/usage.projection';
import { PoolCoverage, pooledDaysOf } from './pool-coverage';
import { gatherUsageFacts } from '../../usage/read-model/usage-facts';

const T = 't1';
let position = 0;
const upsert = (collection: string, id: string, doc: Record<string, unknown>): DocWrite => ({ op: 'upsert', collection, tenantId: T, id, doc, position: ++position });
const pool = (owner: string, members: unknown = 'descendants', effectiveDate = '2024-01-01', currency = 'USD') =>
  upsert('usagePools', `${owner}/gb`, { ownerAccountId: owner, serviceId: 'gb', currency, members, effectiveDate, settings: [{ members, effectiveDate }] });
const link = (accountId: string, parentAccountId: string | null, from: string, to = OPEN_END) => upsert('hierarchyLinks', linkId(accountId, ++position), { accountId, parentAccountId, from, to });
const account = (id: string, currency = 'USD') => upsert('accounts', id, { name: id, currency });

describe('pool coverage: the days a pool bills of an account’s usage (for the member’s own usage billing)', () => {
  let dir: string;
  let store: ReadStore;
  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'pool-coverage-'));
    store = createReadStore({ kind: 'sqlite', dataDir: dir });
    await store.ensureCollections([accountsProjection, hierarchyProjection, usagePoolsProjection, usageProjection].flatMap((p) => p.collections));
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('no pool for the service: no pooled day', async () => {
    await store.apply([account('kid'), link('kid', 'family', '2023-01-01')]);
    expect(await pooledDaysOf(store, T, 'kid', 'gb', '2024-01-01', '2024-02-01')).toEqual([]);
  });

  it('a member moved out of the pool’s tree mid-period: only the days it was in are pooled', async () => {
    await store.apply([
      account('family'),
      account('kid'),
      account('grandkid'),
      link('kid', 'family', '2023-01-01', '2024-01-11'),
      link('kid', null, '2024-01-11'),
      link('grandkid', 'kid', '2023-01-01'),
      pool('family'),
    ]);
    const coverage = new PoolCoverage(store, T);
    const days = await coverage.pooledDays('grandkid', 'gb', '2024-01-01', '2024-02-01');
    expect(days).toHaveLength(10);
    expect([days[0], days[9]]).toEqual(['2024-01-01', '2024-01-10']);
    expect(await coverage.pooledDays('family', 'gb', '2024-01-30', '2024-02-02')).toEqual(['2024-01-30', '2024-01-31', '2024-02-01']);
    expect(await coverage.pooledDays('kid', 'other-service', '2024-01-01', '2024-02-01')).toEqual([]);
  });

  it('an account in another currency than the pool is not pooled', async () => {
    await store.apply([account('family'), account('euro-kid', 'EUR'), link('euro-kid', 'family', '2023-01-01'), pool('family')]);
    expect(await pooledDaysOf(store, T, 'euro-kid', 'gb', '2024-01-01', '2024-02-01')).toEqual([]);
  });

  it('gatherUsageFacts leaves the on-time usage of pooled days to the pool, exactly; late usage stays with the member', async () => {
    const day = (occurredOn: string, total: string, lateTotal: string) =>
      upsert('usageTotals', usageTotalId('kid', 'gb', occurredOn), { accountId: 'kid', serviceId: 'gb', occurredOn, accountDay: `kid/${occurredOn}`, total, count: 1, lateTotal, lateCount: lateTotal === '0' ? 0 : 1 });
    await store.apply([
      day('2024-01-01', '0.1', '0'),
      day('2024-01-02', '0.2', '0.05'),
      day('2024-01-03', '7', '0'),
      upsert('usageLateTotals', usageTotalId('kid', 'gb', '2024-01-02'), { accountId: 'kid', serviceId: 'gb', occurredOn: '2024-01-02', lateTotal: '0.05' }),
    ]);
    const facts = await gatherUsageFacts(store, T, 'kid', 'gb', '2024-01-01', '2024-01-04', { pooled: ['2024-01-01', '2024-01-02'] });
    expect(facts.onTime).toEqual([{ date: '2024-01-03', quantity: '7' }]);
    expect(facts.late).toEqual([{ date: '2024-01-02', quantity: '0.05' }]);
  });
});
