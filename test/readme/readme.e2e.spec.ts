import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { expectationsOf, matchesAnswer, runnableBlocks, scriptOf } from '../support/readme-examples';
import { ServerProcess, startServerProcess } from '../support/server-process';

const ADMIN_KEY = 'readme-admin-key-0123456789abcdef';

/** Every ```sh block of the README, run in order against a fresh server, and every answer it shows checked. */
describe('the README runs as written (issue 22, Must have 8)', () => {
  const root = path.resolve(__dirname, '../..');
  const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
  let dir: string;
  let server: ServerProcess;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'readme-'));
    server = await startServerProcess('all-in-one', { DATA_DIR: path.join(dir, 'data'), BILLING_ADMIN_KEY: ADMIN_KEY });
  });
  afterAll(async () => {
    server?.child.kill('SIGTERM');
    await server?.exited;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every example block and gets the answers shown', () => {
    const blocks = runnableBlocks(readme);
    const expectations = expectationsOf(blocks);
    expect(expectations.length).toBeGreaterThan(15);
    const port = Number(new URL(server.url).port);
    writeFileSync(path.join(dir, 'readme.sh'), scriptOf(blocks, dir, port));
    const run = spawnSync('bash', ['-e', path.join(dir, 'readme.sh')], {
      cwd: dir,
      env: { ...process.env, BILLING_ADMIN_KEY: ADMIN_KEY },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (run.status !== 0) throw new Error(`the README's examples stopped (exit ${run.status}):\n${run.stderr}\n${run.stdout.slice(-3000)}`);

    const failures: string[] = [];
    for (const expected of expectations) {
      const call = Number(readFileSync(path.join(dir, `mark-${expected.line}`), 'utf8'));
      if (call === 0) {
        failures.push(`README line ${expected.line}: an answer shown before any curl call`);
        continue;
      }
      const status = Number(readFileSync(path.join(dir, `${call}.status`), 'utf8'));
      const body = readFileSync(path.join(dir, `${call}.body`), 'utf8');
      if (expected.status !== null && status !== expected.status) failures.push(`README line ${expected.line}: status ${status}, shown ${expected.status}\n  ${body.slice(0, 400)}`);
      if (expected.body !== null && !matchesAnswer(expected.body, body)) failures.push(`README line ${expected.line}: the answer\n  ${body.slice(0, 1500)}\nis not the one shown\n  ${expected.body}`);
    }
    expect(failures).toEqual([]);
  }, 180_000);
});
