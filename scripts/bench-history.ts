/**
 * An account's history for `npm run bench` (issue 21, Must have 2; decision 0018), over real HTTP against the
 * all-in-one app on a temporary SQLite folder: one tenant's log of BENCH_HISTORY_EVENTS (default 200,000) events,
 * of which BENCH_HISTORY_ACCOUNT_EVENTS (default 1,000) are about one account, spread through the log. Figures:
 *  - GET /v1/accounts/{id}/history?limit=100: the median (p50) and p95 of a page, over every page of the account's
 *    history walked BENCH_HISTORY_WALKS (default 10) times
 *  - the same with a type filter of two types (one index walk per type, merged)
 * The log is appended directly (no HTTP: the set-up is not what is measured), then the app's projectors index it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { accountStream } from '../libs/accounts/domain/account.decider';
import { EVENT_STORE, EventStore, NewEvent, StreamAppend } from '../libs/platform/event-store/event-store.port';
import { addDays } from '../libs/shared-kernel/calendar-date';
import { ADMIN_KEY, fmt, Http, httpClient, Row, runStandalone, settled, startApp, Tenant } from './bench-support';

const TOTAL = Number(process.env.BENCH_HISTORY_EVENTS ?? 200_000);
const ACCOUNT_EVENTS = Number(process.env.BENCH_HISTORY_ACCOUNT_EVENTS ?? 1_000);
const WALKS = Number(process.env.BENCH_HISTORY_WALKS ?? 10);
/** Other accounts of the tenant: each gets an AccountCreated and then one event per round. */
const OTHER_ACCOUNTS = 1_000;
const TODAY = '2024-01-01';
const TARGET = 'audited';

interface Page {
  items: Array<{ position: number; type: string }>;
  nextCursor?: string;
}

export async function benchHistory(): Promise<Row[]> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-history-'));
  const app = await startApp(dataDir, TODAY);
  try {
    const http = await httpClient(app);
    const tenant = await http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'History bench', sandbox: true, businessDate: TODAY }, 201);
    const events = app.get<EventStore>(EVENT_STORE);
    const setUp = performance.now();
    const appended = await appendLog(events, tenant.id);
    await settled(app);
    const setUpMs = performance.now() - setUp;

    const all = await walk(http, tenant, '', []);
    if (all !== ACCOUNT_EVENTS) throw new Error(`the history lists ${all} events, expected ${ACCOUNT_EVENTS}`);
    const pages: number[] = [];
    for (let i = 0; i < WALKS; i++) await walk(http, tenant, '', pages);
    const filtered: number[] = [];
    for (let i = 0; i < WALKS; i++) await walk(http, tenant, '&type=AccountPaymentTermsChanged,AccountCreated', filtered);
    pages.sort((a, b) => a - b);
    filtered.sort((a, b) => a - b);

    return [
      [`history set-up: ${fmt(appended)} events appended, every consumer settled (ms)`, fmt(setUpMs), ''],
      [`history of ${fmt(ACCOUNT_EVENTS)} among ${fmt(appended)}: page of 100, p50 (ms)`, percentile(pages, 0.5).toFixed(1), ''],
      [`history of ${fmt(ACCOUNT_EVENTS)} among ${fmt(appended)}: page of 100, p95 (ms)`, percentile(pages, 0.95).toFixed(1), ''],
      ['history, type filter of 2 types: page of 100, p50 (ms)', percentile(filtered, 0.5).toFixed(1), ''],
    ];
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * TOTAL events of the tenant: AccountCreated of the target and of OTHER_ACCOUNTS accounts, then rounds of one
 * payment-terms change per other account and a few of the target's, until the log holds TOTAL events of which
 * ACCOUNT_EVENTS are the target's. The business date moves one day per round.
 */
async function appendLog(events: EventStore, tenantId: string): Promise<number> {
  let n = 0;
  const metadata = (businessDate: string) => {
    const commandId = `bench-history-${n++}`;
    return { tenantId, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate };
  };
  const created = (accountId: string): NewEvent => ({
    id: `bench-history-${n}`,
    type: 'AccountCreated',
    data: {
      accountId,
      name: accountId,
      currency: 'USD',
      status: 'active',
      parentAccountId: null,
      contact: { email: `${accountId}@example.com`, phone: '+1 555 0100' },
      email: `${accountId}@example.com`,
      country: null,
      language: null,
      channel: null,
      paymentTermsDays: 0,
      createdOn: TODAY,
    },
    metadata: metadata(TODAY),
  });
  const termsChanged = (accountId: string, from: number, businessDate: string): NewEvent => ({
    id: `bench-history-${n}`,
    type: 'AccountPaymentTermsChanged',
    data: { accountId, from, to: (from + 1) % 60 },
    metadata: metadata(businessDate),
  });
  const others = Array.from({ length: OTHER_ACCOUNTS }, (_, i) => `other-${i}`);
  await events.appendToStreams([TARGET, ...others].map((id) => ({ stream: accountStream(tenantId, id), events: [created(id)], expectedRevision: 'any' })));
  let written = OTHER_ACCOUNTS + 1;
  const rounds = Math.ceil((TOTAL - written) / OTHER_ACCOUNTS);
  const targetPerRound = (ACCOUNT_EVENTS - 1) / rounds;
  let targetWritten = 1;
  for (let round = 0; written < TOTAL; round++) {
    const date = addDays(TODAY, round);
    const appends: StreamAppend[] = [];
    const targetDue = Math.min(ACCOUNT_EVENTS, 1 + Math.round(targetPerRound * (round + 1))) - targetWritten;
    const otherCount = Math.min(OTHER_ACCOUNTS, TOTAL - written - targetDue);
    for (let i = 0; i < otherCount; i++) appends.push({ stream: accountStream(tenantId, others[i]), events: [termsChanged(others[i], round, date)], expectedRevision: 'any' });
    if (targetDue > 0) {
      const target = Array.from({ length: targetDue }, (_, k) => termsChanged(TARGET, targetWritten + k, date));
      appends.splice(Math.floor(appends.length / 2), 0, { stream: accountStream(tenantId, TARGET), events: target, expectedRevision: 'any' });
    }
    await events.appendToStreams(appends);
    written += otherCount + targetDue;
    targetWritten += targetDue;
  }
  return written;
}

/** Walks the target's whole history in pages of 100, pushing each page's latency; the number of events. */
async function walk(http: Http, tenant: Tenant, filter: string, latencies: number[]): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const started = performance.now();
    const page = await http.call<Page>('GET', `/v1/accounts/${TARGET}/history?limit=100${filter}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, tenant.apiKey, undefined, 200);
    latencies.push(performance.now() - started);
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor);
  return count;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

/** Run on its own (`node dist/scripts/bench-history.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchHistory);
