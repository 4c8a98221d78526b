/**
 * Statement figures for `npm run bench` (no target given): how fast the statements projector turns posted invoices
 * into statements and balances, on the embedded SQLite read store, in the live runner's batches (500 events, each
 * batch committed with its checkpoint, as projectBatch does for the worker):
 *  - own pay: N accounts, each with one invoice of its own (one statement and one balance per invoice)
 *  - one payer: N child accounts of one parent that pays their recurring fees, all billed on the same date: each
 *    invoice updates the child's statement and the parent's, whose statement grows to N nested sections
 * Then the time to read the payer's statement back and nest its sections (what GET /v1/statements/{id} does).
 * Set-up (not timed): the invoices are appended straight into a SQLite event store as PlanInstanceBilled events,
 * lines with payers as the bill run sets them (withPayers). Checked: the payer's statement owes the sum of the lines.
 * Size: BENCH_STATEMENT_ACCOUNTS (default 20000).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Invoice, InvoiceLine } from '../libs/plan-instances/domain/invoice';
import { withPayers } from '../libs/plan-instances/domain/payers';
import { nestSections } from '../libs/statements/domain/statement';
import { createEventStore } from '../libs/platform/event-store';
import { NewEvent } from '../libs/platform/event-store/event-store.port';
import { projectBatch } from '../libs/platform/projection-runner/project-batch';
import { createReadStore } from '../libs/platform/read-store';
import { sectionsRange, STATEMENT_SECTIONS, StatementDoc, StatementSectionDoc, STATEMENTS, statementsProjection } from '../libs/statements/read-model/statements.projection';
import { fmt, Row, runStandalone } from './bench-support';

const ACCOUNTS = Number(process.env.BENCH_STATEMENT_ACCOUNTS ?? 20_000);
const TENANT = 'tenbenchstmt';
const DATE = '2025-02-01';
const BATCH = 500;

export async function benchStatements(): Promise<{ rows: Row[]; met: boolean }> {
  const own = await run('own', (i) => invoice(`acc-${i}`, [line('recurring', 1000 + (i % 7)), line('usage', 250)], undefined));
  const payer = await run('payer', (i) =>
    invoice(`child-${i}`, withPayers([line('recurring', 1000 + (i % 7)), line('usage', 250)], `child-${i}`, { recurring: [{ payerAccountId: 'parent', percent: '100' }] }), ['parent']),
  );
  if (payer.payerStatement.charges !== payer.expectedPayerCharges) throw new Error(`payer owes ${payer.payerStatement.charges}, expected ${payer.expectedPayerCharges}`);
  if (payer.sections !== ACCOUNTS) throw new Error(`payer statement has ${payer.sections} sections, expected ${ACCOUNTS}`);
  const rows: Row[] = [
    [`statements: ${fmt(ACCOUNTS)} own-pay accounts, invoices/s (1 statement each)`, fmt(own.invoicesPerSecond), ''],
    [`statements: one payer of ${fmt(ACCOUNTS)} accounts, invoices/s`, fmt(payer.invoicesPerSecond), ''],
    ['statements: one payer, statement updates/s (child + payer)', fmt(payer.updatesPerSecond), ''],
    [`statements: read + nest the payer's statement (ms)`, fmt(payer.readMillis), ''],
  ];
  return { rows, met: true };
}

interface RunResult {
  invoicesPerSecond: number;
  updatesPerSecond: number;
  readMillis: number;
  payerStatement: StatementDoc;
  expectedPayerCharges: number;
  sections: number;
}

async function run(name: string, invoiceOf: (i: number) => Invoice): Promise<RunResult> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `bench-statements-${name}-`));
  const events = createEventStore({ kind: 'sqlite', dataDir });
  const store = createReadStore({ kind: 'sqlite', dataDir });
  await store.ensureCollections(statementsProjection.collections);
  let expectedPayerCharges = 0;
  for (let from = 0; from < ACCOUNTS; from += 1000) {
    const appends: Promise<unknown>[] = [];
    for (let i = from; i < Math.min(from + 1000, ACCOUNTS); i++) {
      const inv = invoiceOf(i);
      for (const l of inv.lines) for (const p of l.payers ?? []) if (p.accountId === 'parent') expectedPayerCharges += p.amount;
      appends.push(events.appendToStream(`planInstance-${TENANT}.pi-${i}`, [billed(inv, i)], 'no_stream'));
    }
    await Promise.all(appends);
  }

  const started = performance.now();
  let after = 0;
  let count = 0;
  for (;;) {
    const batch = await events.readAll({ after, maxCount: BATCH });
    if (batch.length === 0) break;
    after = await projectBatch(statementsProjection, batch, store);
    count += batch.length;
  }
  const seconds = (performance.now() - started) / 1000;

  const readStarted = performance.now();
  const payerStatement = (await store.get<StatementDoc>(STATEMENTS, TENANT, `parent:${DATE}`)) as StatementDoc;
  const sections: StatementSectionDoc[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.find<StatementSectionDoc>(STATEMENT_SECTIONS, TENANT, { filter: { id: sectionsRange(`parent:${DATE}`) }, limit: 1000, ...(cursor ? { cursor } : {}) });
    sections.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  const nested = nestSections(sections, () => null);
  const readMillis = performance.now() - readStarted;

  await events.close();
  await store.close();
  rmSync(dataDir, { recursive: true, force: true });
  const updates = name === 'payer' ? count * 2 : count;
  return {
    invoicesPerSecond: count / seconds,
    updatesPerSecond: updates / seconds,
    readMillis,
    payerStatement: payerStatement ?? ({ charges: 0 } as StatementDoc),
    expectedPayerCharges,
    sections: nested.length,
  };
}

function line(type: 'recurring' | 'usage', amount: number): InvoiceLine {
  return { type, planInstanceId: 'pi', serviceId: type === 'usage' ? 'gb' : 'base', description: type, periodStart: DATE, periodEnd: '2025-02-28', quantity: '1', unitPrice: null, amount, prorated: false };
}

function invoice(accountId: string, lines: InvoiceLine[], ancestors: string[] | undefined): Invoice {
  const total = lines.reduce((sum, l) => sum + l.amount, 0);
  return { invoiceId: `inv-${accountId}`, accountId, planInstanceId: `pi-${accountId}`, invoiceDate: DATE, dueDate: DATE, currency: 'USD', total, lines, ...(ancestors ? { ancestors } : {}) };
}

function billed(inv: Invoice, i: number): NewEvent {
  const commandId = `bench-stmt-${i}`;
  return {
    id: commandId,
    type: 'PlanInstanceBilled',
    data: { planInstanceId: inv.planInstanceId, accountId: inv.accountId, reason: 'billRun', nextBillDate: '2025-03-01', charges: [], invoice: inv } as unknown as Record<string, unknown>,
    metadata: { tenantId: TENANT, commandId, correlationId: commandId, causationId: commandId, actor: 'bench', businessDate: DATE },
  };
}

/** Run on its own (`node dist/scripts/bench-statements.js`), it prints its rows and its own peak RSS as JSON. */
if (require.main === module) runStandalone(benchStatements);
