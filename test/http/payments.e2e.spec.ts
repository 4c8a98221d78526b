import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

const monthly = monthlyPlan;

/**
 * Payments, credits and balances over HTTP (API.md "Payments, credits and balances", DOMAIN.md §7–§8): Aria's
 * example end to end, previews, credit applied to the next invoice, credit memos, write-offs, refunds, reversals,
 * split billing, and bad input refused with nothing written. After every step the ledger sums to the balance.
 */
describe('Payments over HTTP', () => {
  let t: TestApp;
  let key: string;
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const post = (route: string, body: Record<string, unknown>, headers?: Record<string, string>) => t.request('POST', route, { key, body, headers });
  const invoiceOf = async (accountId: string, planInstanceId: string) =>
    (await get(`/v1/accounts/${accountId}/invoices`)).items.find((i: { planInstanceId: string }) => i.planInstanceId === planInstanceId);
  /** The ledger's amounts sum to the balance; returns the balance. */
  const ledgerSums = async (accountId: string): Promise<number> => {
    const balance = await get(`/v1/accounts/${accountId}/balance`);
    const { items } = await get(`/v1/accounts/${accountId}/transactions?limit=1000`);
    expect(items.reduce((sum: number, entry: { amount: number }) => sum + entry.amount, 0)).toBe(balance.balance);
    if (items.length > 0) expect(items[0].balanceAfter).toBe(balance.balance); // newest first
    return balance.balance;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Collections', sandbox: true, businessDate: '2019-02-10' }));
    for (const id of ['aria', 'parent', 'child', 'other']) expect((await post('/v1/accounts', { id, name: id, currency: 'USD' })).status).toBe(201);
    for (const plan of [monthly('sixty', '60.00'), monthly('one-fifty', '150.00'), monthly('fifty', '50.00')]) expect((await post('/v1/plans', plan)).status).toBe(201);
  });
  afterAll(() => t.close());

  it("applies Aria's 175.00 to the older 60.00 first, then 115.00 of the 150.00, leaving 35.00 owed (FIFO)", async () => {
    expect((await post('/v1/accounts/aria/plan-instances', { id: 'aria-60', planId: 'sixty' })).status).toBe(201);
    expect((await post('/v1/clock/advance', { to: '2019-02-15' })).status).toBe(200);
    expect((await post('/v1/accounts/aria/plan-instances', { id: 'aria-150', planId: 'one-fifty' })).status).toBe(201);
    const older = await invoiceOf('aria', 'aria-60');
    const newer = await invoiceOf('aria', 'aria-150');
    expect([older.total, older.balance, older.status, newer.total, newer.status]).toEqual([6000, 6000, 'unpaid', 15000, 'unpaid']);
    expect(await ledgerSums('aria')).toBe(21000);

    const body = { id: 'aria-pay-1', accountId: 'aria', amount: 17500, currency: 'USD', reference: 'cheque 101' };
    const preview = await post('/v1/payments', { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    const head = await t.settledHead();
    const paid = await post('/v1/payments', body);
    expect(paid.status).toBe(201);
    expect(preview.body).toEqual(paid.body); // preview equals commit
    expect(head).toBeLessThan(await t.settledHead());
    expect(paid.body).toEqual({
      id: 'aria-pay-1',
      accountId: 'aria',
      amount: 17500,
      currency: 'USD',
      status: 'succeeded',
      failureReason: null,
      applications: [
        { invoiceId: older.id, amount: 6000 },
        { invoiceId: newer.id, amount: 11500 },
      ],
      unapplied: 0,
      refunded: 0,
      reversed: 0,
    });
    expect((await get(`/v1/invoices/${older.id}`)).status).toBe('paid');
    expect(await get(`/v1/invoices/${newer.id}`)).toMatchObject({ balance: 3500, status: 'partiallyPaid' });
    expect(await get('/v1/accounts/aria/balance')).toMatchObject({ balance: 3500, open: 3500, credit: 0 });
    expect(await ledgerSums('aria')).toBe(3500);
    expect(await get('/v1/payments/aria-pay-1')).toMatchObject({ id: 'aria-pay-1', status: 'succeeded', reference: 'cheque 101', date: '2019-02-15' });
    expect((await get('/v1/accounts/aria/payments')).items.map((p: { id: string }) => p.id)).toEqual(['aria-pay-1']);
  });

  it('keeps an overpayment as credit and applies it to the next invoice', async () => {
    const over = await post('/v1/payments', { id: 'aria-pay-2', accountId: 'aria', amount: 5000, currency: 'USD' });
    expect(over.body).toMatchObject({ applications: [{ amount: 3500 }], unapplied: 1500 });
    expect(await get('/v1/accounts/aria/balance')).toMatchObject({ balance: -1500, open: 0, credit: 1500 });
    expect(await ledgerSums('aria')).toBe(-1500);
    // The 60.00 plan renews on 2019-03-10: the 15.00 credit pays part of it at once.
    expect((await post('/v1/clock/advance', { to: '2019-03-10' })).status).toBe(200);
    const renewal = (await get('/v1/accounts/aria/invoices')).items.find((i: { invoiceDate: string; planInstanceId: string }) => i.invoiceDate === '2019-03-10' && i.planInstanceId === 'aria-60');
    expect(renewal).toMatchObject({ total: 6000, balance: 4500, status: 'partiallyPaid' });
    expect(await get('/v1/payments/aria-pay-2')).toMatchObject({ unapplied: 0, applications: [{ amount: 3500 }, { invoiceId: renewal.id, amount: 1500 }] });
    expect(await get('/v1/accounts/aria/balance')).toMatchObject({ credit: 0, pastDue: 0 });
    expect(await ledgerSums('aria')).toBe((await get('/v1/accounts/aria/balance')).open);
  });

  it('credits, writes off, refunds and reverses, each with its reason and actor, never beyond what is there', async () => {
    const renewal = (await get('/v1/accounts/aria/invoices')).items.find((i: { invoiceDate: string; planInstanceId: string }) => i.invoiceDate === '2019-03-10' && i.planInstanceId === 'aria-60');
    const memo = await post(`/v1/invoices/${renewal.id}/credit-memos`, { amount: 1000, reason: 'outage' }, { 'x-actor': 'jane@billing' });
    expect(memo.status).toBe(201);
    expect(memo.body).toMatchObject({ accountId: 'aria', invoiceId: renewal.id, amount: 1000, reason: 'outage', actor: expect.stringContaining('jane@billing'), applications: [{ invoiceId: renewal.id, amount: 1000 }], unapplied: 0 });
    expect(await get(`/v1/invoices/${renewal.id}`)).toMatchObject({ balance: 3500 });

    const before = await t.settledHead();
    const tooMuch = await post(`/v1/invoices/${renewal.id}/credit-memos`, { amount: 3501, reason: 'too much' });
    expect(tooMuch.status).toBe(422);
    expect(tooMuch.body.details).toEqual([expect.objectContaining({ field: 'amount', rule: 'atMostInvoiceBalance' })]);
    expect(await t.settledHead()).toBe(before);

    const writeOff = await post(`/v1/invoices/${renewal.id}/write-off`, { reason: 'goodwill' });
    expect(writeOff.body).toMatchObject({ invoiceId: renewal.id, amount: 3500, reason: 'goodwill' });
    expect(await get(`/v1/invoices/${renewal.id}`)).toMatchObject({ balance: 0, status: 'writtenOff' });
    expect(await ledgerSums('aria')).toBe(0);

    // A refund of part of the first payment reopens what it paid, newest first (115.00 of the 150.00 invoice).
    const refund = await post('/v1/payments/aria-pay-1/refunds', { amount: 2000, reason: 'billing error' });
    expect(refund.status).toBe(201);
    expect(refund.body).toMatchObject({ paymentId: 'aria-pay-1', amount: 2000, fromCredit: 0, unapplications: [{ amount: 2000 }] });
    expect(await ledgerSums('aria')).toBe(2000);
    const beyond = await post('/v1/payments/aria-pay-1/refunds', { amount: 15501, reason: 'more than is left' });
    expect(beyond.status).toBe(422);
    expect(beyond.body.details).toEqual([expect.objectContaining({ field: 'amount', rule: 'atMostRefundable' })]);

    // The second payment came back (a returned bank debit): all of it reopens.
    const reversal = await post('/v1/payments/aria-pay-2/reversals', { reason: 'returned: insufficient funds' });
    expect(reversal.body).toMatchObject({ paymentId: 'aria-pay-2', amount: 5000, reason: 'returned: insufficient funds', actor: expect.stringContaining('tenant-key') });
    expect(await get('/v1/payments/aria-pay-2')).toMatchObject({ reversed: 5000, applications: [], unapplied: 0 });
    expect(await ledgerSums('aria')).toBe(7000);
    const types = (await get('/v1/accounts/aria/transactions')).items.map((e: { type: string }) => e.type);
    expect(types).toEqual(['reversal', 'refund', 'writeOff', 'creditMemo', 'invoice', 'payment', 'payment', 'invoice', 'invoice']);
  });

  it('a credit memo on the account pays what it owes; the rest is credit', async () => {
    const memo = await post('/v1/accounts/aria/credit-memos', { amount: 10000, reason: 'settlement' });
    expect(memo.body).toMatchObject({ invoiceId: null, unapplied: 3000 });
    expect(await get('/v1/accounts/aria/balance')).toMatchObject({ balance: -3000, open: 0, credit: 3000 });
    expect(await ledgerSums('aria')).toBe(-3000);
  });

  it('split billing: the payer owes and pays the share of the child’s invoice; the child’s invoice shows what the child owes', async () => {
    expect((await t.request('PUT', '/v1/accounts/child/payment-responsibility', { key, body: { recurring: [{ payerAccountId: 'parent', percent: '80' }, { payerAccountId: 'child', percent: '20' }] } })).status).toBe(200);
    expect((await post('/v1/accounts/child/plan-instances', { id: 'child-50', planId: 'fifty' })).status).toBe(201);
    const invoice = await invoiceOf('child', 'child-50');
    expect(invoice).toMatchObject({ total: 5000, balance: 1000, status: 'unpaid' });
    expect((await get(`/v1/invoices/${invoice.id}`)).shares).toEqual([
      { accountId: 'child', amount: 1000, balance: 1000, status: 'unpaid' },
      { accountId: 'parent', amount: 4000, balance: 4000, status: 'unpaid' },
    ]);
    expect(await get('/v1/accounts/parent/balance')).toMatchObject({ balance: 4000 });
    const paid = await post('/v1/payments', { accountId: 'parent', amount: 4000, currency: 'USD' });
    expect(paid.body.applications).toEqual([{ invoiceId: invoice.id, amount: 4000 }]);
    expect(await get(`/v1/invoices/${invoice.id}`)).toMatchObject({ balance: 1000, shares: [{ accountId: 'child', balance: 1000 }, { accountId: 'parent', balance: 0, status: 'paid' }] });
    // A write-off of a split invoice names whose share; without it, the invoiced account's.
    expect((await post(`/v1/invoices/${invoice.id}/write-off`, { reason: 'x', accountId: 'other' })).body.details).toEqual([expect.objectContaining({ field: 'accountId', rule: 'owesShare' })]);
    expect((await post(`/v1/invoices/${invoice.id}/write-off`, { reason: 'small balance' })).body).toMatchObject({ accountId: 'child', amount: 1000 });
    expect(await ledgerSums('parent')).toBe(0);
    expect(await ledgerSums('child')).toBe(0);
  });

  describe('refuses bad input naming the field and the rule, writing nothing', () => {
    const cases: Array<[string, string, Record<string, unknown>, number, string, string]> = [
      ['a zero amount', '/v1/payments', { accountId: 'aria', amount: 0, currency: 'USD' }, 400, 'amount', 'positiveMinorUnits'],
      ['a fractional amount', '/v1/payments', { accountId: 'aria', amount: 12.5, currency: 'USD' }, 400, 'amount', 'positiveMinorUnits'],
      ['an amount as text', '/v1/payments', { accountId: 'aria', amount: '100', currency: 'USD' }, 400, 'amount', 'positiveMinorUnits'],
      ["another currency than the account's", '/v1/payments', { accountId: 'aria', amount: 100, currency: 'EUR' }, 422, 'currency', 'accountCurrency'],
      ['an unknown application method', '/v1/payments', { accountId: 'aria', amount: 100, currency: 'USD', applicationMethod: 'lifo' }, 400, 'applicationMethod', 'oneOf'],
      ['a refund of nothing', '/v1/payments/aria-pay-1/refunds', { amount: -5, reason: 'x' }, 400, 'amount', 'positiveMinorUnits'],
      ['a credit memo without a reason', '/v1/accounts/aria/credit-memos', { amount: 100 }, 400, 'reason', 'required'],
    ];
    it.each(cases)('%s', async (_name, route, body, status, field, rule) => {
      const before = await t.settledHead();
      const response = await post(route, body);
      expect(response.status).toBe(status);
      expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
      expect(await t.settledHead()).toBe(before);
    });

    it('answers 404 for an unknown account, invoice or payment', async () => {
      expect((await post('/v1/payments', { accountId: 'nobody', amount: 100, currency: 'USD' })).status).toBe(404);
      expect((await post('/v1/payments', { accountId: 'aria', amount: 100, currency: 'USD', invoiceId: 'no-such-invoice' })).status).toBe(404);
      expect((await post('/v1/payments/no-such-payment/refunds', { amount: 100, reason: 'x' })).status).toBe(404);
      expect((await post('/v1/invoices/no-such-invoice/write-off', { reason: 'x' })).status).toBe(404);
      expect((await t.request('GET', '/v1/payments/no-such-payment', { key })).status).toBe(404);
    });
  });
});
