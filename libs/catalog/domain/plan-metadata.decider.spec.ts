import { fold } from '../../shared-kernel/decider';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { ChangePlanMetadata, CreatePlan, PlanDefinitionInput, RevisePlan } from './plan.commands';
import { planDecider } from './plan.decider';
import { PlanCreated, PlanDefinition, PlanMetadataChanged, PlanRevised } from './plan.events';

/** Plan metadata (issue 22): the plan's, outside its versions. */
const spec = specFor(planDecider);
const definition: PlanDefinition = {
  name: 'Gold',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } }],
};
const create = (metadata?: unknown): CreatePlan => ({ type: 'CreatePlan', data: { planId: 'gold', ...(definition as PlanDefinitionInput), ...(metadata !== undefined ? { metadata } : {}) } });
const created = (metadata?: Record<string, string>): PlanCreated => ({ type: 'PlanCreated', data: { planId: 'gold', version: 1, ...definition, ...(metadata ? { metadata } : {}) } });
const revise = (name: string): RevisePlan => ({ type: 'RevisePlan', data: { planId: 'gold', ...(definition as PlanDefinitionInput), name } });
const revised = (name: string): PlanRevised => ({ type: 'PlanRevised', data: { planId: 'gold', version: 2, ...definition, name } });
const change = (metadata: unknown): ChangePlanMetadata => ({ type: 'ChangePlanMetadata', data: { planId: 'gold', metadata } });
const changed = (metadata: Record<string, string>, delta: Record<string, string | null>): PlanMetadataChanged => ({
  type: 'PlanMetadataChanged',
  data: { planId: 'gold', metadata, changed: delta },
});

describe('Plan metadata', () => {
  it('records metadata given on creation beside version 1', () => {
    spec.given([]).when(create({ sku: 'G-1' })).then([created({ sku: 'G-1' })]);
    spec.given([]).when(create({})).then([created()]);
  });

  it('refuses bad metadata on creation with the definition’s errors', () => {
    const error = spec.given([]).when(create({ ['k'.repeat(41)]: 'x' })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: `metadata.${'k'.repeat(41)}`, rule: 'keyLength' })]);
  });

  it('changes it without a new version; a revision keeps it; the same again records nothing', () => {
    spec.given([created({ a: '1' })]).when(change({ a: null, b: '2' })).then([changed({ b: '2' }, { a: null, b: '2' })]);
    spec.given([created({ a: '1' })]).when(change({ a: '1' })).then([]);
    const state = fold(planDecider, [created({ a: '1' }), changed({ a: '1', b: '2' }, { b: '2' }), revised('Gold+')]);
    expect(state?.current).toMatchObject({ version: 2, name: 'Gold+' });
    expect(state?.current).not.toHaveProperty('metadata');
    expect(state?.metadata).toEqual({ a: '1', b: '2' });
    expect(state?.versions).toHaveLength(2);
    spec.given([created({ a: '1' })]).when(revise('Gold+')).then([revised('Gold+')]);
  });

  it('refuses an unknown plan', () => {
    spec.given([]).when(change({ a: '1' })).thenThrows(NotFoundError);
  });
});
