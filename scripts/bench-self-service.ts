/**
 * Self-service figures for `npm run bench` (issue 20, "Performance"), against the all-in-one app in-process on a
 * temporary SQLite data folder, over real HTTP:
 *  - what validating a customer session adds to a request: `GET /v1/accounts/{id}` with the tenant's API key and
 *    with a session token of that account's customer user, one request in flight, the two interleaved in rounds of
 *    100 so both see the same machine; medians and p99 of each, and the difference of the medians (target < 1 ms).
 *    The session's request does more than the key's: the session lookup, the tenant lookup by id, and the check that
 *    the account is the session's. The same at 16 in flight, requests/s of each.
 *  - sign-ins/s (`POST /v1/self-service/sessions`), 4 in flight, and their median latency: bounded by the password
 *    hash (scrypt, 32 MiB, on libuv's threads) on purpose. No target: the figure is stated.
 * Set-up (not timed): a sandbox tenant, BENCH_SELF_SERVICE_USERS accounts (default 200) each with one customer user.
 * Sizes: BENCH_SELF_SERVICE_REQUESTS (default 5000 per kind).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ADMIN_KEY, fmt, Row, runPool, runStandalone, settled, startApp } from './bench-support';

const USERS = Number(process.env.BENCH_SELF_SERVICE_USERS ?? 200);
const REQUESTS = Number(process.env.BENCH_SELF_SERVICE_REQUESTS ?? 5000);
const ROUND = 100;
const PASSWORD = 'bench password 123';
const TARGET_ADDED_MS = 1;

export async function benchSelfService(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-self-service-'));
  const app = await startApp(dataDir, '2026-11-22');
  try {
    const address = app.getHttpServer().address();
    if (typeof address !== 'object' || address === null) throw new Error('the app is not listening on a TCP port');
    const base = `http://127.0.0.1:${address.port}`;
    const call = async (method: string, route: string, key: string | null, body: unknown, expected: number) => {
      const response = await fetch(`${base}${route}`, {
        method,
        headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (response.status !== expected) throw new Error(`${method} ${route}: ${response.status} ${text}`);
      return text.length > 0 ? JSON.parse(text) : undefined;
    };

    const tenant = await call('POST', '/v1/tenants', ADMIN_KEY, { name: 'Bench self-service', sandbox: true, businessDate: '2026-11-22' }, 201);
    const key: string = tenant.apiKey;
    await runPool(USERS, 16, async (i) => {
      await call('POST', '/v1/accounts', key, { id: `acc-${i}`, name: `Account ${i}`, currency: 'USD' }, 201);
      await call('POST', `/v1/accounts/acc-${i}/customer-users`, key, { email: `user${i}@bench.test`, password: PASSWORD }, 201);
    });
    await settled(app);

    // Sign-ins: every user once, 4 in flight (the hash runs on libuv's 4 threads).
    const tokens: string[] = new Array(USERS);
    const signInLatencies: number[] = [];
    const signInStarted = performance.now();
    await runPool(USERS, 4, async (i) => {
      const sent = performance.now();
      tokens[i] = (await call('POST', '/v1/self-service/sessions', null, { tenantId: tenant.id, email: `user${i}@bench.test`, password: PASSWORD }, 201)).token;
      signInLatencies.push(performance.now() - sent);
    });
    const signInsPerSecond = USERS / ((performance.now() - signInStarted) / 1000);
    await settled(app);

    // Warm-up both paths, then interleaved rounds, one request in flight.
    const get = (i: number, token: string) => call('GET', `/v1/accounts/acc-${i % USERS}`, token, undefined, 200);
    await runPool(500, 4, (i) => get(i, i % 2 === 0 ? key : tokens[i % USERS]));
    const byKey: number[] = [];
    const bySession: number[] = [];
    for (let done = 0; done < REQUESTS; done += ROUND) {
      for (const [latencies, tokenOf] of [
        [byKey, () => key],
        [bySession, (i: number) => tokens[i % USERS]],
      ] as const) {
        for (let i = done; i < done + ROUND; i++) {
          const sent = performance.now();
          await get(i, tokenOf(i));
          latencies.push(performance.now() - sent);
        }
      }
    }
    const keyRate = await rate((i) => get(i, key));
    const sessionRate = await rate((i) => get(i, tokens[i % USERS]));

    const added = median(bySession) - median(byKey);
    const rows: Row[] = [
      ['GET /v1/accounts/{id}, API key: p50 / p99 (ms)', `${median(byKey).toFixed(2)} / ${percentile(byKey, 0.99).toFixed(2)}`, ''],
      ['GET /v1/accounts/{id}, session: p50 / p99 (ms)', `${median(bySession).toFixed(2)} / ${percentile(bySession, 0.99).toFixed(2)}`, ''],
      ['session validation adds at the median (ms)', added.toFixed(3), `< ${TARGET_ADDED_MS}`],
      ['GET /v1/accounts/{id} req/s at 16 in flight: key / session', `${fmt(keyRate)} / ${fmt(sessionRate)}`, ''],
      [`sign-ins/s (scrypt, 4 in flight, ${fmt(USERS)} users)`, fmt(signInsPerSecond), 'bounded by the hash'],
      ['sign-in p50 (ms)', median(signInLatencies).toFixed(0), ''],
    ];
    return { rows, met: added < TARGET_ADDED_MS };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Requests/s of `request` with 16 in flight over REQUESTS requests. */
async function rate(request: (i: number) => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await runPool(REQUESTS, 16, request);
  return REQUESTS / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Run on its own (`node dist/scripts/bench-self-service.js`), it prints its rows, whether its target was met and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchSelfService);
