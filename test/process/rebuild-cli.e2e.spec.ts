import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { progressLine } from '../../scripts/rebuild';
import { repositoryRoot } from '../../scripts/server-process';
import { callServer, startServerProcess } from '../support/server-process';

const ADMIN = 'rebuild-admin';

function rebuild(dataDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repositoryRoot(), 'dist', 'scripts', 'rebuild.js')], { env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' } }, (error, stdout, stderr) =>
      resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** `npm run rebuild` (issue 22, Must have 6): refuses beside a live app on the same data folder, and shows its progress. */
describe('npm run rebuild', () => {
  let dataDir: string;
  beforeAll(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'billing-rebuild-'))));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('refuses while an app serves the data folder, naming it, and writes nothing; runs once it stopped, with progress', async () => {
    const server = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN });
    const tenant = await callServer(server.url, 'POST', '/v1/tenants', ADMIN, { name: 'Rebuilt' });
    expect(tenant.status).toBe(201);
    const refused = await rebuild(dataDir);
    server.child.kill('SIGTERM');
    await server.exited;
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(new RegExp(`^refusing to rebuild: all-in-one \\(pid ${server.child.pid}\\) serves ${dataDir}\\. Stop it first`));
    expect(refused.stdout).toBe('');

    const done = await rebuild(dataDir);
    expect(done.stderr).toBe('');
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^\[#{30}\] 100%  \d[\d,]* events  [\d,]+ events\/s  about 0 s left\n/);
    expect(done.stdout).toMatch(/\nrebuilt .* from \d+ events \(log position \d+\) in \d+ ms: \d+ events\/s\n$/);
  }, 60_000);

  it('draws the bar from the position reached, the rate so far and the time left', () => {
    expect(progressLine({ position: 50_000, head: 200_000, events: 50_000, millis: 1000 })).toBe('[########......................]  25%  50,000 events  50,000 events/s  about 3 s left');
    expect(progressLine({ position: 0, head: 0, events: 0, millis: 0 })).toBe('[##############################] 100%  0 events  0 events/s  about 0 s left');
  });
});
