import { createHash } from 'node:crypto';
import { HandlerHarness } from '../../../test/support/handler-harness';
import { InvalidInputError } from '../../shared-kernel/errors';
import { hashApiKey } from '../api-keys';
import { DEFAULT_TENANT_SETTINGS, tenantStream } from '../domain/tenant.decider';
import { CreatedTenant, CreateTenantCommand, CreateTenantDto } from './create-tenant';

describe('CreateTenant (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  // The system clock of the harness shows 2019-02-10T12:00:00Z.
  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  const input = (fields: Partial<CreateTenantDto> = {}) => Object.assign(new CreateTenantDto(), { name: 'Acme Telecom', ...fields });
  /** As the controller sends it: no tenant and no business date yet. */
  const context = () => {
    const { tenantId: _tenant, businessDate: _date, ...rest } = harness.context();
    return rest;
  };
  /** The tenant id derives from the command id, so a repeated request names the same tenant. */
  const tenantIdOf = (commandId: string) => `ten${createHash('sha256').update(commandId).digest('hex').slice(0, 16)}`;

  it('creates a production tenant on its system stream and answers it with its API key, once', async () => {
    const sent = context();
    const id = tenantIdOf(sent.commandId);

    const { body, position, events } = await harness.when<CreatedTenant>(new CreateTenantCommand(input(), sent));

    expect(body.apiKey).toMatch(/^bk_[A-Za-z0-9_-]{32}$/);
    const tenant = { id, name: 'Acme Telecom', sandbox: false, businessDate: null, timeZone: 'UTC', settings: DEFAULT_TENANT_SETTINGS, createdOn: '2019-02-10' };
    expect(events).toEqual([{ stream: tenantStream(id), type: 'TenantCreated', data: { ...tenant, apiKeyHash: hashApiKey(body.apiKey!) } }]);
    expect(body).toEqual({ ...tenant, apiKey: body.apiKey });
    expect(position).toBe(await harness.events.headPosition());
  });

  it('writes the event for the system tenant, on the system date, with the command id', async () => {
    const sent = context();
    await harness.when(new CreateTenantCommand(input(), sent));

    const [created] = await harness.events.readStream(tenantStream(tenantIdOf(sent.commandId)));
    expect(created.metadata).toMatchObject({ tenantId: '_system', businessDate: '2019-02-10', commandId: sent.commandId, actor: 'spec' });
  });

  it('dates a production tenant by the system clock in its own time zone', async () => {
    // 2019-02-10T12:00Z is already 2019-02-11 02:00 at UTC+14.
    const { body } = await harness.when<CreatedTenant>(new CreateTenantCommand(input({ timeZone: 'Pacific/Kiritimati' }), context()));

    expect(body).toMatchObject({ sandbox: false, businessDate: null, timeZone: 'Pacific/Kiritimati', createdOn: '2019-02-11' });
  });

  it('starts a sandbox on the date asked, or on the system date', async () => {
    const dated = await harness.when<CreatedTenant>(new CreateTenantCommand(input({ sandbox: true, businessDate: '2019-01-01' }), context()));
    const today = await harness.when<CreatedTenant>(new CreateTenantCommand(input({ sandbox: true }), context()));

    expect(dated.body).toMatchObject({ sandbox: true, businessDate: '2019-01-01', createdOn: '2019-01-01' });
    expect(today.body).toMatchObject({ sandbox: true, businessDate: '2019-02-10', createdOn: '2019-02-10' });
  });

  it('keeps the settings given and the defaults for the rest', async () => {
    const { events } = await harness.when(
      new CreateTenantCommand(input({ settings: { prorationRule: 'none', minimumCollectionThreshold: 500, allowLateUsage: true } }), context()),
    );

    expect(events[0].data.settings).toEqual({
      prorationRule: 'none',
      minimumCollectionThreshold: 500,
      netTermsThresholdBalance: 0,
      paymentApplicationMethod: 'fifo',
      allowLateUsage: true,
      customStatuses: [],
      billWhileSuspended: true,
      autoCollectOnOrder: false,
      selfService: { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: true },
    });
  });

  it('takes self-service rules at creation, the absent ones at their defaults', async () => {
    const { events } = await harness.when(new CreateTenantCommand(input({ settings: { selfService: { planIds: ['basic'] } } }), context()));
    expect((events[0].data as { settings: { selfService: unknown } }).settings.selfService).toEqual({ planIds: ['basic'], paymentMethodTypes: ['card', 'bankDebit'], ordering: true });
  });

  it('another command id creates another tenant, even with the same name', async () => {
    const first = await harness.when<CreatedTenant>(new CreateTenantCommand(input(), context()));
    const second = await harness.when<CreatedTenant>(new CreateTenantCommand(input(), context()));

    expect(second.body.id).not.toBe(first.body.id);
    expect(second.events.map((event) => [event.stream, event.type])).toEqual([[tenantStream(second.body.id), 'TenantCreated']]);
  });

  describe('refuses, writing nothing', () => {
    const refused = async (data: CreateTenantDto, message: string, field: string) => {
      const head = await harness.events.headPosition();
      const attempt = harness.when(new CreateTenantCommand(data, context()));
      await expect(attempt).rejects.toThrow(InvalidInputError);
      await expect(attempt).rejects.toThrow(message);
      await expect(attempt).rejects.toMatchObject({ details: [expect.objectContaining({ field })] });
      expect(await harness.events.headPosition()).toBe(head);
    };

    it('a business date on a production tenant', () =>
      refused(
        input({ businessDate: '2019-01-01' }),
        'businessDate can only be set on a sandbox tenant; production tenants follow the system clock',
        'businessDate',
      ));

    it('a date that is not on the calendar', () =>
      refused(
        input({ sandbox: true, businessDate: '2019-02-30' }),
        'businessDate must be a real calendar date written YYYY-MM-DD, such as 2024-02-29 (got "2019-02-30")',
        'businessDate',
      ));

    it('an unknown time zone', () =>
      refused(input({ timeZone: 'Mars/Olympus' }), 'timeZone must be an IANA time zone such as "UTC" or "America/New_York" (got "Mars/Olympus")', 'timeZone'));

    it('a blank name', () => refused(input({ name: '   ' }), 'name must be 1 to 200 characters', 'name'));

    it('a negative threshold', () =>
      refused(
        input({ settings: { netTermsThresholdBalance: -1 } }),
        'settings.netTermsThresholdBalance must be a non-negative integer amount in minor units',
        'settings.netTermsThresholdBalance',
      ));
  });

  it('the same command id again writes nothing and answers the same tenant, without a new API key', async () => {
    const sent = context();
    const first = await harness.when<CreatedTenant>(new CreateTenantCommand(input({ sandbox: true }), sent));
    const again = await harness.when<CreatedTenant>(new CreateTenantCommand(input({ sandbox: true }), sent));

    expect(again.events).toEqual([]);
    const { apiKey: _shownOnce, ...tenant } = first.body;
    expect(again.body).toEqual(tenant);
    expect(again.position).toBe(first.position);
  });
});
