import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { callServer, startServerProcess } from '../support/server-process';

const KEY_LINE = /Admin API key \(shown once[^\n]*: (adm_[A-Za-z0-9_-]+)/;

/** The generated admin key is printed, and stored, only by a start that reaches listening. */
describe('a generated admin key', () => {
  let dataDir: string;
  let busy: Server;
  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'billing-admin-key-'));
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => busy.close(resolve));
    rmSync(dataDir, { recursive: true, force: true });
  });

  const env = () => ({ DATA_DIR: dataDir, BILLING_ADMIN_KEY: '' });

  it('is neither printed nor stored by starts that fail (port in use, port out of range); the first start that listens prints it once', async () => {
    const port = (busy.address() as { port: number }).port;
    for (const badPort of [String(port), '99999']) {
      const failed = await startServerProcess('all-in-one', { ...env(), PORT: badPort }).then(
        () => 'started',
        (error: Error) => error.message,
      );
      expect(failed).toContain('server did not start');
      expect(failed).not.toMatch(KEY_LINE);
    }

    const first = await startServerProcess('all-in-one', env());
    const key = KEY_LINE.exec(first.output())?.[1];
    expect(key).toBeDefined();
    expect((await callServer(first.url, 'POST', '/v1/tenants', key!, { name: 'Acme' })).status).toBe(201);
    first.child.kill('SIGTERM');
    await first.exited;

    const second = await startServerProcess('all-in-one', env());
    try {
      expect(second.output()).not.toMatch(KEY_LINE);
      expect((await callServer(second.url, 'POST', '/v1/tenants', key!, { name: 'Beta' })).status).toBe(201);
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
  }, 60_000);
});
