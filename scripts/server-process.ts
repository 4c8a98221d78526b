import { ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import * as path from 'node:path';
import { OpenApiRecorder } from './openapi-recorder';

/**
 * A built app (`npm run build`) as a real child process on a free port: for the crash suite (scripts/crash-rounds.ts)
 * and the process tests (test/support/server-process.ts re-exports this). Here, not under test/, because the build
 * compiles scripts/ and not test/.
 */
export interface ServerProcess {
  url: string;
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code and signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The repository root: the nearest folder up with a package.json (this file runs from scripts/ or dist/scripts/). */
export function repositoryRoot(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

/** The Node flags `npm start` (package.json) and the Docker image (NODE_OPTIONS) run the product with (decision 0027). */
export const PRODUCT_NODE_FLAGS = ['--max-semi-space-size=64'];

/** Starts `dist/apps/<app>/main.js` and resolves once it logs that it listens (or throws with its output). */
export async function startServerProcess(app: string, env: Record<string, string>, startTimeoutMs = 30_000): Promise<ServerProcess> {
  const root = repositoryRoot();
  const entry = path.join(root, 'dist', 'apps', app, 'main.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: run "npm run build" (npm test does it first)`);
  const port = await freePort();
  const child = spawn(process.execPath, [...PRODUCT_NODE_FLAGS, entry], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + startTimeoutMs;
  while (!output.includes('"msg":"listening on')) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`server did not start:\n${output.slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { url: `http://127.0.0.1:${port}`, child, output: () => output, exited };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

const recorder = OpenApiRecorder.fromEnv();

/** One JSON request to a server process; an empty answer's body is null. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function callServer(url: string, method: string, route: string, key: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any; headers: Headers }> {
  const response = await fetch(`${url}${route}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await response.text();
  await recorder?.record(url, method, route, response.status, response.headers.get('content-type'), text);
  return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
}
