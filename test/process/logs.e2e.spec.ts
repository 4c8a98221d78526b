import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { repositoryRoot } from '../../scripts/server-process';
import { callServer, startServerProcess } from '../support/server-process';

/**
 * Logs for people (issue 22, Must have 5): readable lines with LOG_FORMAT=pretty (the default at a terminal), JSON
 * otherwise; no line per route at start; monitors' polls of /health and /metrics not at info; the generated admin
 * key set apart after the start.
 */
describe('the logs of a start', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = mkdtempSync(path.join(tmpdir(), 'billing-logs-'))));
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('JSON (not a terminal): no route mappings, polls of /health and /metrics left out, other requests in', async () => {
    const server = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: 'logs-admin' });
    try {
      for (const route of ['/health', '/metrics', '/health']) expect((await fetch(`${server.url}${route}`)).status).toBe(200);
      expect((await callServer(server.url, 'GET', '/v1/clock', 'wrong-key')).status).toBe(401);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const lines = server.output().trim().split('\n');
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
      const records = lines.map((line) => JSON.parse(line) as { msg: string; url?: string; context?: string });
      expect(records.filter((record) => record.context === 'RouterExplorer' || /Mapped \{/.test(record.msg))).toEqual([]);
      expect(records.filter((record) => record.url === '/health' || record.url === '/metrics')).toEqual([]);
      expect(records.filter((record) => record.url === '/v1/clock')).toHaveLength(1);
      expect(lines.length).toBeLessThan(15);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
    }
  }, 60_000);

  it('LOG_FORMAT=pretty: one readable line per record, and the generated admin key set apart', async () => {
    const child = spawn(process.execPath, [path.join(repositoryRoot(), 'dist', 'apps', 'all-in-one', 'main.js')], {
      env: { ...process.env, DATA_DIR: dataDir, BILLING_ADMIN_KEY: '', PORT: '0', HOST: '127.0.0.1', LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk) => (output += chunk));
    child.stderr!.on('data', (chunk) => (output += chunk));
    const exited = new Promise((resolve) => child.on('exit', resolve));
    try {
      const deadline = Date.now() + 30_000;
      while (!output.includes('listening on') && Date.now() < deadline && child.exitCode === null) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(output).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: listening on http:\/\/localhost:/m);
      expect(output).toMatch(/\n={100}\nAdmin API key \(shown once, store it now; set BILLING_ADMIN_KEY to choose your own\): adm_[A-Za-z0-9_-]+\n={100}\n/);
      expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);

  it('a LOG_FORMAT other than json or pretty stops the start with a message naming it', async () => {
    const child = spawn(process.execPath, [path.join(repositoryRoot(), 'dist', 'apps', 'all-in-one', 'main.js')], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_FORMAT: 'xml' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (chunk) => (output += chunk));
    const code = await new Promise((resolve) => child.on('exit', resolve));
    expect(code).toBe(2);
    expect(output).toBe('invalid configuration: LOG_FORMAT must be json or pretty (got "xml")\n');
  });
});
