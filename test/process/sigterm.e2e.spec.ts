import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createEventStore } from '../../libs/platform/event-store';
import { createReadStore } from '../../libs/platform/read-store';
import { allProjectors } from '../../apps/contexts';
import { ACCOUNTS } from '../../libs/accounts/read-model/accounts.projection';
import { callServer as call, startServerProcess } from '../support/server-process';

const ADMIN = 'sigterm-admin-key';


describe('SIGTERM on the all-in-one process (a real child process)', () => {
  it('lets in-flight commands finish, closes the stores and exits; a restart resumes and loses nothing', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'sigterm-'));
    const server = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    const tenant = await call(server.url, 'POST', '/v1/tenants', ADMIN, { name: 'Sigterm' });
    const key = tenant.body.apiKey;
    const before = (await call(server.url, 'GET', '/health', key)).body.logPosition;

    const requests = Array.from({ length: 60 }, (_, i) =>
      call(server.url, 'POST', '/v1/accounts', key, { id: `st-${i}`, name: `A${i}`, currency: 'USD' }),
    );
    // Signal once commands are being written, with more still arriving.
    while ((await call(server.url, 'GET', '/health', key)).body.logPosition === before) await new Promise((r) => setTimeout(r, 2));
    server.child.kill('SIGTERM');
    const answers = await Promise.allSettled(requests);
    const exit = await server.exited;

    expect(exit.signal === 'SIGTERM' || exit.code === 0).toBe(true);
    expect(server.output()).toContain('"msg":"stores closed"');
    // Projectors ran in their thread (the default); it stopped and closed its stores before the main stores closed.
    expect(server.output()).toContain('projectors running in a worker thread');
    expect(server.output().indexOf('"msg":"projector thread stopped; its stores are closed"')).toBeGreaterThan(-1);
    expect(server.output().indexOf('"msg":"projector thread stopped; its stores are closed"')).toBeLessThan(server.output().indexOf('"msg":"stores closed"'));
    const statuses = answers.flatMap((a) => (a.status === 'fulfilled' ? [a.value.status] : []));
    expect(statuses.every((s) => s === 201 || s === 503)).toBe(true);
    const created = answers.flatMap((a) => (a.status === 'fulfilled' && a.value.status === 201 ? [a.value.body.id] : []));
    expect(created.length).toBeGreaterThan(0);

    // Answered commands were in the read model before their answer; the checkpoints hold what was done.
    const store = createReadStore({ kind: 'sqlite', dataDir });
    await store.ensureCollections(allProjectors.flatMap((p) => p.collections));
    for (const id of created) expect(await store.get(ACCOUNTS, tenant.body.id, id)).not.toBeNull();
    await store.close();

    // Nothing was lost: a restarted process resumes every consumer from its checkpoint and catches up.
    const restarted = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    const settled = async () => {
      for (let i = 0; i < 500; i++) {
        const health = (await call(restarted.url, 'GET', '/health', key)).body;
        const positions = [...Object.values(health.projections), ...Object.values(health.processManagers)];
        if (positions.every((p) => p === health.logPosition)) return true;
        await new Promise((r) => setTimeout(r, 20));
      }
      return false;
    };
    expect(await settled()).toBe(true);
    const events = createEventStore({ kind: 'sqlite', dataDir });
    for (const event of (await events.readAll()).filter((e) => e.type === 'AccountCreated')) {
      expect((await call(restarted.url, 'GET', `/v1/accounts/${event.data.accountId}`, key)).status).toBe(200);
    }
    await events.close();
    restarted.child.kill('SIGTERM');
    await restarted.exited;
    rmSync(dataDir, { recursive: true, force: true });
  });
});
