/**
 * Pool-rating figures for `npm run bench` (issue 6, performance: "rate a pool of 10,000 member accounts at period
 * end (time, memory)"), against the all-in-one app in-process on a temporary SQLite data folder:
 *  - rating facts + compute: `poolRatingFacts` (links, pools, currencies, usage, billing of every member, from the
 *    read models) and `ratePool` (price of the total, largest-remainder allocation, one invoice per member), timed
 *    alone in-process, with the heap it held
 *  - the rating day over HTTP (POST /v1/clock/advance to the day after the owner's period, answered once the day
 *    settled): the pool-rating process manager's appends (RatePool parts of ≤ 500 members, then PostPoolRating) and
 *    every read model (invoices numbered, usage-pools) caught up; RSS before, at most during (sampled) and after
 *  - checked: one pooled invoice per member, and their totals add up to the pool's amount
 *
 * Set-up (not timed): the tenant, the plan, the owner (with its plan instance) and its pool over HTTP; then, with
 * the app closed, N member accounts (accountDecider), their links under the owner (hierarchyDecider, one stream,
 * appended 1,000 events at a time) and one usage record each dated in the owner's January (usageDecider) are
 * decided by the real deciders and appended straight into the event store, and the read models rebuilt from the
 * log. Size: BENCH_POOL_MEMBERS (default 10000).
 */
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { accountStream, accountDecider } from '../libs/accounts/domain/account.decider';
import { hierarchyStream, hierarchyDecider } from '../libs/accounts/domain/hierarchy.decider';
import { usageStream, usageDecider } from '../libs/usage/domain/usage.decider';
import { poolRatingFacts } from '../libs/pools/process-managers/pool-rating-facts';
import { CommandContext, eventMetadata } from '../libs/platform/command-pipeline/command-context';
import { HierarchyEvent } from '../libs/accounts/domain/hierarchy.events';
import { ratePool } from '../libs/pools/domain/pool-rating';
import { deterministicUuid } from '../libs/shared-kernel/ids';
import { createEventStore } from '../libs/platform/event-store';
import { NewEvent } from '../libs/platform/event-store/event-store.port';
import { rebuildProjections } from '../libs/platform/projection-runner/rebuild';
import { createReadStore } from '../libs/platform/read-store';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { findEach } from '../libs/platform/read-store/find-all';
import { allProjectors } from '../apps/contexts';
import { INVOICES, InvoiceDoc } from '../libs/plan-instances/read-model/invoices.projection';
import { USAGE_POOLS, UsagePoolDoc } from '../libs/pools/read-model/usage-pools.projection';
import { ADMIN_KEY, appendDecided, fmt, httpClient, Row, runStandalone, settled, startApp, Tenant } from './bench-support';

const MEMBERS = Number(process.env.BENCH_POOL_MEMBERS ?? 10_000);
const START = '2024-01-01';
const USED_ON = '2024-01-15';
const LAST_DAY = '2024-01-31';
const RATING_DAY = '2024-02-01';
const SETUP_CHUNK = 1000;
const RSS_SAMPLE_MS = 50;
const APP_ENV = { SETTLE_TIMEOUT_MS: '900000' };
const PLAN = {
  id: 'family',
  name: 'Family data',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [
    {
      id: 'gb',
      name: 'Data (GB)',
      type: 'usage',
      pricing: { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '5.00' }, { upTo: '50', unitPrice: '3.00' }, { upTo: null, unitPrice: '1.00' }] },
    },
  ],
};

export async function benchPools(): Promise<{ rows: Row[]; met: boolean }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'bench-pools-'));
  try {
    const tenant = await setUpOverHttp(dataDir);
    await writeMembers(dataDir, tenant);
    const app = await startApp(dataDir, START, APP_ENV);
    try {
      await settled(app);
      const http = await httpClient(app);
      await http.call('POST', '/v1/clock/advance', tenant.apiKey, { to: LAST_DAY }, 200);
      await settled(app);
      const compute = await timedFacts(app, tenant);
      const day = await timedRatingDay(app, tenant);
      await check(app.get<ReadStore>(READ_STORE), tenant, compute.amount);
      const rows: Row[] = [
        [`pool of ${fmt(MEMBERS + 1)} members: rating facts (s)`, compute.factsSeconds.toFixed(2), ''],
        ['  its compute: price, allocation, invoices (s)', compute.computeSeconds.toFixed(3), ''],
        ['  heap held by the facts and the rating (MB)', mb(compute.heapBytes), ''],
        ['the rating day over HTTP: appends + read models settled (s)', day.seconds.toFixed(2), ''],
        ['  pooled invoices/s on that day', fmt((MEMBERS + 1) / day.seconds), ''],
        ['  RSS before / at most during / after (MB)', `${mb(day.rssBefore)}/${mb(day.rssDuring)}/${mb(day.rssAfter)}`, ''],
      ];
      return { rows, met: true };
    } finally {
      await app.close();
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function setUpOverHttp(dataDir: string): Promise<Tenant> {
  const app = await startApp(dataDir, START, APP_ENV);
  try {
    const http = await httpClient(app);
    const tenant = await http.call<Tenant>('POST', '/v1/tenants', ADMIN_KEY, { name: 'Pools', sandbox: true, businessDate: START }, 201);
    await http.call('POST', '/v1/plans', tenant.apiKey, PLAN, 201);
    await http.call('POST', '/v1/accounts', tenant.apiKey, { id: 'owner', name: 'Owner', currency: 'USD', email: 'o@example.com', contact: { phone: '+1 555 0100' } }, 201);
    await http.call('POST', '/v1/accounts/owner/plan-instances', tenant.apiKey, { planId: PLAN.id }, 201);
    await http.call('PUT', '/v1/accounts/owner/usage-pools/gb', tenant.apiKey, {}, 200);
    await settled(app);
    return tenant;
  } finally {
    await app.close();
  }
}

const memberId = (i: number) => `m-${String(i).padStart(6, '0')}`;
/** 1 to 7 GB, and a fraction: exact decimals all the way. */
const quantityOf = (i: number) => `${(i % 7) + 1}.${i % 10}`;

async function writeMembers(dataDir: string, tenant: Tenant): Promise<void> {
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  try {
    for (let from = 0; from < MEMBERS; from += SETUP_CHUNK) {
      const appends: Array<Promise<unknown>> = [];
      for (let i = from; i < Math.min(from + SETUP_CHUNK, MEMBERS); i++) {
        const accountId = memberId(i);
        const contact = { email: `${accountId}@example.com`, phone: '+1 555 0100' };
        const create = { type: 'CreateAccount' as const, data: { accountId, name: accountId, currency: 'USD', contact, createdOn: START } };
        appends.push(appendDecided(events, accountDecider, accountStream(tenant.id, accountId), create, context(tenant, `account-${i}`)));
      }
      await Promise.all(appends);
    }
    // Every member under the owner: the hierarchy's one stream, decided in order, appended in chunks.
    const stream = hierarchyStream(tenant.id);
    let state = hierarchyDecider.initialState;
    let revision = (await events.readStream(stream)).length - 1;
    for (const recorded of await events.readStream(stream)) state = hierarchyDecider.evolve(state, recorded as unknown as HierarchyEvent);
    for (let from = 0; from < MEMBERS; from += SETUP_CHUNK) {
      const batch: NewEvent[] = [];
      for (let i = from; i < Math.min(from + SETUP_CHUNK, MEMBERS); i++) {
        const ctx = context(tenant, `parent-${i}`);
        for (const [index, event] of hierarchyDecider.decide({ type: 'SetParent', data: { accountId: memberId(i), parentAccountId: 'owner', effectiveDate: START } }, state).entries()) {
          state = hierarchyDecider.evolve(state, event);
          batch.push({ id: deterministicUuid(ctx.commandId, stream, String(index)), type: event.type, data: event.data as Record<string, unknown>, metadata: eventMetadata(ctx) });
        }
      }
      const result = await events.appendToStream(stream, batch, revision < 0 ? 'no_stream' : revision);
      revision = result.nextExpectedRevision;
    }
    // One usage record per member (and 4.5 GB for the owner), dated in January.
    for (let from = -1; from < MEMBERS; from += SETUP_CHUNK) {
      const appends: Array<Promise<unknown>> = [];
      for (let i = from; i < Math.min(from + SETUP_CHUNK, MEMBERS); i++) {
        const accountId = i < 0 ? 'owner' : memberId(i);
        const record = { serviceId: 'gb', quantity: i < 0 ? '4.5' : quantityOf(i), occurredOn: USED_ON, idempotencyKey: `u-${accountId}` };
        const command = { type: 'RecordUsage' as const, data: { accountId, month: '2024-01', records: [record] } };
        appends.push(appendDecided(events, usageDecider, usageStream(tenant.id, accountId, '2024-01'), command, context(tenant, `usage-${accountId}`)));
      }
      await Promise.all(appends);
    }
    await rebuildProjections(events, store, allProjectors, () => performance.now());
  } finally {
    await events.close();
    await store.close();
  }
}

function context(tenant: Tenant, name: string): CommandContext {
  const commandId = deterministicUuid(tenant.id, 'bench-pools', name);
  return { tenantId: tenant.id, actor: 'bench', correlationId: commandId, causationId: commandId, commandId, businessDate: START };
}

/** What the process manager does before its appends, timed alone (the same functions, the same read store). */
async function timedFacts(app: NestFastifyApplication, tenant: Tenant) {
  const store = app.get<ReadStore>(READ_STORE);
  const pool = (await store.get<UsagePoolDoc>(USAGE_POOLS, tenant.id, 'owner/gb')) as UsagePoolDoc;
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = performance.now();
  const facts = await poolRatingFacts(store, tenant.id, pool, { from: pool.nextPeriodStart, to: RATING_DAY }, RATING_DAY);
  const factsDone = performance.now();
  const rating = ratePool(facts);
  const computeDone = performance.now();
  if (!rating || rating.members.length !== MEMBERS + 1) throw new Error(`rated ${rating?.members.length ?? 0} members, expected ${MEMBERS + 1}`);
  const heapBytes = process.memoryUsage().heapUsed - heapBefore;
  return { factsSeconds: (factsDone - started) / 1000, computeSeconds: (computeDone - factsDone) / 1000, heapBytes, amount: rating.header.amount };
}

async function timedRatingDay(app: NestFastifyApplication, tenant: Tenant) {
  const http = await httpClient(app);
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let rssDuring = rssBefore;
  const sampler = setInterval(() => (rssDuring = Math.max(rssDuring, process.memoryUsage().rss)), RSS_SAMPLE_MS);
  const started = performance.now();
  try {
    await http.call('POST', '/v1/clock/advance', tenant.apiKey, { to: RATING_DAY }, 200);
  } finally {
    clearInterval(sampler);
  }
  const seconds = (performance.now() - started) / 1000;
  return { seconds, rssBefore, rssDuring, rssAfter: process.memoryUsage().rss };
}

/** One pooled invoice per member, adding up to the pool's amount. */
async function check(store: ReadStore, tenant: Tenant, amount: number): Promise<void> {
  let count = 0;
  let total = 0;
  for await (const invoice of findEach<InvoiceDoc>(store, INVOICES, tenant.id)) {
    if (!invoice.planInstanceId.startsWith('pool:')) continue;
    count += 1;
    total += invoice.total;
  }
  if (count !== MEMBERS + 1 || total !== amount) throw new Error(`${count} pooled invoices totalling ${total}; expected ${MEMBERS + 1} totalling ${amount}`);
}

function mb(bytes: number): string {
  return (bytes / 1024 / 1024).toFixed(0);
}

/** Run on its own (`node dist/scripts/bench-pools.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchPools);
