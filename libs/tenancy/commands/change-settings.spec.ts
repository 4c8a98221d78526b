import { HandlerHarness } from '../../../test/support/handler-harness';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { DEFAULT_TENANT_SETTINGS, tenantStream } from '../domain/tenant.decider';
import { TenantSettings } from '../domain/tenant-settings';
import { TENANTS } from '../read-model/tenants.projection';
import { ChangeTenantSettingsCommand } from './change-settings';

describe('ChangeTenantSettings (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  // A sandbox tenant whose clock shows 2019-02-10.
  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    await harness.givenTenant();
  });
  afterEach(() => harness.stop());

  /** As the controller sends it: the tenant's business date, on the system tenant's stream of the tenant. */
  const context = (businessDate = '2019-02-10') => harness.context({ tenantId: SYSTEM_TENANT, businessDate });
  const changeSettings = (changes: object | undefined, sent = context()) =>
    harness.when<TenantSettings>(new ChangeTenantSettingsCommand({ tenantId: harness.tenant.id, changes }, sent));
  const readModelSettings = async () => (await harness.store.get(TENANTS, SYSTEM_TENANT, harness.tenant.id))?.settings;

  it('records the fields changed on the tenant stream, dated by the business date, and answers the settings after', async () => {
    const { body, position, events } = await changeSettings({ paymentApplicationMethod: 'fdfo', maxRetroactivePeriods: 1 }, context('2019-03-05'));

    expect(events).toEqual([
      {
        stream: tenantStream(harness.tenant.id),
        type: 'TenantSettingsChanged',
        data: { tenantId: harness.tenant.id, changes: { paymentApplicationMethod: 'fdfo', maxRetroactivePeriods: 1 }, effectiveDate: '2019-03-05' },
      },
    ]);
    expect(body).toEqual({ ...DEFAULT_TENANT_SETTINGS, paymentApplicationMethod: 'fdfo', maxRetroactivePeriods: 1 });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('keeps who changed it and when in the metadata (the history reads it)', async () => {
    const sent = context();
    await changeSettings({ allowLateUsage: true }, sent);

    const [, settingsChanged] = await harness.events.readStream(tenantStream(harness.tenant.id));
    expect(settingsChanged.metadata).toMatchObject({ tenantId: '_system', businessDate: '2019-02-10', commandId: sent.commandId, actor: 'spec' });
  });

  it('the tenants read model (what TenantDirectory and the guard read) has the new settings', async () => {
    await changeSettings({ prorationRule: 'none', minimumCollectionThreshold: 700 });
    await changeSettings({ minimumCollectionThreshold: 900, maxRetroactivePeriods: 12 });

    expect(await readModelSettings()).toEqual({ ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none', minimumCollectionThreshold: 900, maxRetroactivePeriods: 12 });
    await changeSettings({ maxRetroactivePeriods: null } as object);
    expect(await readModelSettings()).toEqual({ ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none', minimumCollectionThreshold: 900 });
  });

  it.each([
    ['an empty body', {}],
    ['no body', undefined],
    ['the current values', { prorationRule: 'prorate', netTermsThresholdBalance: 0 }],
  ])('%s writes nothing and answers the settings as they are', async (_, changes) => {
    const head = await harness.events.headPosition();

    const { body, position, events } = await changeSettings(changes);

    expect(events).toEqual([]);
    expect(body).toEqual(DEFAULT_TENANT_SETTINGS);
    expect(position).toBe(head);
  });

  describe('refuses, writing nothing', () => {
    const refused = async (changes: object, field: string, rule: string, message: string) => {
      const head = await harness.events.headPosition();
      const attempt = changeSettings(changes);
      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(attempt).rejects.toMatchObject({ details: [{ field, rule, message }] });
      expect(await harness.events.headPosition()).toBe(head);
      expect(await readModelSettings()).toEqual(DEFAULT_TENANT_SETTINGS);
    };

    it('a negative threshold', () =>
      refused(
        { netTermsThresholdBalance: -1 },
        'netTermsThresholdBalance',
        'nonNegativeInteger',
        'netTermsThresholdBalance must be a non-negative integer amount in minor units',
      ));

    it('a payment application method that does not exist', () =>
      refused({ paymentApplicationMethod: 'lifo' }, 'paymentApplicationMethod', 'oneOf', 'paymentApplicationMethod must be one of fifo, fdfo, statementFifo (got "lifo")'));

    it('a retroactive limit out of range, even beside a good change', () =>
      refused(
        { prorationRule: 'none', maxRetroactivePeriods: 5000 },
        'maxRetroactivePeriods',
        'integerRange',
        'maxRetroactivePeriods must be a whole number from 1 to 1200 (got 5000)',
      ));

    it('a field that is not a setting', () =>
      refused(
        { timeZone: 'Europe/Paris' },
        'timeZone',
        'unknownField',
        'timeZone is not a tenant setting; the settings are prorationRule, minimumCollectionThreshold, netTermsThresholdBalance, paymentApplicationMethod, allowLateUsage, customStatuses, billWhileSuspended, autoCollectOnOrder, selfService, maxRetroactivePeriods, billDateReset',
      ));
  });

  it('refuses a tenant that does not exist', async () => {
    const attempt = harness.when(new ChangeTenantSettingsCommand({ tenantId: 'nobody', changes: { prorationRule: 'none' } }, context()));

    await expect(attempt).rejects.toThrow(NotFoundError);
    await expect(attempt).rejects.toThrow('Tenant nobody was not found');
  });

  it('the same command id again writes nothing and answers the settings after the first', async () => {
    const sent = context();
    const first = await changeSettings({ allowLateUsage: true }, sent);

    const again = await changeSettings({ allowLateUsage: true }, sent);

    expect(again.events).toEqual([]);
    expect(again.body).toEqual({ ...DEFAULT_TENANT_SETTINGS, allowLateUsage: true });
    expect(again.position).toBe(first.position);
  });
});
