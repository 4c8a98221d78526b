import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN = 'split-admin-key';


describe('Split deployment: command-api, query-api and worker as three processes on one SQLite data folder', () => {
  let dataDir: string;
  let commands: ServerProcess;
  let queries: ServerProcess;
  let worker: ServerProcess;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'split-'));
    const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN };
    [commands, queries, worker] = await Promise.all([
      startServerProcess('command-api', env),
      startServerProcess('query-api', env),
      startServerProcess('worker', env),
    ]);
  }, 60_000);

  afterAll(async () => {
    for (const server of [commands, queries, worker]) server?.child.kill('SIGTERM');
    await Promise.all([commands, queries, worker].map((server) => server?.exited));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('writes through the command API, projects in the worker and reads through the query API', async () => {
    const tenant = await call(commands.url, 'POST', '/v1/tenants', ADMIN, { name: 'Split' });
    expect(tenant.status).toBe(201);
    // The new key works at once, although only the worker builds the tenants read model.
    const created = await call(commands.url, 'POST', '/v1/accounts', tenant.body.apiKey, { id: 'split-1', name: 'S', currency: 'EUR' });
    expect(created.status).toBe(201);
    const position = created.headers.get('x-log-position')!;

    const read = await call(queries.url, 'GET', '/v1/accounts/split-1', tenant.body.apiKey, undefined, { 'x-min-position': position });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: 'split-1', currency: 'EUR' });
    expect(read.headers.get('x-read-model-behind')).toBeNull();

    const health = await call(worker.url, 'GET', '/health', '');
    expect(health.body.projections.accounts).toBeGreaterThanOrEqual(Number(position));
    // Each app serves only its own routes.
    expect((await call(queries.url, 'POST', '/v1/accounts', tenant.body.apiKey, { name: 'x', currency: 'USD' })).status).toBe(404);
    expect((await call(commands.url, 'GET', '/v1/accounts/split-1', tenant.body.apiKey)).status).toBe(404);
  });
});
