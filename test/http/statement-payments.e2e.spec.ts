import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

const monthly = monthlyPlan;

/**
 * Statements show the money (DOMAIN.md §8): payments, credit memos, refunds and credit applied reach the account's
 * statements from the payments context's events; the newest statement's closing balance is the account's balance
 * (no split billing here); each statement's status follows the applications to its own invoices.
 */
describe('Statements with payments over HTTP', () => {
  let t: TestApp;
  let key: string;
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const post = async (route: string, body: Record<string, unknown>) => {
    const response = await t.request('POST', route, { key, body });
    expect([route, response.status]).toEqual([route, expect.any(Number)]);
    expect(response.status).toBeLessThan(300);
    await t.settledHead();
    return response.body;
  };
  const statement = (id: string) => get(`/v1/statements/aria:${id}`);
  /** The newest statement agrees with GET balance; returns it. */
  const newestAgrees = async () => {
    const [newest] = (await get('/v1/accounts/aria/statements?limit=1')).items;
    const balance = await get('/v1/accounts/aria/balance');
    expect(newest.closingBalance).toBe(balance.balance);
    expect(newest.amountDue).toBe(Math.max(balance.balance, 0));
    expect(balance.lastStatementId).toBe(newest.id);
    return newest;
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Statement money', sandbox: true, businessDate: '2019-02-10' }));
    await post('/v1/accounts', { id: 'aria', name: 'Aria', currency: 'USD' });
    for (const plan of [monthly('sixty', '60.00'), monthly('one-fifty', '150.00')]) await post('/v1/plans', plan);
  });
  afterAll(() => t.close());

  it('invoices, a payment, a credit memo, a refund, an overpayment and credit applied: the newest statement is the balance', async () => {
    await post('/v1/accounts/aria/plan-instances', { id: 'aria-60', planId: 'sixty' });
    await post('/v1/clock/advance', { to: '2019-02-15' });
    await post('/v1/accounts/aria/plan-instances', { id: 'aria-150', planId: 'one-fifty' });
    expect(await newestAgrees()).toMatchObject({ id: 'aria:2019-02-15', openingBalance: 6000, charges: 15000, payments: 0, closingBalance: 21000 });
    expect((await statement('2019-02-10')).status).toBe('late'); // due 2019-02-10, nothing paid by 2019-02-15

    // Aria's example: 175.00 pays the 60.00 (late) and 115.00 of the 150.00 (FIFO); it joins the latest statement.
    await post('/v1/payments', { id: 'pay-1', accountId: 'aria', amount: 17500, currency: 'USD' });
    expect(await newestAgrees()).toMatchObject({ payments: 17500, credits: 0, closingBalance: 3500, amountDue: 3500, outstanding: 3500, dueDate: '2019-02-15', status: 'unpaid' });
    // February 10's statement keeps what it showed; its charge was paid after its due date.
    expect(await statement('2019-02-10')).toMatchObject({ charges: 6000, payments: 0, closingBalance: 6000, outstanding: 0, dueDate: null, status: 'late_ok' });

    const [newer] = (await get('/v1/accounts/aria/invoices')).items.filter((i: { planInstanceId: string }) => i.planInstanceId === 'aria-150');
    await post(`/v1/invoices/${newer.id}/credit-memos`, { amount: 1000, reason: 'outage' });
    expect(await newestAgrees()).toMatchObject({ payments: 17500, credits: 1000, closingBalance: 2500, outstanding: 2500 });

    // A refund reopens what the payment paid, newest first: the 150.00 invoice.
    await post('/v1/payments/pay-1/refunds', { amount: 2000, reason: 'billing error' });
    expect(await newestAgrees()).toMatchObject({ payments: 15500, credits: 1000, closingBalance: 4500, outstanding: 4500 });

    // An overpayment: 45.00 settles the statement on its due date, 55.00 is credit.
    await post('/v1/payments', { id: 'pay-2', accountId: 'aria', amount: 10000, currency: 'USD' });
    expect(await newestAgrees()).toMatchObject({ payments: 25500, closingBalance: -5500, amountDue: 0, outstanding: 0, status: 'paid' });

    // The 60.00 renews on 2019-03-10: a new statement opens with the credit, which the payments context applies to it.
    await post('/v1/clock/advance', { to: '2019-03-10' });
    const march = await newestAgrees();
    expect(march).toMatchObject({ id: 'aria:2019-03-10', openingBalance: -5500, charges: 6000, payments: 0, closingBalance: 500, amountDue: 500, outstanding: 500, status: 'unpaid' });
    expect((await statement('2019-02-15')).status).toBe('paid');
    expect((await get('/v1/accounts/aria/balance')).balance).toBe(500);
  });
});
