import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { DEFAULT_MAX_RETROACTIVE_PERIODS, DEFAULT_TENANT_SETTINGS, TenantCommand, tenantDecider, TenantEvent } from './tenant.decider';

const spec = specFor(tenantDecider);

const create = (data: Partial<Extract<TenantCommand, { type: 'CreateTenant' }>['data']> = {}): TenantCommand => ({
  type: 'CreateTenant',
  data: { tenantId: 't1', name: 'Acme', apiKeyHash: 'h1', today: '2026-11-22', ...data },
});

const created: TenantEvent = {
  type: 'TenantCreated',
  data: {
    id: 't1',
    name: 'Acme',
    sandbox: false,
    businessDate: null,
    timeZone: 'UTC',
    settings: DEFAULT_TENANT_SETTINGS,
    createdOn: '2026-11-22',
    apiKeyHash: 'h1',
  },
};

describe('Tenant decider', () => {
  it('creates a production tenant that follows the system date, with default settings', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('creates a sandbox tenant whose clock starts at the given business date', () => {
    const [event] = spec.given([]).when(create({ sandbox: true, businessDate: '2019-02-10', timeZone: 'America/New_York' })).then([
      {
        type: 'TenantCreated',
        data: { ...created.data, sandbox: true, businessDate: '2019-02-10', timeZone: 'America/New_York', createdOn: '2019-02-10' },
      },
    ]);
    expect(event.type).toBe('TenantCreated');
  });

  it("starts a sandbox without a business date at today's date", () => {
    spec
      .given([])
      .when(create({ sandbox: true }))
      .then([{ type: 'TenantCreated', data: { ...created.data, sandbox: true, businessDate: '2026-11-22' } }]);
  });

  it('keeps given settings and defaults the rest', () => {
    spec
      .given([])
      .when(create({ settings: { prorationRule: 'none', minimumCollectionThreshold: 500 } }))
      .then([
        {
          type: 'TenantCreated',
          data: { ...created.data, settings: { ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none', minimumCollectionThreshold: 500 } },
        },
      ]);
  });

  it('allows late usage only when asked (default false), and refuses a setting that is not a boolean', () => {
    expect(DEFAULT_TENANT_SETTINGS.allowLateUsage).toBe(false);
    spec
      .given([])
      .when(create({ settings: { allowLateUsage: true } }))
      .then([{ type: 'TenantCreated', data: { ...created.data, settings: { ...DEFAULT_TENANT_SETTINGS, allowLateUsage: true } } }]);
    const error = spec.given([]).when(create({ settings: { allowLateUsage: 'yes' as never } })).thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'settings.allowLateUsage', rule: 'boolean' });
  });

  it('refuses a business date on a production tenant', () => {
    const error = spec.given([]).when(create({ businessDate: '2019-02-10' })).thenThrows(InvalidInputError, /sandbox/);
    expect(error.details[0]).toMatchObject({ field: 'businessDate', rule: 'sandboxOnly' });
  });

  it('refuses an impossible business date, an unknown time zone, an empty name and negative thresholds', () => {
    spec.given([]).when(create({ sandbox: true, businessDate: '2019-02-30' })).thenThrows(InvalidInputError);
    const zone = spec.given([]).when(create({ timeZone: 'Mars/Olympus' })).thenThrows(InvalidInputError);
    expect(zone.details[0]).toMatchObject({ field: 'timeZone', rule: 'ianaTimeZone' });
    spec.given([]).when(create({ name: '   ' })).thenThrows(InvalidInputError, /name/);
    const threshold = spec.given([]).when(create({ settings: { netTermsThresholdBalance: -1 } })).thenThrows(InvalidInputError);
    expect(threshold.details[0].field).toBe('settings.netTermsThresholdBalance');
  });

  it('refuses to create the same tenant twice', () => {
    spec.given([created]).when(create()).thenThrows(ConflictError, /already exists/);
  });

  it('rotates the API key, remembering the previous hash so it can be revoked', () => {
    spec
      .given([created])
      .when({ type: 'RotateTenantApiKey', data: { tenantId: 't1', apiKeyHash: 'h2' } })
      .then([{ type: 'TenantApiKeyRotated', data: { tenantId: 't1', apiKeyHash: 'h2', previousApiKeyHash: 'h1' } }]);
    const rotated: TenantEvent = { type: 'TenantApiKeyRotated', data: { tenantId: 't1', apiKeyHash: 'h2', previousApiKeyHash: 'h1' } };
    spec
      .given([created, rotated])
      .when({ type: 'RotateTenantApiKey', data: { tenantId: 't1', apiKeyHash: 'h3' } })
      .then([{ type: 'TenantApiKeyRotated', data: { tenantId: 't1', apiKeyHash: 'h3', previousApiKeyHash: 'h2' } }]);
  });

  it('cannot rotate the key of a tenant that does not exist', () => {
    spec.given([]).when({ type: 'RotateTenantApiKey', data: { tenantId: 't9', apiKeyHash: 'h' } }).thenThrows(NotFoundError);
  });
});

describe('Tenant decider: dates and the retroactive limit (issue 15)', () => {
  it.each(['1900-01-01', '2199-12-31'])('a sandbox may start on %s, an end of the input date range', (businessDate) => {
    spec.given([]).when(create({ sandbox: true, businessDate })).then([
      { type: 'TenantCreated', data: { ...created.data, sandbox: true, businessDate, createdOn: businessDate } },
    ]);
  });

  it.each(['1899-12-31', '2200-01-01', '0000-01-01', '9999-12-31'])('a sandbox on %s is refused: 400 dateRange on businessDate', (businessDate) => {
    const error = spec.given([]).when(create({ sandbox: true, businessDate })).thenThrows(InvalidInputError, /from 1900-01-01 to 2199-12-31/);
    expect(error.details).toEqual([{ field: 'businessDate', rule: 'dateRange', message: `businessDate must be a date from 1900-01-01 to 2199-12-31 (got "${businessDate}")` }]);
  });

  it('keeps settings.maxRetroactivePeriods only when given (absent: the default, 120)', () => {
    expect(DEFAULT_MAX_RETROACTIVE_PERIODS).toBe(120);
    expect(DEFAULT_TENANT_SETTINGS.maxRetroactivePeriods).toBeUndefined();
    for (const maxRetroactivePeriods of [1, 1200]) {
      spec
        .given([])
        .when(create({ settings: { maxRetroactivePeriods } }))
        .then([{ type: 'TenantCreated', data: { ...created.data, settings: { ...DEFAULT_TENANT_SETTINGS, maxRetroactivePeriods } } }]);
    }
  });

  it.each([0, 1201, 1.5, '12'])('refuses settings.maxRetroactivePeriods %j: a whole number from 1 to 1200', (maxRetroactivePeriods) => {
    const error = spec.given([]).when(create({ settings: { maxRetroactivePeriods: maxRetroactivePeriods as number } })).thenThrows(InvalidInputError);
    expect(error.details[0]).toMatchObject({ field: 'settings.maxRetroactivePeriods', rule: 'integerRange', message: expect.stringContaining('1 to 1200') });
  });
});
