/**
 * The request path for `npm run bench` (issue 24): single HTTP requests against the product and against a bare
 * Fastify server (parse JSON, answer JSON), measured with autocannon in the same run, on the same machine:
 *  - `POST /v1/accounts` (durable, read-your-writes: the answer waits for the account's read model) and
 *    `GET /v1/accounts/{id}`, each at 16 and 64 connections: requests/s, p50, p99 and the share of bare Fastify.
 *  - Targets: writes ≥ 25% of bare Fastify with p99 < 20 ms at 64 connections; reads ≥ 50% of bare Fastify.
 * Both servers are child processes (the product is `dist/apps/all-in-one/main.js`, as `npm start`, on a temporary
 * SQLite folder, LOG_LEVEL=info as in production), so autocannon in this process does not share their event loop.
 * BENCH_REQUEST_SECONDS (default 5) is the length of each autocannon run; BENCH_REQUEST_ROUNDS (default 1) repeats
 * every run and keeps the median.
 * Run alone: `npm run build && node dist/scripts/bench-request-path.js` (prints its rows as JSON, last line).
 * `node dist/scripts/bench-request-path.js --bare-fastify` is the bare server itself (it prints its port).
 * BENCH_CPU_PROF=<folder> profiles instead (decision 0019): for each method a fresh product under `node --cpu-prof`
 * (through NODE_OPTIONS, its threads included), BENCH_REQUEST_SECONDS of autocannon at 64 connections, then the main
 * thread's profile summarized on stderr: self and inclusive time by function, start-up and idle left out. The
 * `.cpuprofile` files stay in the folder (Chrome DevTools, speedscope).
 * BENCH_REQUEST_SYNCS=1 adds, where `strace` is installed, the fsyncs per write (decision 0025): 3 s of POST at 16
 * connections with `strace -f -c` attached to the product (which slows it, so that run gives no rate). A GET writes
 * nothing (0 fsyncs when measured alone); right after the POSTs it would count their WAL checkpoints.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { bindWithoutDeprecatedProperty } from '../libs/platform/http/async-resource-bind';
import { fmt, Row, runStandalone } from './bench-support';
import { callServer, PRODUCT_NODE_FLAGS, repositoryRoot, ServerProcess, startServerProcess } from './server-process';

const SECONDS = Number(process.env.BENCH_REQUEST_SECONDS ?? 5);
const ROUNDS = Math.max(1, Number(process.env.BENCH_REQUEST_ROUNDS ?? 1));
const CONNECTIONS = [16, 64];
const ADMIN_KEY = 'bench-admin';
const BUSINESS_DATE = '2026-12-01';
const ACCOUNT_BODY = JSON.stringify({ name: 'Bench Account', currency: 'USD', email: 'billing@bench.example', country: 'US' });

/** What this file reads of autocannon's result (the package has no types of its own). */
interface CannonResult {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
interface CannonOptions {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  duration: number;
  headers: Record<string, string>;
  body?: string;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: CannonOptions) => Promise<CannonResult>;

interface Measured {
  rps: number;
  p50: number;
  p99: number;
  /** CPU time of the server process (all its threads) per request, in µs: steadier than req/s on a shared machine. */
  cpuUs: number;
}

interface Target {
  name: string;
  url: string;
  key: string;
  accountId: string;
  pid: number;
}

export async function benchRequestPath(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-request-path-'));
  let product: ServerProcess | null = null;
  let bare: ChildProcess | null = null;
  try {
    product = await startServerProcess('all-in-one', { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'info' });
    const tenant = await callServer(product.url, 'POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench request path', sandbox: true, businessDate: BUSINESS_DATE });
    if (tenant.status !== 201) throw new Error(`POST /v1/tenants: ${tenant.status} ${JSON.stringify(tenant.body)}`);
    const account = await callServer(product.url, 'POST', '/v1/accounts', tenant.body.apiKey, JSON.parse(ACCOUNT_BODY));
    if (account.status !== 201) throw new Error(`POST /v1/accounts: ${account.status} ${JSON.stringify(account.body)}`);
    const bareServer = await startBareFastify();
    bare = bareServer.child;
    const targets: Target[] = [
      { name: 'product', url: product.url, key: tenant.body.apiKey, accountId: account.body.id, pid: product.child.pid! },
      { name: 'bare Fastify', url: bareServer.url, key: 'none', accountId: account.body.id, pid: bareServer.child.pid! },
    ];
    // Warm both up (JIT, SQLite pages) so the first measured run is not the cold one.
    for (const target of targets) {
      await measure(target, 'POST', 16, 1);
      await measure(target, 'GET', 16, 1);
    }

    const rows: Row[] = [];
    const table: string[] = [];
    let met = true;
    for (const method of ['POST', 'GET'] as const) {
      for (const connections of CONNECTIONS) {
        const [ours, theirs] = [await medianOf(targets[0], method, connections), await medianOf(targets[1], method, connections)];
        const share = ours.rps / theirs.rps;
        const label = `${method} /v1/accounts${method === 'GET' ? '/{id}' : ''} @${connections}`;
        const shareTarget = method === 'POST' ? 0.25 : 0.5;
        const p99Target = method === 'POST' && connections === 64;
        const ok = share >= shareTarget && (!p99Target || ours.p99 < 20);
        met &&= ok;
        rows.push([`${label}: req/s (p50 / p99 ms)`, `${fmt(ours.rps)} (${ours.p50} / ${ours.p99})`, '']);
        rows.push([`${label}: bare Fastify req/s, share`, `${fmt(theirs.rps)}, ${(share * 100).toFixed(1)}%`, `≥ ${shareTarget * 100}%${p99Target ? ', p99 < 20 ms' : ''}`]);
        rows.push([`${label}: server CPU µs/request (bare Fastify)`, `${fmt(ours.cpuUs)} (${fmt(theirs.cpuUs)})`, '']);
        table.push(`| ${label} | ${fmt(ours.rps)} | ${ours.p50} | ${ours.p99} | ${fmt(ours.cpuUs)} | ${fmt(theirs.rps)} | ${theirs.p50} | ${theirs.p99} | ${fmt(theirs.cpuUs)} | ${(share * 100).toFixed(1)}% |`);
      }
    }
    if (process.env.BENCH_REQUEST_SYNCS === '1') {
      rows.push(['POST @16: fsyncs per request (strace)', (await syncsPerRequest(targets[0], 'POST')).toFixed(3), '']);
    }
    console.error(`request path (${SECONDS} s per run, median of ${ROUNDS}):`);
    console.error('| request | req/s | p50 ms | p99 ms | CPU µs/req | bare req/s | bare p50 | bare p99 | bare CPU µs/req | share |');
    console.error('| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |');
    for (const line of table) console.error(line);
    return { rows, met };
  } finally {
    bare?.kill('SIGKILL');
    if (product) {
      product.child.kill('SIGTERM');
      await product.exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function medianOf(target: Target, method: 'GET' | 'POST', connections: number): Promise<Measured> {
  const runs: Measured[] = [];
  for (let round = 0; round < ROUNDS; round++) runs.push(await measure(target, method, connections, SECONDS));
  const middle = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
  return { rps: middle(runs.map((r) => r.rps)), p50: middle(runs.map((r) => r.p50)), p99: middle(runs.map((r) => r.p99)), cpuUs: middle(runs.map((r) => r.cpuUs)) };
}

async function measure(target: Target, method: 'GET' | 'POST', connections: number, seconds: number): Promise<Measured> {
  const cpuBefore = cpuMsOf(target.pid);
  const result = await autocannon({
    url: method === 'POST' ? `${target.url}/v1/accounts` : `${target.url}/v1/accounts/${target.accountId}`,
    method,
    connections,
    duration: seconds,
    headers: { authorization: `Bearer ${target.key}`, ...(method === 'POST' ? { 'content-type': 'application/json' } : {}) },
    body: method === 'POST' ? ACCOUNT_BODY : undefined,
  });
  // A wrong answer is a broken bench; a connection error or time-out (a machine too busy) only costs its request.
  if (result.non2xx > 0) throw new Error(`${target.name} ${method} @${connections}: ${result.non2xx} answers other than 2xx of ${result.requests.total}`);
  if (result.errors + result.timeouts > 0) console.error(`${target.name} ${method} @${connections}: ${result.errors} errors, ${result.timeouts} time-outs (not counted as requests served)`);
  const cpuUs = ((cpuMsOf(target.pid) - cpuBefore) * 1000) / Math.max(1, result['2xx']);
  return { rps: result['2xx'] / result.duration, p50: result.latency.p50, p99: result.latency.p99, cpuUs };
}

/** fsync and fdatasync calls of the product's threads per request served, counted by `strace -c` attached to it. */
async function syncsPerRequest(target: Target, method: 'POST'): Promise<number> {
  const output = path.join(mkdtempSync(path.join(tmpdir(), 'bench-syncs-')), 'strace.txt');
  const strace = spawn('strace', ['-f', '-c', '-e', 'trace=fsync,fdatasync', '-o', output, '-p', String(target.pid)], { stdio: 'ignore' });
  const ended = new Promise((resolve) => strace.on('exit', resolve));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1000)); // attached to every thread
    const result = await autocannon({ url: `${target.url}/v1/accounts`, method, connections: 16, duration: 3, headers: { authorization: `Bearer ${target.key}`, 'content-type': 'application/json' }, body: ACCOUNT_BODY });
    strace.kill('SIGINT');
    await ended;
    // The summary's rows: "% time  seconds  usecs/call  calls  [errors]  syscall".
    const calls = readFileSync(output, 'utf8')
      .split('\n')
      .map((line) => line.trim().split(/\s+/))
      .filter((fields) => fields[fields.length - 1] === 'fsync' || fields[fields.length - 1] === 'fdatasync')
      .reduce((sum, fields) => sum + Number(fields[3]), 0);
    return calls / Math.max(1, result['2xx']);
  } finally {
    strace.kill('SIGKILL');
    rmSync(path.dirname(output), { recursive: true, force: true });
  }
}

/** User + system CPU time of a process, all threads, in ms (Linux /proc; NaN elsewhere). */
function cpuMsOf(pid: number): number {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return NaN;
  // The fields after the command name (which may hold spaces) start with the state: utime and stime are 12th and 13th.
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticksPerSecond = 100; // USER_HZ (getconf CLK_TCK) on Linux
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}

/** This file again, as the bare server, in its own process; resolves with its URL once it listens. */
function startBareFastify(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [__filename, '--bare-fastify'], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      const port = /^port (\d+)$/m.exec(output);
      if (port) resolve({ url: `http://127.0.0.1:${port[1]}`, child });
    });
    child.on('exit', (code) => reject(new Error(`bare Fastify exited (code ${code})`)));
  });
}

/**
 * The yardstick: Fastify parsing the JSON body and answering JSON, nothing else; on the same runtime as the product,
 * whose AsyncResource#bind is Node 24's (decision 0032): without it, a bare POST spends half its CPU in that bind.
 */
async function serveBareFastify(): Promise<void> {
  bindWithoutDeprecatedProperty();
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const fastify = require('fastify') as (options: object) => import('fastify').FastifyInstance;
  const server = fastify({ logger: false });
  server.post('/v1/accounts', async (request, reply) => {
    const body = request.body as Record<string, unknown>;
    return reply.code(201).send({ id: 'bare', ...body, status: 'active' });
  });
  server.get('/v1/accounts/:id', async (request) => ({ id: (request.params as { id: string }).id, name: 'Bench Account', currency: 'USD', status: 'active' }));
  const address = await server.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`port ${new URL(address).port}\n`);
}

/** BENCH_CPU_PROF: one profiled product per method, its main thread's profile summarized (no figures are returned). */
async function profileRequestPath(folder: string): Promise<Row[]> {
  for (const method of ['POST', 'GET'] as const) {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-request-path-prof-'));
    const profiles = path.resolve(folder, method.toLowerCase());
    mkdirSync(profiles, { recursive: true });
    const before = new Set(readdirSync(profiles));
    const product = await startProfiledProduct(dataDir, profiles);
    try {
      const tenant = await callServer(product.url, 'POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench profile', sandbox: true, businessDate: BUSINESS_DATE });
      const account = await callServer(product.url, 'POST', '/v1/accounts', tenant.body.apiKey, JSON.parse(ACCOUNT_BODY));
      const target: Target = { name: 'product', url: product.url, key: tenant.body.apiKey, accountId: account.body.id, pid: product.child.pid! };
      await measure(target, method, 16, 1);
      const measured = await measure(target, method, 64, SECONDS);
      console.error(`\n${method} @64 under --cpu-prof: ${fmt(measured.rps)} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms`);
    } finally {
      product.child.kill('SIGTERM');
      await product.exited;
      rmSync(dataDir, { recursive: true, force: true });
    }
    // CPU.<date>.<time>.<pid>.<thread>.<sequence>.cpuprofile: thread 0 is the main thread.
    const main = readdirSync(profiles).find((file) => !before.has(file) && new RegExp(`^CPU\\.\\d+\\.\\d+\\.${product.child.pid}\\.0\\.`).test(file));
    if (!main) throw new Error(`no main-thread profile of process ${product.child.pid} in ${profiles}`);
    console.error(`${path.join(profiles, main)}\n${summarizeProfile(JSON.parse(readFileSync(path.join(profiles, main), 'utf8')) as CpuProfile, 25)}`);
  }
  return [];
}

/** `npm start`'s build under `node --cpu-prof` (not allowed in NODE_OPTIONS, so not through startServerProcess). */
async function startProfiledProduct(dataDir: string, profiles: string): Promise<ServerProcess> {
  const port = await freePort();
  const entry = path.join(repositoryRoot(), 'dist', 'apps', 'all-in-one', 'main.js');
  const child = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, '--cpu-prof', `--cpu-prof-dir=${profiles}`, entry], {
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'info', LOG_FORMAT: 'json' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('"msg":"listening on')) resolve();
    });
    void exited.then(({ code }) => reject(new Error(`the profiled product exited (code ${code}):\n${output.slice(-2000)}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** What this file reads of a V8 `.cpuprofile`. */
interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Self and inclusive time per function (a function counted once per stack), as shares of the samples that served
 * requests: those under the entry point's start-up, `(idle)` and `(program)` are left out. Functions are named with
 * their package (node_modules), their module under dist/, or node's own.
 */
export function summarizeProfile(profile: CpuProfile, top: number): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const stack = (id: number) => {
    const frames = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!.callFrame);
    return frames;
  };
  const place = (url: string) => {
    if (!url) return '(V8)';
    const packages = url.lastIndexOf('node_modules/');
    if (packages >= 0) return url.slice(packages + 13).split('/').slice(0, url.slice(packages + 13).startsWith('@') ? 2 : 1).join('/');
    const built = url.indexOf('/dist/');
    return built >= 0 ? url.slice(built + 6) : url;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let serving = 0;
  profile.samples.forEach((id, i) => {
    const frames = stack(id);
    if (frames.some((f) => ['executeUserEntryPoint', '(idle)', '(program)'].includes(f.functionName))) return;
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    serving += ms;
    const names = frames.map((f) => `${f.functionName || '(anonymous)'} ${place(f.url)}${f.url.startsWith('node:') || !f.url ? '' : `:${f.lineNumber + 1}`}`);
    self.set(names[0], (self.get(names[0]) ?? 0) + ms);
    for (const name of new Set(names)) inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
  });
  const list = (title: string, times: Map<string, number>) =>
    [`${title}:`, ...[...times].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => `${((100 * ms) / serving).toFixed(1).padStart(6)}%  ${name}`)].join('\n');
  return [`${fmt(serving)} ms serving requests`, list('self', self), list('inclusive', inclusive)].join('\n');
}

if (require.main === module) {
  if (process.env.BENCH_CPU_PROF) {
    runStandalone(() => profileRequestPath(process.env.BENCH_CPU_PROF!));
  } else if (process.argv.includes('--bare-fastify')) {
    serveBareFastify().catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
  } else {
    runStandalone(benchRequestPath);
  }
}
