import { fold } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { CreatePlan, PlanDefinitionInput, RevisePlan } from './plan.commands';
import { planDecider } from './plan.decider';
import { PlanCreated, PlanDefinition, PlanRevised } from './plan.events';

const spec = specFor(planDecider);

const definition: PlanDefinition = {
  name: 'Gold',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    { id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '100.00' } },
    {
      id: 'data',
      name: 'Data (GB)',
      type: 'usage',
      pricing: {
        model: 'tiered',
        tiers: [
          { upTo: '10', unitPrice: '5.00' },
          { upTo: '50', unitPrice: '3.00' },
          { upTo: null, unitPrice: '1.00', flatPrice: '2.50' },
        ],
      },
    },
  ],
};

const create = (data: Partial<PlanDefinitionInput & { planId: string }> = {}): CreatePlan => ({
  type: 'CreatePlan',
  data: { planId: 'gold', ...(definition as PlanDefinitionInput), ...data },
});
const revise = (data: Partial<PlanDefinitionInput> = {}): RevisePlan => ({
  type: 'RevisePlan',
  data: { planId: 'gold', ...(definition as PlanDefinitionInput), ...data },
});
const created = (data: Partial<PlanDefinition> = {}): PlanCreated => ({
  type: 'PlanCreated',
  data: { planId: 'gold', version: 1, ...definition, ...data },
});
const revised = (version: number, data: Partial<PlanDefinition> = {}): PlanRevised => ({
  type: 'PlanRevised',
  data: { planId: 'gold', version, ...definition, ...data },
});

function invalidFields(command: CreatePlan | RevisePlan, given: PlanCreated[] = []): string[][] {
  return spec.given(given).when(command).thenThrows(InvalidInputError).details.map((d) => [d.field, d.rule]);
}

describe('CreatePlan', () => {
  it('creates version 1 with the whole definition', () => {
    spec.given([]).when(create()).then([created()]);
  });

  it('trims names and keeps prices exactly as given', () => {
    const services = [{ id: 'x', name: ' Metered ', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.0035' } }];
    spec
      .given([])
      .when(create({ name: '  Gold ', services, billingInterval: { unit: 'week', count: 2 } }))
      .then([
        created({
          billingInterval: { unit: 'week', count: 2 },
          services: [{ id: 'x', name: 'Metered', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.0035' } }],
        }),
      ]);
  });

  it('refuses a plan that already exists', () => {
    spec.given([created()]).when(create()).thenThrows(ConflictError, 'plan gold already exists');
  });

  it.each([
    ['month', 36],
    ['week', 52],
    ['month', 1],
  ])('accepts %s × %i', (unit, count) => {
    spec.given([]).when(create({ billingInterval: { unit, count } })).then([created({ billingInterval: { unit: unit as 'month', count } })]);
  });

  const service = (extra: Record<string, unknown>) => ({ id: 's', name: 'S', type: 'usage', pricing: { model: 'perUnit', unitPrice: '1' }, ...extra });
  it.each<[string, Partial<PlanDefinitionInput & { planId: string }>, string, string]>([
    ['a bad id', { planId: 'a b' }, 'id', 'id'],
    ['a blank name', { name: ' ' }, 'name', 'notBlank'],
    ['an unknown currency', { currency: 'XYZ' }, 'currency', 'isoCurrency'],
    ['an unknown interval unit', { billingInterval: { unit: 'day', count: 1 } }, 'billingInterval.unit', 'oneOf'],
    ['37 months', { billingInterval: { unit: 'month', count: 37 } }, 'billingInterval.count', 'range'],
    ['53 weeks', { billingInterval: { unit: 'week', count: 53 } }, 'billingInterval.count', 'range'],
    ['zero months', { billingInterval: { unit: 'month', count: 0 } }, 'billingInterval.count', 'range'],
    ['a fractional count', { billingInterval: { unit: 'month', count: 1.5 } }, 'billingInterval.count', 'range'],
    ['an interval field too many', { billingInterval: { unit: 'month', count: 1, anchor: 1 } as never }, 'billingInterval.anchor', 'unknownField'],
    ['a missing interval', { billingInterval: undefined }, 'billingInterval', 'object'],
    ['no services', { services: [] }, 'services', 'notEmpty'],
    ['services not a list', { services: {} as never }, 'services', 'array'],
    ['a duplicate service id', { services: [service({ id: 'a' }), service({ id: 'b' }), service({ id: 'a' })] }, 'services[2].id', 'unique'],
    ['a bad service id', { services: [service({ id: 'a/b' })] }, 'services[0].id', 'id'],
    ['an unknown service type', { services: [service({ type: 'oneTime' })] }, 'services[0].type', 'oneOf'],
    ['a blank service name', { services: [service({ name: '' })] }, 'services[0].name', 'notBlank'],
    ['an unknown service field', { services: [service({ taxCode: 'x' })] }, 'services[0].taxCode', 'unknownField'],
    ['a missing pricing', { services: [service({ pricing: undefined })] }, 'services[0].pricing', 'object'],
    [
      'a bad tier deep inside',
      { services: [service({}), service({ id: 't', pricing: { model: 'volume', tiers: [{ upTo: '5', unitPrice: '1' }, { upTo: '5', unitPrice: '1' }, { upTo: null, unitPrice: '1' }] } })] },
      'services[1].pricing.tiers[1].upTo',
      'ascending',
    ],
  ])('refuses %s', (_, data, field, rule) => {
    expect(invalidFields(create(data))).toEqual([[field, rule]]);
  });

  it('reports every invalid field at once', () => {
    const fields = invalidFields(create({ planId: '', name: '', currency: 'usd', billingInterval: { unit: 'week', count: 60 }, services: [] }));
    expect(fields).toEqual([
      ['id', 'id'],
      ['name', 'notBlank'],
      ['currency', 'isoCurrency'],
      ['billingInterval.count', 'range'],
      ['services', 'notEmpty'],
    ]);
  });
});

describe('RevisePlan', () => {
  const cheaper = { ...definition, services: [{ ...definition.services[0], pricing: { model: 'perUnit' as const, unitPrice: '90.00' } }] };

  it('refuses a plan that does not exist', () => {
    spec.given([]).when(revise()).thenThrows(NotFoundError, 'Plan gold was not found');
  });

  it('writes version n + 1 with the whole new definition', () => {
    spec.given([created()]).when(revise(cheaper)).then([revised(2, cheaper)]);
    spec.given([created(), revised(2, cheaper)]).when(revise({ name: 'Gold 2024' })).then([revised(3, { name: 'Gold 2024' })]);
  });

  it('decides nothing for a revision identical to the current version, whatever the key order', () => {
    spec.given([created()]).when(revise()).then([]);
    spec.given([created(), revised(2, cheaper)]).when(revise(cheaper)).then([]);
    const reordered = definition.services.map(({ pricing, type, name, id }) => ({ pricing, type, name, id }));
    spec.given([created()]).when(revise({ services: reordered, name: ' Gold ' })).then([]);
  });

  it('writes a version that returns to an earlier definition', () => {
    spec.given([created(), revised(2, cheaper)]).when(revise()).then([revised(3)]);
  });

  it('refuses a change of currency (422), naming the field', () => {
    const error = spec.given([created()]).when(revise({ currency: 'EUR' })).thenThrows(RuleViolationError, /currency is fixed/);
    expect(error.details).toEqual([{ field: 'currency', rule: 'currencyFixed', message: error.message }]);
  });

  it('validates the whole definition before the rules (400 before 422)', () => {
    expect(invalidFields(revise({ currency: 'EUR', services: [] }), [created()])).toEqual([['services', 'notEmpty']]);
  });
});

describe('evolve', () => {
  it('keeps every version and makes the last one current', () => {
    const cheaper = { name: 'Gold (cheaper)' };
    const state = fold(planDecider, [created(), revised(2, cheaper)]);
    expect(state?.current).toStrictEqual({ id: 'gold', ...definition, ...cheaper, version: 2 });
    expect(state?.versions).toStrictEqual([
      { id: 'gold', ...definition, version: 1 },
      { id: 'gold', ...definition, ...cheaper, version: 2 },
    ]);
  });

  it('refuses a revision before the plan exists: the stream is corrupt', () => {
    expect(() => fold(planDecider, [revised(2)])).toThrow(/before PlanCreated/);
  });
});
