import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { fold } from '../../shared-kernel/decider';
import { ChangePlanInstanceMetadata } from './plan-instance.commands';
import { planInstanceDecider } from './plan-instance.decider';
import { PlanInstanceMetadataChanged } from './plan-instance.events';
import { assign, bill, cancel, history, monthlyPlan, runAll } from './testing/plan-instance-fixtures';

/** Plan-instance metadata (issue 22): given on assignment, changed by PlanInstanceMetadataChanged; billing ignores it. */
const spec = specFor(planInstanceDecider);
const basic = monthlyPlan('100.00');
const change = (metadata: unknown): ChangePlanInstanceMetadata => ({ type: 'ChangePlanInstanceMetadata', data: { planInstanceId: 'pi-1', metadata } });

describe('Plan instance metadata', () => {
  it('records metadata given on assignment, and none when absent or empty', () => {
    const [withMetadata] = runAll([assign(basic, '2024-02-01', { metadata: { contract: 'K-7' } })]).events;
    expect(withMetadata).toMatchObject({ type: 'PlanAssigned', data: { metadata: { contract: 'K-7' } } });
    const [without] = runAll([assign(basic, '2024-02-01', { metadata: {} })]).events;
    expect(without.data).not.toHaveProperty('metadata');
  });

  it('refuses bad metadata on assignment, naming metadata.<key>', () => {
    const error = spec.given([]).when(assign(basic, '2024-02-01', { metadata: { k: 'v'.repeat(501) } })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: 'metadata.k', rule: 'valueLength' })]);
  });

  it('sets and removes keys, also once cancelled; the same again records nothing; billing is the same', () => {
    const assigned = history(assign(basic, '2024-02-01', { metadata: { a: '1' } }));
    const accountId = (assigned[0].data as { accountId: string }).accountId;
    const expected: PlanInstanceMetadataChanged = { type: 'PlanInstanceMetadataChanged', data: { planInstanceId: 'pi-1', accountId, metadata: { b: '2' }, changed: { a: null, b: '2' } } };
    spec.given(assigned).when(change({ a: null, b: '2' })).then([expected]);
    spec.given(assigned).when(change({ a: '1' })).then([]);
    const cancelled = [...assigned, ...runAll([cancel('2024-02-10')], assigned).events];
    spec.given(cancelled).when(change({ b: '2' })).then([{ ...expected, data: { ...expected.data, metadata: { a: '1', b: '2' }, changed: { b: '2' } } }]);

    const withChange = [...assigned, expected];
    expect(fold(planInstanceDecider, withChange)?.metadata).toEqual({ b: '2' });
    const billedPlain = runAll([bill('2024-03-01')], assigned).perCommand[0];
    const billedWith = runAll([bill('2024-03-01')], withChange).perCommand[0];
    expect(billedPlain.length).toBeGreaterThan(0);
    expect(billedWith).toEqual(billedPlain);
  });

  it('refuses an unknown instance and a bad change', () => {
    spec.given([]).when(change({ a: '1' })).thenThrows(NotFoundError);
    const error = spec.given(history(assign(basic, '2024-02-01'))).when(change({ 'a/b': 'x' })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: 'metadata.a/b', rule: 'keyPattern' })]);
  });
});
