import Database from 'better-sqlite3';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { monthlyPlan } from '../support/plans';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 21, Must have 5 over real HTTP (decision 0020): a realistic sandbox (a hierarchy with split payment, plans,
 * four monthly bill runs, payments, a credit memo, a refund, a status change) audited by GET
 * /v1/admin/tenants/{id}/audit: zero differences, an intact hash chain; a stored document changed behind the
 * projectors' back is reported with the events behind it; the export verifies with the README's exact code, and
 * one byte changed in an event breaks it; an event changed in the file breaks the chain the audit checks. The CLI
 * (`npm run audit`) is run from dist/: `npm run build` first.
 */
const README = path.join(__dirname, '..', '..', 'README.md');
const AUDIT_SCRIPT = path.join(__dirname, '..', '..', 'dist', 'scripts', 'audit.js');

/** The ```js block after the verifier's marker in README.md, exactly as a third party would copy it. */
function readmeVerifier(): string {
  const readme = readFileSync(README, 'utf8');
  const marker = readme.indexOf('<!-- audit: third-party verifier');
  expect(marker).toBeGreaterThan(0);
  const start = readme.indexOf('```js\n', marker) + '```js\n'.length;
  return readme.slice(start, readme.indexOf('\n```', start));
}

describe('The recompute-everything audit and the hash chain', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let verifierFile: string;

  const post = async (route: string, body: unknown, status = 201, method = 'POST') => {
    const response = await t.request(method, route, { key, body });
    expect([route, response.status]).toEqual([route, status]);
    return response.body;
  };
  const audit = async (tenant = tenantId) => {
    const response = await t.request('GET', `/v1/admin/tenants/${tenant}/audit`, { key: ADMIN_KEY });
    expect(response.status).toBe(200);
    return response.body;
  };
  const exportOf = async () => {
    const response = await fetch(`${t.url}/v1/admin/tenants/${tenantId}/export`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/x-ndjson');
    return response.text();
  };
  /** Runs the README's verifier on an export; its output, or the error it threw. */
  const verify = (ndjson: string): { ok: boolean; output: string } => {
    const file = path.join(t.dataDir, `export-${Date.now()}-${Math.random()}.ndjson`);
    writeFileSync(file, ndjson);
    const run = spawnSync(process.execPath, [verifierFile, file], { encoding: 'utf8' });
    return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
  };

  beforeAll(async () => {
    t = await startTestApp();
    verifierFile = path.join(t.dataDir, 'verify-chain.js');
    writeFileSync(verifierFile, readmeVerifier());
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Audited', sandbox: true, businessDate: '2024-01-01' }));
    await t.createTenant({ name: 'Neighbour', sandbox: true, businessDate: '2024-01-01' }); // another tenant's log beside
    await post('/v1/plans', monthlyPlan('monthly', '100.00'));
    await post('/v1/plans', monthlyPlan('small', '12.50'));
    await post('/v1/accounts', { id: 'hq', name: 'HQ', currency: 'USD', email: 'hq@example.com' });
    await post('/v1/accounts', { id: 'branch', name: 'Branch', currency: 'USD', email: 'b@example.com', parentAccountId: 'hq' });
    await post('/v1/accounts', { id: 'solo', name: 'Solo', currency: 'USD', email: 's@example.com' });
    await post('/v1/accounts/branch/payment-responsibility', { recurring: [{ payerAccountId: 'hq', percent: '100' }] }, 200, 'PUT');
    await post('/v1/accounts/hq/plan-instances', { id: 'pi-hq', planId: 'monthly' });
    await post('/v1/accounts/branch/plan-instances', { id: 'pi-branch', planId: 'small', quantity: 2 });
    await post('/v1/accounts/solo/plan-instances', { id: 'pi-solo', planId: 'small' });
    await post('/v1/clock/advance', { to: '2024-01-10' }, 200);
    await post('/v1/payments', { id: 'pay-1', accountId: 'hq', amount: 8000, currency: 'USD', source: 'external' });
    await post('/v1/accounts/solo/credit-memos', { amount: 250, reason: 'goodwill' });
    await post('/v1/clock/advance', { to: '2024-02-15' }, 200);
    await post('/v1/payments', { id: 'pay-2', accountId: 'solo', amount: 5000, currency: 'USD', source: 'external' });
    await post('/v1/payments/pay-2/refunds', { amount: 1000, reason: 'overpaid' });
    await post('/v1/accounts/solo/status', { status: 'suspended', reason: 'review' }, 200, 'PUT');
    await post('/v1/clock/advance', { to: '2024-04-02' }, 200);
    await t.settledHead();
  }, 180_000);
  afterAll(() => t?.close());

  it('finds zero differences and an intact chain on the sandbox the requests built', async () => {
    const report = await audit();
    expect(report).toMatchObject({ tenantId, ok: true, differences: [], truncated: false, skipped: 0 });
    expect(report.chain.breaks).toEqual([]);
    expect(report.events).toBeGreaterThan(100);
    expect(report.chain.links).toBe(report.events);
    // It compared the documents that matter: invoices, receivables, the ledger, statements.
    expect(report.documents).toBeGreaterThan(50);
    // Invoices were billed over the four months (and statements made from them).
    expect((await t.request('GET', '/v1/accounts/hq/invoices', { key })).body.items.length).toBeGreaterThanOrEqual(4);
    expect((await t.request('GET', '/v1/accounts/hq/statements', { key })).body.items.length).toBeGreaterThanOrEqual(4);
    // An unknown tenant is 404; a tenant's own key may not audit.
    expect((await t.request('GET', '/v1/admin/tenants/nobody/audit', { key: ADMIN_KEY })).status).toBe(404);
    expect((await t.request('GET', `/v1/admin/tenants/${tenantId}/audit`, { key })).status).toBe(403);
  });

  it("exports the tenant's log with its chain; the README's verifier accepts it, and one byte changed anywhere in an event breaks it", async () => {
    const ndjson = await exportOf();
    const lines = ndjson.trimEnd().split('\n');
    const report = await audit();
    expect(lines.length).toBe(report.chain.links);
    const last = JSON.parse(lines[lines.length - 1]);
    expect(last.hash).toBe(report.chain.head);
    expect(lines.every((line) => JSON.parse(line).metadata.tenantId === tenantId)).toBe(true);
    const verified = verify(ndjson);
    expect(verified).toEqual({ ok: true, output: `${lines.length} events verified, head ${report.chain.head}\n` });

    // One byte changed: an amount in a payment's data, a letter of a type, the actor in the metadata, a digit of recordedAt.
    const payment = lines.findIndex((line) => line.includes('"amount":8000'));
    expect(payment).toBeGreaterThan(0);
    const tampered = (index: number, from: string, to: string) => {
      expect(lines[index]).toContain(from);
      return lines.map((line, i) => (i === index ? line.replace(from, to) : line)).join('\n');
    };
    for (const changed of [
      tampered(payment, '"amount":8000', '"amount":9000'),
      tampered(3, `"type":"${JSON.parse(lines[3]).type}"`, `"type":"${JSON.parse(lines[3]).type.replace(/^./, 'X')}"`),
      tampered(5, '"actor":"', '"actor":"X'),
      tampered(7, `"recordedAt":"${JSON.parse(lines[7]).recordedAt}"`, `"recordedAt":"${JSON.parse(lines[7]).recordedAt.replace(/\d(?=Z$)|\d(?=\.\d+Z$)/, (d: string) => String((Number(d) + 1) % 10))}"`),
    ]) {
      expect(changed).not.toBe(ndjson.trimEnd());
      const result = verify(`${changed}\n`);
      expect(result.ok).toBe(false);
      expect(result.output).toContain('chain broken at line');
    }
    // A line removed breaks it too.
    expect(verify(`${[...lines.slice(0, 10), ...lines.slice(11)].join('\n')}\n`).ok).toBe(false);
  });

  it('reports a stored read-model document changed behind the projectors, with the events behind it', async () => {
    const invoice = (await t.request('GET', '/v1/accounts/hq/invoices', { key })).body.items[0];
    const db = new Database(path.join(t.dataDir, 'read.sqlite'));
    try {
      db.prepare(`UPDATE "rm_invoices" SET doc = json_set(doc, '$.total', 1) WHERE tenant_id = ? AND id = ?`).run(tenantId, invoice.id);
      db.prepare(`DELETE FROM "rm_receivableAccounts" WHERE tenant_id = ? AND id = ?`).run(tenantId, 'solo');
    } finally {
      db.close();
    }
    const report = await audit();
    expect(report.ok).toBe(false);
    const changed = report.differences.find((d: any) => d.collection === 'invoices' && d.id === invoice.id);
    expect(changed).toMatchObject({ kind: 'changed', fields: ['total'], stored: { total: 1 }, recomputed: { total: invoice.total } });
    expect(changed.events.map((e: any) => e.type)).toContain('PlanInstanceBilled');
    const missing = report.differences.find((d: any) => d.collection === 'receivableAccounts' && d.id === 'solo');
    expect(missing).toMatchObject({ kind: 'missing', stored: null, recomputed: { balance: expect.any(Number) } });
    expect(missing.events.length).toBeGreaterThan(0);
    expect(missing.events.map((e: any) => e.type)).toEqual(expect.arrayContaining(['PaymentRecorded']));
    expect(report.differences).toHaveLength(2);
    expect(report.chain.breaks).toEqual([]);

    // The CLI says the same, and exits 1.
    const cli = spawnSync(process.execPath, [AUDIT_SCRIPT, tenantId], { encoding: 'utf8', env: { ...process.env, DATA_DIR: t.dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' } });
    expect(cli.status).toBe(1);
    expect(cli.stdout).toContain(`${tenantId}: DIFFERENCES`);
    expect(cli.stdout).toContain(`changed invoices/${invoice.id}: total (events: `);
    expect(cli.stdout).toContain('missing receivableAccounts/solo');
  });

  it('finds an event changed in the log file: the chain no longer matches, at that event', async () => {
    const before = await audit();
    const head = before.chain.head;
    const db = new Database(path.join(t.dataDir, 'events.sqlite'));
    let position: number;
    try {
      position = (db.prepare(`SELECT position FROM events WHERE type = 'PaymentRecorded' AND json_extract(data, '$.paymentId') = 'pay-1'`).pluck().get() as number) ?? 0;
      expect(position).toBeGreaterThan(0);
      db.prepare(`UPDATE events SET data = json_set(data, '$.amount', 1) WHERE position = ?`).run(position);
    } finally {
      db.close();
    }
    const report = await audit();
    expect(report.ok).toBe(false);
    expect(report.chain.breaks[0]).toMatchObject({ position, event: { type: 'PaymentRecorded', position } });
    expect(report.chain.head).not.toBe(head);
    // The export keeps the hashes the store wrote: the README's verifier stops at that event.
    const ndjson = await exportOf();
    const brokenAt = ndjson.split('\n').findIndex((line) => line.includes(`"position":${position},`)) + 1;
    expect(verify(ndjson)).toEqual({ ok: false, output: expect.stringContaining(`chain broken at line ${brokenAt}`) });
    // And the CLI's export (--out) is the same NDJSON.
    const file = path.join(t.dataDir, 'cli-export.ndjson');
    execFileSync(process.execPath, [AUDIT_SCRIPT, '--export', tenantId, '--out', file], { env: { ...process.env, DATA_DIR: t.dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' }, stdio: 'pipe' });
    expect(readFileSync(file, 'utf8')).toBe(ndjson);
  });
});
