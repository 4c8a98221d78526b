/**
 * Hierarchy figures for `npm run bench` (issue: accounts, hierarchies, catalog), over real HTTP against
 * the all-in-one app on a temporary SQLite folder:
 *  - re-parenting a subtree of 10,000 accounts: the command's answer (the all-in-one waits for its read
 *    models) and the time until everything settled
 *  - descendants query latency on that subtree: the first page of 100, and walking all of it in pages of 1,000
 * Size: BENCH_SUBTREE (default 10000 accounts in the moved subtree).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ADMIN_KEY, fmt, Http, httpClient, Row, runPool, runStandalone, settled, startApp, Tenant } from './bench-support';

const SUBTREE = Number(process.env.BENCH_SUBTREE ?? 10_000);
const HTTP_CONCURRENCY = 32;
const TODAY = '2025-01-01';
const LATENCY_SAMPLES = 50;

interface Page {
  items: Array<{ id: string }>;
  nextCursor?: string;
}

export async function benchHierarchy(): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-hierarchy-'));
  const app = await startApp(dataDir, TODAY);
  try {
    const http = await httpClient(app);
    const tenant = await http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Hierarchy bench', sandbox: true, businessDate: TODAY }, 201);
    const leaves = await buildSubtree(http, tenant);
    await settled(app);

    // The move: 'unit' and its whole subtree go from 'old-parent' to 'new-parent'.
    const started = performance.now();
    await http.call('PUT', '/v1/accounts/unit/parent', tenant.apiKey, { parentAccountId: 'new-parent' }, 200);
    const answered = performance.now();
    await settled(app);
    const settledAt = performance.now();
    const leaf = await http.call<Array<{ id: string }>>('GET', `/v1/accounts/${leaves[leaves.length - 1]}/ancestors`, tenant.apiKey, undefined, 200);
    if (leaf[leaf.length - 1]?.id !== 'new-parent') throw new Error(`the deepest account's root is ${leaf[leaf.length - 1]?.id}, not new-parent`);

    const firstPage = await medianMs(() => http.call<Page>('GET', '/v1/accounts/unit/descendants?limit=100', tenant.apiKey, undefined, 200));
    const walk = performance.now();
    const walked = await walkDescendants(http, tenant);
    const walkMs = performance.now() - walk;
    if (walked !== SUBTREE - 1) throw new Error(`walked ${walked} descendants, expected ${SUBTREE - 1}`);

    return [
      [`re-parent a ${fmt(SUBTREE)}-account subtree: answered (ms)`, fmt(answered - started), ''],
      [`re-parent a ${fmt(SUBTREE)}-account subtree: settled (ms)`, fmt(settledAt - started), ''],
      ['descendants, first page of 100: median latency (ms)', firstPage.toFixed(1), ''],
      [`descendants, all ${fmt(walked)} in pages of 1,000 (ms)`, fmt(walkMs), ''],
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** old-parent → unit → about √n departments → teams: SUBTREE accounts under and including 'unit'. */
async function buildSubtree(http: Http, tenant: Tenant): Promise<string[]> {
  const create = (id: string, parentAccountId?: string) =>
    http.call('POST', '/v1/accounts', tenant.apiKey, { id, name: id, currency: 'USD', email: `${id}@example.com`, contact: { phone: '+1 555' }, parentAccountId }, 201);
  for (const root of ['old-parent', 'new-parent']) await create(root);
  await create('unit', 'old-parent');
  const departments = Math.max(1, Math.floor(Math.sqrt(SUBTREE)));
  await runPool(departments, HTTP_CONCURRENCY, (d) => create(`dept-${d}`, 'unit'));
  const teams = SUBTREE - 1 - departments;
  const ids = Array.from({ length: teams }, (_, t) => `team-${t}`);
  await runPool(teams, HTTP_CONCURRENCY, (t) => create(ids[t], `dept-${t % departments}`));
  return ids;
}

async function walkDescendants(http: Http, tenant: Tenant): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const query = cursor ? `limit=1000&cursor=${encodeURIComponent(cursor)}` : 'limit=1000';
    const page = await http.call<Page>('GET', `/v1/accounts/unit/descendants?${query}`, tenant.apiKey, undefined, 200);
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

async function medianMs(request: () => Promise<unknown>): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const started = performance.now();
    await request();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

/** Run on its own (`node dist/scripts/bench-hierarchy.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchHierarchy);
