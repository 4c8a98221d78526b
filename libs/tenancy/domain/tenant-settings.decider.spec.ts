import { fold } from '../../shared-kernel/decider';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { TenantCommand, tenantDecider, TenantEvent } from './tenant.decider';
import { applySettingsChanges, DEFAULT_TENANT_SETTINGS, SETTINGS_FIELDS, TenantSettings } from './tenant-settings';

const spec = specFor(tenantDecider);

const created = (settings: TenantSettings = DEFAULT_TENANT_SETTINGS): TenantEvent => ({
  type: 'TenantCreated',
  data: { id: 't1', name: 'Acme', sandbox: true, businessDate: '2019-02-10', timeZone: 'UTC', settings, createdOn: '2019-02-10', apiKeyHash: 'h1' },
});

const change = (changes: unknown, effectiveDate = '2019-03-01'): TenantCommand => ({
  type: 'ChangeTenantSettings',
  data: { tenantId: 't1', changes, effectiveDate },
});

const changed = (changes: Record<string, unknown>, effectiveDate = '2019-03-01'): TenantEvent => ({
  type: 'TenantSettingsChanged',
  data: { tenantId: 't1', changes, effectiveDate },
});

const settingsAfter = (events: TenantEvent[]) => {
  const state = fold(tenantDecider, events);
  return state.status === 'active' ? state.tenant.settings : null;
};

describe('Tenant decider: changing settings (issue 16)', () => {
  it('records only the fields asked, from the business date of the command', () => {
    spec.given([created()]).when(change({ paymentApplicationMethod: 'fdfo' })).then([changed({ paymentApplicationMethod: 'fdfo' })]);
  });

  it('may change every setting at once', () => {
    const all = {
      prorationRule: 'none',
      minimumCollectionThreshold: 500,
      netTermsThresholdBalance: 2500,
      paymentApplicationMethod: 'statementFifo',
      allowLateUsage: true,
      maxRetroactivePeriods: 1,
      customStatuses: [{ name: 'onHold', billable: false }],
      billWhileSuspended: false,
      autoCollectOnOrder: true,
      selfService: { planIds: ['basic'], paymentMethodTypes: ['card'], ordering: false },
      billDateReset: 'reset',
    };
    expect(Object.keys(all).sort()).toEqual([...SETTINGS_FIELDS].sort());
    spec.given([created()]).when(change(all)).then([changed(all)]);
  });

  it('leaves out fields equal to their current value and fields sent as undefined', () => {
    spec
      .given([created()])
      .when(change({ prorationRule: 'prorate', minimumCollectionThreshold: 100, allowLateUsage: undefined }))
      .then([changed({ minimumCollectionThreshold: 100 })]);
  });

  it.each([
    ['an empty body', {}],
    ['no body at all', undefined],
    ['only current values', { prorationRule: 'prorate', paymentApplicationMethod: 'fifo', allowLateUsage: false }],
  ])('writes nothing for %s', (_, changes) => {
    spec.given([created()]).when(change(changes)).then([]);
  });

  it('compares with the settings as changed so far: setting a value again is no change', () => {
    const history = [created(), changed({ maxRetroactivePeriods: 3 }), changed({ prorationRule: 'none' }, '2019-04-01')];
    spec.given(history).when(change({ maxRetroactivePeriods: 3, prorationRule: 'none' })).then([]);
    spec.given(history).when(change({ maxRetroactivePeriods: 120 })).then([changed({ maxRetroactivePeriods: 120 })]);
  });

  it('the state after a change holds the new settings and keeps the others', () => {
    expect(settingsAfter([created(), changed({ paymentApplicationMethod: 'fdfo', allowLateUsage: true })])).toEqual({
      ...DEFAULT_TENANT_SETTINGS,
      paymentApplicationMethod: 'fdfo',
      allowLateUsage: true,
    });
  });

  it('null removes maxRetroactivePeriods (the default applies again); when it is not set that is no change', () => {
    const withLimit = created({ ...DEFAULT_TENANT_SETTINGS, maxRetroactivePeriods: 6 });
    spec.given([withLimit]).when(change({ maxRetroactivePeriods: null })).then([changed({ maxRetroactivePeriods: null })]);
    expect(settingsAfter([withLimit, changed({ maxRetroactivePeriods: null })])).toStrictEqual(DEFAULT_TENANT_SETTINGS);
    spec.given([created()]).when(change({ maxRetroactivePeriods: null })).then([]);
  });

  it('a tenant created before a setting existed can still change the others', () => {
    const { allowLateUsage: _, ...older } = DEFAULT_TENANT_SETTINGS;
    spec.given([created(older as TenantSettings)]).when(change({ prorationRule: 'none' })).then([changed({ prorationRule: 'none' })]);
  });

  it('cannot change the settings of a tenant that does not exist', () => {
    spec.given([]).when(change({ prorationRule: 'none' })).thenThrows(NotFoundError, 'Tenant t1 was not found');
  });
});

describe('Tenant decider: refusing a change of settings, with the rules of creation', () => {
  it.each([
    ['prorationRule', 'sometimes', 'oneOf', 'prorationRule must be one of prorate, none (got "sometimes")'],
    ['prorationRule', null, 'oneOf', 'prorationRule must be one of prorate, none (got null)'],
    ['paymentApplicationMethod', 'lifo', 'oneOf', 'paymentApplicationMethod must be one of fifo, fdfo, statementFifo (got "lifo")'],
    ['minimumCollectionThreshold', -1, 'nonNegativeInteger', 'minimumCollectionThreshold must be a non-negative integer amount in minor units'],
    ['minimumCollectionThreshold', 1.5, 'nonNegativeInteger', 'minimumCollectionThreshold must be a non-negative integer amount in minor units'],
    ['netTermsThresholdBalance', '100', 'nonNegativeInteger', 'netTermsThresholdBalance must be a non-negative integer amount in minor units'],
    ['allowLateUsage', 'yes', 'boolean', 'allowLateUsage must be true or false'],
    ['allowLateUsage', null, 'boolean', 'allowLateUsage must be true or false'],
    ['maxRetroactivePeriods', 0, 'integerRange', 'maxRetroactivePeriods must be a whole number from 1 to 1200 (got 0)'],
    ['maxRetroactivePeriods', 1201, 'integerRange', 'maxRetroactivePeriods must be a whole number from 1 to 1200 (got 1201)'],
  ])('%s = %j: 400 %s', (field, value, rule, message) => {
    const error = spec.given([created()]).when(change({ [field]: value })).thenThrows(InvalidInputError, message);
    expect(error.details).toEqual([{ field, rule, message }]);
  });

  it.each([
    [[], 'selfService', 'object', 'selfService must be an object { planIds?, paymentMethodTypes?, ordering? }'],
    [{ plans: [] }, 'selfService.plans', 'unknownField', 'selfService.plans is not a self-service rule; they are planIds, paymentMethodTypes, ordering'],
    [{ planIds: 'basic' }, 'selfService.planIds', 'planIdList', 'selfService.planIds must be null (every plan) or a list of at most 200 distinct plan ids'],
    [{ planIds: ['a', 'a'] }, 'selfService.planIds', 'planIdList', 'selfService.planIds must be null (every plan) or a list of at most 200 distinct plan ids'],
    [{ paymentMethodTypes: ['cash'] }, 'selfService.paymentMethodTypes', 'oneOf', 'selfService.paymentMethodTypes must list distinct types among card, bankDebit'],
    [{ ordering: 'no' }, 'selfService.ordering', 'boolean', 'selfService.ordering must be true or false'],
  ])('selfService = %j: 400 naming %s (%s)', (value, field, rule, message) => {
    const error = spec.given([created()]).when(change({ selfService: value })).thenThrows(InvalidInputError, message);
    expect(error.details).toEqual([{ field, rule, message }]);
  });

  it('selfService: absent rules take their defaults, and the defaults again are no change (also for a tenant from before the rules)', () => {
    spec
      .given([created()])
      .when(change({ selfService: { ordering: false } }))
      .then([changed({ selfService: { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: false } })]);
    spec.given([created()]).when(change({ selfService: {} })).then([]);
    const { selfService: _absent, ...older } = DEFAULT_TENANT_SETTINGS;
    spec.given([created(older as TenantSettings)]).when(change({ selfService: { planIds: null } })).then([]);
  });

  it('refuses the whole change when one field is bad: nothing is half applied', () => {
    spec.given([created()]).when(change({ prorationRule: 'none', minimumCollectionThreshold: -5 })).thenThrows(InvalidInputError, /minimumCollectionThreshold/);
  });

  it.each(['name', 'sandbox', 'timeZone', 'maxRetroactivePeriod', '__proto__', 'constructor'])('refuses %s: not a setting', (field) => {
    const changes = JSON.parse(`{"${field}": 1}`);
    const error = spec.given([created()]).when(change(changes)).thenThrows(InvalidInputError, `${field} is not a tenant setting`);
    expect(error.details[0]).toMatchObject({ field, rule: 'unknownField', message: expect.stringContaining('prorationRule, minimumCollectionThreshold') });
  });

  it.each([[[]], ['fifo'], [3]])('refuses a body that is not an object (%j)', (body) => {
    const error = spec.given([created()]).when(change(body)).thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'body', rule: 'object' });
  });

  it('creation checks the same rules, named under settings.', () => {
    const error = spec
      .given([])
      .when({ type: 'CreateTenant', data: { tenantId: 't1', name: 'Acme', apiKeyHash: 'h', today: '2019-02-10', settings: { paymentApplicationMethod: 'lifo' as never } } })
      .thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'settings.paymentApplicationMethod', rule: 'oneOf' });
  });
});

describe('applySettingsChanges', () => {
  it('returns new settings and leaves the given ones as they were', () => {
    const before = { ...DEFAULT_TENANT_SETTINGS, maxRetroactivePeriods: 4 };
    expect(applySettingsChanges(before, { maxRetroactivePeriods: null, prorationRule: 'none' })).toStrictEqual({ ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none' });
    expect(before.maxRetroactivePeriods).toBe(4);
  });
});
