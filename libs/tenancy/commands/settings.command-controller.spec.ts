import type { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ReadYourWrites } from '../../platform/app/read-your-writes';
import type { ReadStore } from '../../platform/read-store/read-store.port';
import { DEFAULT_TENANT_SETTINGS, TenantView } from '../domain/tenant.decider';
import type { TenantDirectory } from '../tenant-directory';
import { ChangeTenantSettingsCommand } from './change-settings';
import { SettingsCommandController } from './settings.command-controller';

/**
 * A command API without projectors (split deployment): the PATCH answers once the worker's tenants read model
 * has the change, so the next request to any process reads the new settings. Bounded: past the timeout it answers.
 */
describe('PATCH /v1/settings in a command API without projectors', () => {
  const tenant = { id: 'ten1', sandbox: true, businessDate: '2019-02-10', timeZone: 'UTC', settings: DEFAULT_TENANT_SETTINGS } as TenantView;
  const request = { id: 'req-1', headers: {}, principal: { kind: 'tenant', tenant, keyHash: 'abcdef0123456789' } } as unknown as FastifyRequest;
  const body = { ...DEFAULT_TENANT_SETTINGS, prorationRule: 'none' };

  function controllerWith(checkpoints: Array<number | null>, timeoutMs = 1000) {
    const sent: ChangeTenantSettingsCommand[] = [];
    const bus = { execute: async (command: ChangeTenantSettingsCommand) => (sent.push(command), { body, position: 7 }) } as unknown as CommandBus;
    const readYourWrites = { waitsAfterCommands: false, timeoutMs } as ReadYourWrites;
    const directory = { businessDate: () => '2019-02-10' } as unknown as TenantDirectory;
    let reads = 0;
    const store = { getCheckpoint: async () => checkpoints[Math.min(reads++, checkpoints.length - 1)] } as unknown as ReadStore;
    const headers: Record<string, string> = {};
    const reply = { header: (name: string, value: string) => (headers[name] = value) } as unknown as FastifyReply;
    const controller = new SettingsCommandController(bus, readYourWrites, directory, store);
    return { controller, sent, headers, reply, reads: () => reads };
  }

  it('waits until the tenants checkpoint reaches the position written, then answers', async () => {
    const { controller, sent, headers, reply, reads } = controllerWith([null, 5, 7]);

    const answer = await controller.change(tenant, { prorationRule: 'none' }, request, reply);

    expect(answer).toEqual(body);
    expect(reads()).toBe(3);
    expect(headers['x-log-position']).toBe('7');
    expect(sent[0].data).toEqual({ tenantId: 'ten1', changes: { prorationRule: 'none' } });
    expect(sent[0].context).toMatchObject({ tenantId: '_system', businessDate: '2019-02-10', actor: 'tenant-key:abcdef012345' });
  });

  it('answers after the bound when the worker is behind (the change is written; it will be seen)', async () => {
    const { controller, reply } = controllerWith([3], 60);
    const started = Date.now();

    expect(await controller.change(tenant, {}, request, reply)).toEqual(body);
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });
});
