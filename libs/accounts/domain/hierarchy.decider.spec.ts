import { fold } from '../../shared-kernel/decider';
import { ConflictError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { ancestryOf, hierarchyDecider } from './hierarchy.decider';
import { HierarchyEvent } from './hierarchy.events';

const spec = specFor(hierarchyDecider);
const D = '2019-02-10';
const link = (accountId: string, parentAccountId: string, previousParentAccountId: string | null = null): HierarchyEvent => ({
  type: 'AccountParented',
  data: { accountId, parentAccountId, previousParentAccountId, effectiveDate: D },
});
const setParent = (accountId: string, parentAccountId: string | null) => ({
  type: 'SetParent' as const,
  data: { accountId, parentAccountId, effectiveDate: D },
});

describe('Hierarchy decider', () => {
  it('links an account under a parent, and re-links it (a move) remembering the previous parent', () => {
    spec.given([]).when(setParent('child', 'parent')).then([link('child', 'parent')]);
    spec.given([link('child', 'parent')]).when(setParent('child', 'other')).then([link('child', 'other', 'parent')]);
  });

  it('detaches an account (it becomes a root), and changes nothing when the link is already so', () => {
    spec.given([link('child', 'parent')]).when(setParent('child', null)).then([
      { type: 'AccountDetached', data: { accountId: 'child', previousParentAccountId: 'parent', effectiveDate: D } },
    ]);
    spec.given([link('child', 'parent')]).when(setParent('child', 'parent')).then([]);
    spec.given([]).when(setParent('root', null)).then([]);
  });

  it('refuses a link that would make a cycle, naming the loop; also self-parenting', () => {
    const chain = [link('b', 'a'), link('c', 'b'), link('d', 'c')];
    const error = spec.given(chain).when(setParent('a', 'd')).thenThrows(ConflictError, 'would make a cycle: a → d → c → b → a');
    expect(error.details[0]).toMatchObject({ field: 'parentAccountId', rule: 'noCycle' });
    spec.given(chain).when(setParent('b', 'c')).thenThrows(ConflictError, /b → c → b/);
    spec.given([]).when(setParent('a', 'a')).thenThrows(ConflictError, /a → a/);
    // Moving a subtree elsewhere in the tree is fine, also under a sibling's descendant.
    spec.given([...chain, link('x', 'a')]).when(setParent('c', 'x')).then([link('c', 'x', 'b')]);
  });

  it('keeps working through a chain 1,000 deep', () => {
    const events = Array.from({ length: 999 }, (_, i) => link(`n${i + 1}`, `n${i}`));
    const state = fold(hierarchyDecider, events);
    expect(ancestryOf('n999', state.parents)).toHaveLength(999);
    expect(ancestryOf('n999', state.parents)[0]).toBe('n998');
    spec.given(events).when(setParent('n0', 'n999')).thenThrows(ConflictError);
    spec.given(events).when(setParent('n0', 'elsewhere')).then([link('n0', 'elsewhere')]);
  });

  it('folds in one pass to exactly what evolve gives event by event', () => {
    const events: HierarchyEvent[] = [link('b', 'a'), link('c', 'b'), link('c', 'a', 'b'), { type: 'AccountDetached', data: { accountId: 'b', previousParentAccountId: 'a', effectiveDate: D } }];
    const byEvolve = events.reduce(hierarchyDecider.evolve, hierarchyDecider.initialState);
    expect([...fold(hierarchyDecider, events).parents]).toEqual([...byEvolve.parents]);
    expect([...byEvolve.parents]).toEqual([['c', 'a']]);
    expect(hierarchyDecider.initialState.parents.size).toBe(0); // evolve never touched the shared initial state
  });
});
