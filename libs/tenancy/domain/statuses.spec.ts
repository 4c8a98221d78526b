import { InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { decideRestore, decideStatusChange, DunningHold, holdAfter, isBillableStatus, isKnownStatus } from './statuses';
import { tenantDecider, TenantEvent } from './tenant.decider';
import { DEFAULT_TENANT_SETTINGS, TenantSettings } from './tenant-settings';

const custom = { customStatuses: [{ name: 'onHold', billable: false }, { name: 'vip', billable: true }] };

describe('Statuses: which are known', () => {
  it.each(['active', 'suspended', 'terminated'])('%s is built in, known to every tenant (also one without the settings)', (status) => {
    expect(isKnownStatus(status, DEFAULT_TENANT_SETTINGS)).toBe(true);
    expect(isKnownStatus(status, {})).toBe(true);
  });

  it("the tenant's own statuses are known to it only", () => {
    expect(isKnownStatus('onHold', custom)).toBe(true);
    expect(isKnownStatus('onHold', DEFAULT_TENANT_SETTINGS)).toBe(false);
  });

  it.each(['cancelled', 'Active', '', null, 3])('%j is not a status one sets', (status) => {
    expect(isKnownStatus(status, custom)).toBe(false);
  });
});

describe('Statuses: which are billable', () => {
  it.each([
    ['active', {}, true],
    ['suspended', {}, true],
    ['suspended', { billWhileSuspended: true }, true],
    ['suspended', { billWhileSuspended: false }, false],
    ['terminated', {}, false],
    ['terminated', { billWhileSuspended: true }, false],
    ['onHold', custom, false],
    ['vip', custom, true],
    ['cancelled', {}, false],
    // A custom status removed from the settings while in use bills as active rather than silently stopping.
    ['removedLater', {}, true],
  ])('%s with %j: %s', (status, settings, billable) => {
    expect(isBillableStatus(status, settings)).toBe(billable);
  });
});

describe('Statuses: a change asked for', () => {
  it('an operator change from the current status, the reason trimmed', () => {
    expect(decideStatusChange('active', { status: 'suspended', reason: ' asked by phone ' }, {})).toEqual({
      from: 'active',
      to: 'suspended',
      reason: 'asked by phone',
      by: { type: 'operator' },
    });
  });

  it('a dunning change names its case', () => {
    expect(decideStatusChange('active', { status: 'suspended', reason: 'step 2', dunningCaseId: 'case-1' }, {})?.by).toEqual({ type: 'dunning', caseId: 'case-1' });
  });

  it('the same status again is no change', () => {
    expect(decideStatusChange('suspended', { status: 'suspended', reason: 'again' }, {})).toBeNull();
  });

  it('an unknown status: 400 on status, rule knownStatus, listing what is allowed', () => {
    const call = () => decideStatusChange('active', { status: 'paused', reason: 'x' }, custom);
    expect(call).toThrow(InvalidInputError);
    expect(call).toThrow('status must be one of active, suspended, terminated, onHold, vip (got "paused")');
    expect(catchDetails(call)).toEqual([expect.objectContaining({ field: 'status', rule: 'knownStatus' })]);
  });

  it.each([
    [undefined, 'required'],
    [null, 'required'],
    ['', 'notBlank'],
    ['   ', 'notBlank'],
    [42, 'notBlank'],
    ['x'.repeat(501), 'maxLength'],
  ])('reason %j: 400 on reason (%s)', (reason, rule) => {
    expect(catchDetails(() => decideStatusChange('active', { status: 'suspended', reason }, {}))).toEqual([expect.objectContaining({ field: 'reason', rule })]);
  });
});

describe('Statuses: the dunning hold', () => {
  const hold: DunningHold = { caseId: 'c1', statusBefore: 'active', statusSet: 'suspended' };

  it("a dunning change holds what it found; the same case's next change keeps the first statusBefore", () => {
    const first = holdAfter(null, { from: 'active', to: 'suspended', by: { type: 'dunning', caseId: 'c1' } });
    expect(first).toEqual(hold);
    expect(holdAfter(first, { from: 'suspended', to: 'terminated', by: { type: 'dunning', caseId: 'c1' } })).toEqual({ ...hold, statusSet: 'terminated' });
  });

  it("an operator's change clears it", () => {
    expect(holdAfter(hold, { from: 'suspended', to: 'active', by: { type: 'operator' } })).toBeNull();
  });

  it('back where the case found it, nothing is held', () => {
    expect(holdAfter(hold, { from: 'suspended', to: 'active', by: { type: 'dunning', caseId: 'c1' } })).toBeNull();
  });

  it('restore: back to statusBefore, by dunning, while the status is still the one dunning set', () => {
    expect(decideRestore('suspended', hold, 'c1')).toEqual({ from: 'suspended', to: 'active', reason: 'dunning resolved', by: { type: 'dunning', caseId: 'c1' } });
  });

  it.each([
    ['no hold', 'suspended', null, 'c1'],
    ['another case', 'suspended', hold, 'c2'],
    ['an operator changed it meanwhile', 'terminated', hold, 'c1'],
  ])('restore with %s: nothing', (_, current, given, caseId) => {
    expect(decideRestore(current, given, caseId)).toBeNull();
  });
});

describe('Tenant settings: customStatuses and billWhileSuspended (given/when/then)', () => {
  const spec = specFor(tenantDecider);
  const created = (settings: Partial<TenantSettings> = DEFAULT_TENANT_SETTINGS): TenantEvent => ({
    type: 'TenantCreated',
    data: { id: 't1', name: 'Acme', sandbox: true, businessDate: '2019-02-10', timeZone: 'UTC', settings: settings as TenantSettings, createdOn: '2019-02-10', apiKeyHash: 'h1' },
  });
  const change = (changes: unknown) => ({ type: 'ChangeTenantSettings' as const, data: { tenantId: 't1', changes, effectiveDate: '2019-03-01' } });
  const changed = (changes: Record<string, unknown>): TenantEvent => ({ type: 'TenantSettingsChanged', data: { tenantId: 't1', changes, effectiveDate: '2019-03-01' } });

  it('defaults: no custom statuses, suspended is billed', () => {
    expect(DEFAULT_TENANT_SETTINGS).toMatchObject({ customStatuses: [], billWhileSuspended: true });
  });

  it('sets both', () => {
    const changes = { customStatuses: [{ name: 'onHold', billable: false }], billWhileSuspended: false };
    spec.given([created()]).when(change(changes)).then([changed(changes)]);
  });

  it('the same list again (its keys in another order) is no change', () => {
    const given = [created({ ...DEFAULT_TENANT_SETTINGS, customStatuses: [{ name: 'onHold', billable: false }] })];
    spec.given(given).when(change({ customStatuses: [{ billable: false, name: 'onHold' }] })).then([]);
  });

  it('a tenant created before these settings reads them as the defaults: setting the defaults changes nothing', () => {
    const { customStatuses: _c, billWhileSuspended: _b, ...older } = DEFAULT_TENANT_SETTINGS;
    spec.given([created(older)]).when(change({ customStatuses: [], billWhileSuspended: true })).then([]);
    spec.given([created(older)]).when(change({ billWhileSuspended: false })).then([changed({ billWhileSuspended: false })]);
  });

  it.each([
    [{ customStatuses: 'onHold' }, 'customStatuses', 'array'],
    [{ customStatuses: [{ name: 'onHold', billable: false }, { name: 'onHold', billable: true }] }, 'customStatuses[1].name', 'unique'],
    [{ customStatuses: [{ name: 'suspended', billable: false }] }, 'customStatuses[0].name', 'notBuiltIn'],
    [{ customStatuses: [{ name: 'cancelled', billable: false }] }, 'customStatuses[0].name', 'notBuiltIn'],
    [{ customStatuses: [{ name: 'On hold', billable: false }] }, 'customStatuses[0].name', 'statusName'],
    [{ customStatuses: [{ name: '9lives', billable: false }] }, 'customStatuses[0].name', 'statusName'],
    [{ customStatuses: [{ name: 'a'.repeat(41), billable: false }] }, 'customStatuses[0].name', 'statusName'],
    [{ customStatuses: [{ name: 'onHold' }] }, 'customStatuses[0].billable', 'boolean'],
    [{ customStatuses: [{ name: 'onHold', billable: 'no' }] }, 'customStatuses[0].billable', 'boolean'],
    [{ customStatuses: [{ name: 'onHold', billable: false, colour: 'red' }] }, 'customStatuses[0].colour', 'unknownField'],
    [{ customStatuses: ['onHold'] }, 'customStatuses[0]', 'object'],
    [{ customStatuses: Array.from({ length: 51 }, (_, i) => ({ name: `s${i}`, billable: true })) }, 'customStatuses', 'maxItems'],
    [{ billWhileSuspended: 'yes' }, 'billWhileSuspended', 'boolean'],
  ])('%j: 400 on %s (%s), nothing written', (changes, field, rule) => {
    const error = spec.given([created()]).when(change(changes)).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field, rule })]);
  });

  it('50 statuses, a 40-character name, - and _ are allowed', () => {
    const statuses = Array.from({ length: 50 }, (_, i) => ({ name: i === 0 ? `a${'b'.repeat(39)}` : `s_${i}-x`, billable: i % 2 === 0 }));
    spec.given([created()]).when(change({ customStatuses: statuses })).then([changed({ customStatuses: statuses })]);
  });

  it('creation checks the same rules, named under settings.', () => {
    const error = spec
      .given([])
      .when({ type: 'CreateTenant', data: { tenantId: 't1', name: 'Acme', apiKeyHash: 'h', today: '2019-02-10', settings: { customStatuses: [{ name: 'terminated', billable: true }] } } })
      .thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'settings.customStatuses[0].name', rule: 'notBuiltIn' });
  });
});

function catchDetails(call: () => unknown) {
  try {
    call();
  } catch (error) {
    return (error as InvalidInputError).details;
  }
  throw new Error('expected a refusal');
}
