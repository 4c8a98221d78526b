import { coverageOf, daysOf, HierarchyHistory, HierarchyLink, MembershipContext, PoolDefinition, poolMembersIn, poolOwnerOn } from './pool-membership';

const OPEN = '9999-12-31';
const link = (accountId: string, parentAccountId: string | null, from: string, to = OPEN): HierarchyLink => ({ accountId, parentAccountId, from, to });
const pool = (ownerAccountId: string, members: PoolDefinition['settings'][number]['members'] = 'descendants', effectiveDate = '2024-01-01', currency = 'USD'): PoolDefinition => ({
  ownerAccountId,
  currency,
  settings: [{ members, effectiveDate }],
});
const JAN = { from: '2024-01-01', to: '2024-02-01' };

function context(links: HierarchyLink[], pools: PoolDefinition[], currencies: Record<string, string> = {}): MembershipContext {
  return {
    history: new HierarchyHistory(links),
    pools: new Map(pools.map((p) => [p.ownerAccountId, p])),
    currencyOf: (id) => currencies[id] ?? 'USD',
  };
}

describe('pool membership over time (DOMAIN.md §5, §6)', () => {
  // family → kid → grandkid; work is another tree.
  const tree = [link('kid', 'family', '2023-06-01'), link('grandkid', 'kid', '2023-06-01')];

  it('a descendants pool covers its owner and every account below it', () => {
    const c = context(tree, [pool('family')]);
    expect(['family', 'kid', 'grandkid', 'stranger'].map((id) => poolOwnerOn(id, '2024-01-10', c))).toEqual(['family', 'family', 'family', null]);
    expect([...poolMembersIn('family', JAN, c).keys()]).toEqual(['family', 'grandkid', 'kid']);
  });

  it('the nearest pool up the tree wins', () => {
    const c = context(tree, [pool('family'), pool('kid')]);
    expect(poolOwnerOn('grandkid', '2024-01-10', c)).toBe('kid');
    expect(poolOwnerOn('kid', '2024-01-10', c)).toBe('kid');
    expect([...poolMembersIn('family', JAN, c).keys()]).toEqual(['family']);
  });

  it('a list pool covers its owner and the listed accounts below it; a nearer list without the account lets a farther pool take it', () => {
    const c = context(tree, [pool('family'), pool('kid', ['someone-else'])]);
    expect(poolOwnerOn('grandkid', '2024-01-10', c)).toBe('family');
    const listed = context(tree, [pool('family', ['grandkid'])]);
    expect(poolOwnerOn('grandkid', '2024-01-10', listed)).toBe('family');
    expect(poolOwnerOn('kid', '2024-01-10', listed)).toBeNull();
  });

  it('re-parenting mid-period splits the days: usage counts in the pool of the tree the account was in that day', () => {
    // kid moves from family to work on 2024-01-11 (with its subtree).
    const links = [link('kid', 'family', '2023-06-01', '2024-01-11'), link('kid', 'work', '2024-01-11'), link('grandkid', 'kid', '2023-06-01')];
    const c = context(links, [pool('family'), pool('work')]);
    expect(coverageOf('kid', JAN, c)).toEqual([
      { ownerAccountId: 'family', from: '2024-01-01', to: '2024-01-11' },
      { ownerAccountId: 'work', from: '2024-01-11', to: '2024-02-01' },
    ]);
    expect(coverageOf('grandkid', JAN, c)).toEqual(coverageOf('kid', JAN, c));
    const family = poolMembersIn('family', JAN, c);
    expect(daysOf(family.get('kid')!)).toHaveLength(10);
    expect(poolMembersIn('work', JAN, c).get('grandkid')).toEqual([{ from: '2024-01-11', to: '2024-02-01' }]);
  });

  it('two changes on one day: the later holds', () => {
    const links = [link('kid', 'family', '2024-01-05', '2024-01-05'), link('kid', 'work', '2024-01-05')];
    expect(poolOwnerOn('kid', '2024-01-05', context(links, [pool('family'), pool('work')]))).toBe('work');
  });

  it('a pool covers nothing before its effective date, and a new setting takes over from its own date', () => {
    const p: PoolDefinition = { ownerAccountId: 'family', currency: 'USD', settings: [{ members: ['kid'], effectiveDate: '2024-01-10' }, { members: 'descendants', effectiveDate: '2024-01-20' }] };
    const c = context(tree, [p]);
    expect(coverageOf('grandkid', JAN, c)).toEqual([{ ownerAccountId: 'family', from: '2024-01-20', to: '2024-02-01' }]);
    expect(coverageOf('kid', JAN, c)).toEqual([{ ownerAccountId: 'family', from: '2024-01-10', to: '2024-02-01' }]);
  });

  it('an account billed in another currency is never a member', () => {
    const c = context(tree, [pool('family')], { kid: 'EUR' });
    expect(poolOwnerOn('kid', '2024-01-10', c)).toBeNull();
    expect([...poolMembersIn('family', JAN, c).keys()]).toEqual(['family', 'grandkid']);
  });
});
