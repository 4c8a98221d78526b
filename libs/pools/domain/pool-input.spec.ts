import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { checkPoolSetting, OwnerPlanInstance, parsePoolBody, PoolSetFacts } from './pool-input';

const instance = (planInstanceId: string, startDate: string, services: OwnerPlanInstance['services']): OwnerPlanInstance => ({
  planInstanceId,
  planId: `plan-${planInstanceId}`,
  planVersion: 1,
  startDate,
  grid: { anchorDate: startDate, billDay: Number(startDate.slice(8)), interval: { unit: 'month', count: 1 } },
  services,
});
const gb = { id: 'gb', name: 'GB', type: 'usage' as const, pricing: { model: 'perUnit' as const, unitPrice: '1' } };
const base = { id: 'base', name: 'Base', type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice: '9' } };
const facts = (overrides: Partial<PoolSetFacts> = {}): PoolSetFacts => ({
  owner: { currency: 'USD' },
  ownerInstances: [instance('late', '2024-02-01', [gb]), instance('early', '2024-01-01', [base, gb])],
  members: new Map(),
  ...overrides,
});
const thrown = (act: () => unknown) => {
  try {
    act();
  } catch (error) {
    return error as InvalidInputError;
  }
  throw new Error('expected an error');
};

describe('setting a pool: input and rules', () => {
  it('members default to descendants; a list keeps its order, without repeats', () => {
    expect(parsePoolBody(undefined)).toBe('descendants');
    expect(parsePoolBody({})).toBe('descendants');
    expect(parsePoolBody({ members: ['b', 'a'] })).toEqual(['b', 'a']);
    const error = thrown(() => parsePoolBody({ members: ['a', 'a', 'not an id'], colour: 'red' }));
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error.details.map((d) => `${d.field}:${d.rule}`)).toEqual(['colour:unknownField', 'members[1]:unique', 'members[2]:id']);
    expect(thrown(() => parsePoolBody({ members: [] })).details[0]).toMatchObject({ field: 'members', rule: 'members' });
  });

  it('the earliest active plan instance offering the usage service prices and periods the pool', () => {
    expect(checkPoolSetting('owner', 'gb', 'descendants', facts())).toMatchObject({ planInstanceId: 'early', serviceName: 'GB', pricing: gb.pricing });
  });

  it('refuses an unknown owner, a service not held, a recurring service', () => {
    expect(thrown(() => checkPoolSetting('owner', 'gb', 'descendants', facts({ owner: null })))).toBeInstanceOf(NotFoundError);
    expect(thrown(() => checkPoolSetting('owner', 'sms', 'descendants', facts())).details[0]).toMatchObject({ field: 'serviceId', rule: 'serviceExists' });
    const error = thrown(() => checkPoolSetting('owner', 'base', 'descendants', facts()));
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error.details[0]).toMatchObject({ field: 'serviceId', rule: 'usageService' });
  });

  it('a listed member must exist, be billed in the pool’s currency and be below the owner', () => {
    const members = new Map([
      ['kid', { currency: 'USD', ancestors: ['owner'] }],
      ['euro', { currency: 'EUR', ancestors: ['owner'] }],
      ['stranger', { currency: 'USD', ancestors: [] }],
      ['ghost', null],
    ]);
    expect(checkPoolSetting('owner', 'gb', ['kid', 'owner'], facts({ members }))).toMatchObject({ planInstanceId: 'early' });
    expect(thrown(() => checkPoolSetting('owner', 'gb', ['kid', 'ghost'], facts({ members }))).details).toEqual([expect.objectContaining({ field: 'members[1]', rule: 'exists' })]);
    const error = thrown(() => checkPoolSetting('owner', 'gb', ['euro', 'stranger', 'kid'], facts({ members })));
    expect(error.details.map((d) => `${d.field}:${d.rule}`)).toEqual(['members[0]:sameCurrency', 'members[1]:descendant']);
  });
});
