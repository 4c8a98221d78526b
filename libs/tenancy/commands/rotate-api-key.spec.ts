import { HandlerHarness } from '../../../test/support/handler-harness';
import { SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { hashApiKey } from '../api-keys';
import { tenantStream } from '../domain/tenant.decider';
import { API_KEYS } from '../read-model/tenants.projection';
import { RotateTenantApiKeyCommand } from './rotate-api-key';

type Rotated = { id: string; apiKey?: string };

describe('RotateTenantApiKey (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
  });
  afterEach(() => harness.stop());

  /** As the controller sends it: tenants are process-wide, so the command acts for the system tenant. */
  const context = () => harness.context({ tenantId: SYSTEM_TENANT });
  const rotate = () => new RotateTenantApiKeyCommand({ tenantId: harness.tenant.id }, context());

  it("replaces the tenant's key hash on its stream and answers the new key, once", async () => {
    await harness.givenTenant(); // its key hash is 'spec-key-hash'

    const { body, position, events } = await harness.when<Rotated>(rotate());

    expect(body.apiKey).toMatch(/^bk_[A-Za-z0-9_-]{32}$/);
    expect(body).toEqual({ id: harness.tenant.id, apiKey: body.apiKey });
    expect(events).toEqual([
      {
        stream: tenantStream(harness.tenant.id),
        type: 'TenantApiKeyRotated',
        data: { tenantId: harness.tenant.id, apiKeyHash: hashApiKey(body.apiKey!), previousApiKeyHash: 'spec-key-hash' },
      },
    ]);
    expect(position).toBe(await harness.events.headPosition());
  });

  it('the old key stops finding the tenant and the new one finds it', async () => {
    await harness.givenTenant();

    const { body } = await harness.when<Rotated>(rotate());

    expect(await harness.store.get(API_KEYS, SYSTEM_TENANT, 'spec-key-hash')).toBeNull();
    expect(await harness.store.get(API_KEYS, SYSTEM_TENANT, hashApiKey(body.apiKey!))).toMatchObject({ tenantId: harness.tenant.id });
  });

  it('each rotation names the key it replaces', async () => {
    await harness.givenTenant();
    const first = await harness.when<Rotated>(rotate());

    const second = await harness.when<Rotated>(rotate());

    expect(second.body.apiKey).not.toBe(first.body.apiKey);
    expect(second.events[0].data).toEqual({
      tenantId: harness.tenant.id,
      apiKeyHash: hashApiKey(second.body.apiKey!),
      previousApiKeyHash: hashApiKey(first.body.apiKey!),
    });
  });

  it('refuses a tenant that does not exist and writes nothing', async () => {
    await harness.givenTenant();
    const head = await harness.events.headPosition();

    const attempt = harness.when(new RotateTenantApiKeyCommand({ tenantId: 'nobody' }, context()));

    await expect(attempt).rejects.toThrow(NotFoundError);
    await expect(attempt).rejects.toThrow('Tenant nobody was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the tenant without a key (the key is shown once)', async () => {
    await harness.givenTenant();
    const sent = context();
    const first = await harness.when<Rotated>(new RotateTenantApiKeyCommand({ tenantId: harness.tenant.id }, sent));

    const again = await harness.when<Rotated>(new RotateTenantApiKeyCommand({ tenantId: harness.tenant.id }, sent));

    expect(again.events).toEqual([]);
    expect(again.body).toEqual({ id: harness.tenant.id });
    expect(again.position).toBe(first.position);
    // The key of the first answer still works: the repeat did not replace it.
    expect(await harness.store.get(API_KEYS, SYSTEM_TENANT, hashApiKey(first.body.apiKey!))).toMatchObject({ tenantId: harness.tenant.id });
  });
});
