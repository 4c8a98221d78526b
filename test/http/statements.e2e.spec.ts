import type { Invoice, InvoiceLine } from '../../libs/plan-instances/domain/invoice';
import { linePayers } from '../../libs/plan-instances/domain/invoice';
import { withPayers } from '../../libs/plan-instances/domain/payers';
import type { PlanInstanceBilled } from '../../libs/plan-instances/domain/plan-instance.events';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { startTestApp, TestApp } from '../support/test-app';

const plan = {
  id: 'family',
  name: 'Family',
  currency: 'USD',
  billingInterval: { unit: 'month', count: 1 },
  services: [{ id: 'base', name: 'Base fee', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '30.00' } }],
};

describe('Statements over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  const get = (route: string, k = key) => t.request('GET', route, { key: k });
  const created = async (method: string, route: string, body: unknown, status = 201) => {
    const response = await t.request(method, route, { key, body });
    expect([response.status, route]).toEqual([status, route]);
    return response.body;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Statements', sandbox: true, businessDate: '2024-01-01' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other' }));
    await created('POST', '/v1/accounts', { id: 'parent', name: 'Parent Co', currency: 'USD', email: 'p@example.com' });
    await created('POST', '/v1/accounts', { id: 'child', name: 'Child Dept', currency: 'USD', email: 'c@example.com', parentAccountId: 'parent' });
    await created('POST', '/v1/accounts', { id: 'grandchild', name: 'Grandchild Team', currency: 'USD', email: 'g@example.com', parentAccountId: 'child' });
    await created('POST', '/v1/accounts', { id: 'loner', name: 'Loner', currency: 'USD', email: 'l@example.com' });
  });
  afterAll(() => t.close());

  it('gives each account a statement at each bill date that agrees with its invoices and their payers; balance, paging, status', async () => {
    await created('PUT', '/v1/accounts/child/payment-responsibility', { recurring: [{ payerAccountId: 'parent', percent: '100' }] }, 200);
    await created('PUT', '/v1/accounts/grandchild/payment-responsibility', { recurring: [{ payerAccountId: 'parent', percent: '100' }] }, 200);
    await created('POST', '/v1/plans', plan);
    for (const id of ['parent', 'child', 'grandchild']) await created('POST', `/v1/accounts/${id}/plan-instances`, { planId: 'family' });
    expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-02-03' } })).status).toBe(200);

    const invoices: Array<{ accountId: string; invoiceDate: string; lines: InvoiceLine[] }> = [];
    for (const id of ['parent', 'child', 'grandchild']) invoices.push(...(await get(`/v1/accounts/${id}/invoices`)).body.items);
    expect(invoices.map((i) => i.invoiceDate).sort()).toEqual(['2024-01-01', '2024-01-01', '2024-01-01', '2024-02-01', '2024-02-01', '2024-02-01']);
    // What each account owes on each date, from the invoices' own payers (the bill run sets them, or the account owes all).
    const owed = (accountId: string, date: string) =>
      invoices
        .filter((i) => i.invoiceDate === date)
        .flatMap((i) => i.lines.flatMap((line) => linePayers(line, i)))
        .filter((payer) => payer.accountId === accountId)
        .reduce((sum, payer) => sum + payer.amount, 0);

    for (const id of ['parent', 'child', 'grandchild']) {
      const list = await get(`/v1/accounts/${id}/statements`);
      expect(list.status).toBe(200);
      expect(list.body.items.map((s: any) => s.id)).toEqual([`${id}:2024-02-01`, `${id}:2024-01-01`]);
      const [february, january] = list.body.items;
      expect(january).toMatchObject({ accountId: id, statementDate: '2024-01-01', periodStart: '2024-01-01', periodEnd: '2024-01-01', currency: 'USD', openingBalance: 0, payments: 0, credits: 0 });
      expect(january.charges).toBe(owed(id, '2024-01-01'));
      expect(february).toMatchObject({ periodStart: '2024-01-02', periodEnd: '2024-02-01', openingBalance: january.closingBalance, charges: owed(id, '2024-02-01') });
      expect(february.closingBalance).toBe(january.closingBalance + february.charges);
      expect((await get(`/v1/statements/${id}:2024-02-01`)).body).toEqual(february);
      // A section for every account whose lines this one pays (part of), whatever the bill run set.
      const flat = (sections: any[]): string[] => sections.flatMap((s) => [s.accountId, ...flat(s.sections)]);
      const paidFor = invoices.filter((i) => i.accountId !== id && i.invoiceDate === '2024-02-01' && i.lines.some((l) => linePayers(l, i).some((p) => p.accountId === id)));
      expect(flat(february.sections).filter((s) => paidFor.some((i) => i.accountId === s)).sort()).toEqual(paidFor.map((i) => i.accountId).sort());
      const balance = (await get(`/v1/accounts/${id}/balance`)).body;
      expect(balance).toMatchObject({ accountId: id, currency: 'USD', balance: february.closingBalance, lastStatementId: `${id}:2024-02-01`, lastStatementDate: '2024-02-01' });
      if (february.amountDue > 0) {
        // Due on the invoice date (payment terms 0) and the business date is 2024-02-03: late. A statement's dueDate is
        // its own charges' (February's), not the oldest the account owes (January's is January's statement's).
        expect([february.status, january.status, february.dueDate, january.dueDate, balance.status]).toEqual(['late', 'late', '2024-02-01', '2024-01-01', 'late']);
      } else {
        expect([february.status, balance.status, balance.dueDate]).toEqual(['paid', 'paid', null]);
      }
    }
    // The whole of every invoice is owed by someone: the three balances add up to the six invoices.
    const balances = await Promise.all(['parent', 'child', 'grandchild'].map(async (id) => (await get(`/v1/accounts/${id}/balance`)).body.balance));
    expect(balances.reduce((a, b) => a + b, 0)).toBe(6 * 3000);
    // The bill run applied payment responsibility (parent pays the recurring charges of child and grandchild): the
    // parent owes all three fees, nested as the tree is; the child's statement shows its fee paid by the parent.
    const parentFebruary = (await get('/v1/statements/parent:2024-02-01')).body;
    expect(parentFebruary.charges).toBe(3 * 3000);
    expect(parentFebruary.sections.map((s: any) => [s.accountId, s.total, s.sections.map((g: any) => [g.accountId, g.total])])).toEqual([['child', 6000, [['grandchild', 3000]]]]);
    const childFebruary = (await get('/v1/statements/child:2024-02-01')).body;
    expect(childFebruary.charges).toBe(0);
    expect(childFebruary.lines.map((l: any) => [l.type, l.amount, l.owed, l.paidBy])).toEqual([['recurring', 3000, 0, [{ accountId: 'parent', amount: 3000 }]]]);

    const first = await get('/v1/accounts/parent/statements?limit=1');
    expect(first.body.items.map((s: any) => s.statementDate)).toEqual(['2024-02-01']);
    const second = await get(`/v1/accounts/parent/statements?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items.map((s: any) => s.statementDate)).toEqual(['2024-01-01']);
    expect(second.body.nextCursor).toBeUndefined();
  });

  it('nests the child inside the parent and the grandchild inside the child; the child shows lines paid by the parent', async () => {
    // Invoices with their payers, as the bill run applies payment responsibility (DOMAIN.md §7), posted into the log.
    const events = t.app.get<EventStore>(EVENT_STORE);
    const parentPays = { recurring: [{ payerAccountId: 'parent', percent: '100' }] };
    const split = { usage: [{ payerAccountId: 'child', percent: '60' }, { payerAccountId: 'parent', percent: '40' }] };
    const line = (type: 'recurring' | 'usage', amount: number): InvoiceLine => ({
      type,
      planInstanceId: 'pi-x',
      serviceId: type === 'usage' ? 'gb' : 'base',
      description: type,
      periodStart: '2024-03-01',
      periodEnd: '2024-03-31',
      quantity: '1',
      unitPrice: null,
      amount,
      prorated: false,
    });
    const post = async (invoice: Invoice) => {
      const data: PlanInstanceBilled['data'] = { planInstanceId: `pi-x-${invoice.accountId}`, accountId: invoice.accountId, reason: 'billRun', nextBillDate: null, charges: [], invoice };
      const commandId = `stmt-${invoice.invoiceId}`;
      const metadata = { tenantId, commandId, correlationId: commandId, causationId: commandId, actor: 'test', businessDate: invoice.invoiceDate };
      await events.appendToStream(`planInstance-${tenantId}.pi-x-${invoice.accountId}`, [{ id: commandId, type: 'PlanInstanceBilled', data, metadata }], 'no_stream');
    };
    const invoice = (accountId: string, lines: InvoiceLine[], ancestors: string[]): Invoice => ({
      invoiceId: `x-${accountId}`,
      accountId,
      planInstanceId: `pi-x-${accountId}`,
      invoiceDate: '2024-03-01',
      dueDate: '2024-03-15',
      currency: 'USD',
      total: lines.reduce((sum, l) => sum + l.amount, 0),
      lines,
      ancestors,
    });
    await post(invoice('child', withPayers([line('recurring', 5000)], 'child', parentPays).concat(withPayers([line('usage', 1001)], 'child', split)), ['parent']));
    await post(invoice('grandchild', withPayers([line('recurring', 2500), line('usage', 99)], 'grandchild', parentPays), ['child', 'parent']));
    await t.settledHead();

    const parent = (await get('/v1/statements/parent:2024-03-01')).body;
    expect(parent).toMatchObject({ accountId: 'parent', statementDate: '2024-03-01', periodStart: '2024-02-02', charges: 5000 + 400 + 2500, lines: [] });
    // Its own charges fall due on 2024-03-15, after the business date (2024-02-03): unpaid. January's and February's
    // charges, still owed, make those statements late.
    expect([parent.dueDate, parent.status]).toEqual(['2024-03-15', 'unpaid']);
    expect((await get('/v1/statements/parent:2024-02-01')).body.status).toBe('late');
    expect(parent.sections).toHaveLength(1);
    const [child] = parent.sections;
    expect(child).toMatchObject({ accountId: 'child', name: 'Child Dept', total: 5000 + 400 + 2500 });
    expect(child.lines.map((l: any) => [l.type, l.amount, l.owed, l.paidBy])).toEqual([
      ['recurring', 5000, 5000, undefined],
      ['usage', 1001, 400, [{ accountId: 'child', amount: 601 }]],
    ]);
    expect(child.sections).toHaveLength(1);
    expect(child.sections[0]).toMatchObject({ accountId: 'grandchild', name: 'Grandchild Team', total: 2500, sections: [] });
    expect(child.sections[0].lines.map((l: any) => [l.serviceId, l.owed])).toEqual([['base', 2500]]);

    const childStatement = (await get('/v1/statements/child:2024-03-01')).body;
    expect(childStatement).toMatchObject({ charges: 601, sections: [] });
    expect(childStatement.lines.map((l: any) => [l.type, l.owed, l.paidBy])).toEqual([
      ['recurring', 0, [{ accountId: 'parent', amount: 5000 }]],
      ['usage', 601, [{ accountId: 'parent', amount: 400 }]],
    ]);
    expect((await get('/v1/statements/grandchild:2024-03-01')).body).toMatchObject({ charges: 99, closingBalance: expect.any(Number) });
  });

  it("answers 404 for unknown ids and another tenant's, 400 for a bad limit; an account never invoiced has balance 0", async () => {
    expect((await get('/v1/statements/nobody:2024-01-01')).status).toBe(404);
    expect((await get('/v1/statements/parent:2024-01-01', otherKey)).status).toBe(404);
    expect((await get('/v1/accounts/parent/statements', otherKey)).status).toBe(404);
    expect((await get('/v1/accounts/parent/balance', otherKey)).status).toBe(404);
    expect((await get('/v1/accounts/missing/statements')).status).toBe(404);
    expect((await get('/v1/accounts/missing/balance')).status).toBe(404);
    const bad = await get('/v1/accounts/parent/statements?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.details).toContainEqual(expect.objectContaining({ field: 'limit' }));
    expect((await get('/v1/accounts/parent/statements?cursor=nonsense')).status).toBe(400);
    expect((await get('/v1/accounts/loner/statements')).body).toEqual({ items: [] });
    expect((await get('/v1/accounts/loner/balance')).body).toEqual({
      accountId: 'loner',
      currency: 'USD',
      balance: 0,
      open: 0,
      pastDue: 0,
      credit: 0,
      amountDue: 0,
      dueDate: null,
      status: 'paid',
      lastStatementId: null,
      lastStatementDate: null,
      asOf: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
    });
  });

  it('documents the statement routes in the OpenAPI document', async () => {
    const openapi = await t.request('GET', '/openapi.json');
    expect(Object.keys(openapi.body.paths)).toEqual(expect.arrayContaining(['/v1/accounts/{id}/statements', '/v1/statements/{id}', '/v1/accounts/{id}/balance']));
  });
});
