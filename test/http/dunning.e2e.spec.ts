import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Dunning over HTTP with a sandbox clock (DOMAIN.md §9, API.md "Dunning"). The worked example: 100.00 due 2025-03-01
 * on a card that keeps declining; steps +3 days (retry, email "reminder"), +10 days (late fee 5%, status suspended,
 * email), +20 days (status terminated): retry and email on 2025-03-04; fee 5.00 and suspension on 2025-03-11;
 * termination on 2025-03-21. Paid in full on 2025-03-12: out of dunning and active again on the next daily run.
 */
describe('Dunning over HTTP', () => {
  let t: TestApp;
  let key: string;
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const post = (route: string, body: Record<string, unknown>) => t.request('POST', route, { key, body });
  const put = (route: string, body: Record<string, unknown>) => t.request('PUT', route, { key, body });
  const advance = async (to: string) => expect((await post('/v1/clock/advance', { to })).status).toBe(200);
  const dunning = (accountId: string) => get(`/v1/accounts/${accountId}/dunning`);
  const status = async (accountId: string) => (await get(`/v1/accounts/${accountId}`)).status;
  const customer = async (id: string, planId: string, token = 'tok_decline') => {
    expect((await post('/v1/accounts', { id, name: id, currency: 'USD', email: `${id}@example.com` })).status).toBe(201);
    expect((await post(`/v1/accounts/${id}/payment-methods`, { id: 'card', type: 'card', token })).status).toBe(201);
    expect((await post(`/v1/accounts/${id}/plan-instances`, { id: `${id}-pi`, planId })).status).toBe(201);
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Dunning', sandbox: true, businessDate: '2025-03-01' }));
    expect((await post('/v1/plans', monthlyPlan('hundred', '100.00'))).status).toBe(201);
    expect((await put('/v1/email-templates/reminder', { subject: 'Step {{step}}: {{pastDue}} {{currency}} past due', text: 'Hello {{accountName}}, please pay.' })).status).toBe(200);
    const steps = [
      { days: 3, actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'reminder' }] },
      { days: 10, actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }, { type: 'notify', template: 'reminder' }] },
      { days: 20, actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] },
    ];
    expect((await post('/v1/dunning-processes', { id: 'standard', name: 'Standard', steps })).status).toBe(201);
    expect((await post('/v1/dunning-groups', { id: 'all-hundred', processId: 'standard', planIds: ['hundred'] })).status).toBe(201);
    await customer('declines', 'hundred');
    await customer('pays-late', 'hundred');
    await t.settledHead();
  });
  afterAll(() => t.close());

  it("dunning's events and status changes are published to webhooks (API.md: DunningStarted, DunningStepAdvanced, DunningResolved)", async () => {
    const types = (await get('/v1/webhook-events')).items.map((entry: { type: string }) => entry.type);
    expect(types).toEqual(expect.arrayContaining(['DunningStarted', 'DunningStepAdvanced', 'DunningMigrated', 'DunningResolved', 'AccountStatusChanged', 'PlanInstanceStatusChanged']));
  });

  it('an invoice not yet past due is not dunned; the day after its due date the account enters', async () => {
    const [invoice] = (await get('/v1/accounts/declines/invoices')).items;
    expect(invoice).toMatchObject({ invoiceDate: '2025-03-01', dueDate: '2025-03-01', total: 10000, balance: 10000 });
    expect(await dunning('declines')).toMatchObject({ status: 'none' });
    await advance('2025-03-02');
    expect(await dunning('declines')).toMatchObject({ status: 'inDunning', processId: 'standard', processVersion: 1, step: 0, nextStep: 1, nextStepDate: '2025-03-04', pastDue: 10000 });
  });

  it('2025-03-04: the collection is retried (declined again) and the reminder is emailed', async () => {
    await advance('2025-03-04');
    const state = await dunning('declines');
    expect(state).toMatchObject({ status: 'inDunning', step: 1, nextStep: 2, nextStepDate: '2025-03-11' });
    expect(state.history.filter((h: { step?: number }) => h.step === 1)).toEqual([
      expect.objectContaining({ step: 1, date: '2025-03-04', actions: [{ type: 'retryCollection', paymentId: 'dun:declines:1:1' }, { type: 'notify', template: 'reminder', emailId: 'dun:declines:1:1:1' }] }),
    ]);
    const retry = (await get('/v1/accounts/declines/payments')).items.find((p: { id: string }) => p.id === 'dun:declines:1:1');
    expect(retry).toMatchObject({ amount: 10000, status: 'failed' });
    const emails = (await get('/v1/emails?limit=100')).items.filter((e: { accountId: string; template?: string; notice?: string; subject: string }) => e.accountId === 'declines' && /^Step 1/.test(e.subject));
    expect(emails).toHaveLength(1);
    expect(emails[0].subject).toBe('Step 1: 100.00 USD past due');
  });

  it('2025-03-11: a late fee of 5.00 (5% of 100.00) and the suspension', async () => {
    await advance('2025-03-11');
    for (const account of ['declines', 'pays-late']) {
      expect(await status(account)).toBe('suspended');
      const fee = (await get(`/v1/accounts/${account}/transactions`)).items.find((tx: { type: string }) => tx.type === 'fee');
      expect(fee).toMatchObject({ id: `fee:${account}:1:2:0`, type: 'fee', date: '2025-03-11', amount: 500, balanceAfter: 10500 });
      expect(await get(`/v1/accounts/${account}/balance`)).toMatchObject({ balance: 10500 });
      // The fee is a charge of the account's latest statement (of 2025-03-01, the invoice's).
      const [statement] = (await get(`/v1/accounts/${account}/statements`)).items;
      expect(statement).toMatchObject({ periodEnd: expect.any(String), charges: 10500, payments: 0, closingBalance: 10500, amountDue: 10500 });
    }
  });

  it('the variant: paid in full on 2025-03-12, out of dunning and active again on 2025-03-13', async () => {
    await advance('2025-03-12');
    expect((await post('/v1/payments', { accountId: 'pays-late', amount: 10500, currency: 'USD', source: 'external', reference: 'wire' })).status).toBe(201);
    expect(await dunning('pays-late')).toMatchObject({ status: 'inDunning' }); // until the next daily run
    await advance('2025-03-13');
    expect(await dunning('pays-late')).toMatchObject({ status: 'none', resolvedOn: '2025-03-13', resolution: 'paid' });
    expect(await status('pays-late')).toBe('active');
    expect(await get('/v1/accounts/pays-late/balance')).toMatchObject({ balance: 0 });
    const [statement] = (await get('/v1/accounts/pays-late/statements')).items;
    expect(statement).toMatchObject({ charges: 10500, payments: 10500, closingBalance: 0, amountDue: 0, status: 'late_ok' });
  });

  it('2025-03-21: termination; every step once', async () => {
    await advance('2025-03-20');
    expect(await status('declines')).toBe('suspended');
    await advance('2025-03-21');
    expect(await status('declines')).toBe('terminated');
    expect(await dunning('declines')).toMatchObject({ status: 'inDunning', step: 3, nextStep: null });
    const history = (await dunning('declines')).history.filter((h: { step?: number }) => h.step !== undefined);
    expect(history.map((h: { step: number; date: string }) => [h.step, h.date])).toEqual([
      [1, '2025-03-04'],
      [2, '2025-03-11'],
      [3, '2025-03-21'],
    ]);
    expect((await get('/v1/accounts/declines/transactions')).items.filter((tx: { type: string }) => tx.type === 'fee')).toHaveLength(1);
    // A fee is a receivable of its own: shown and written off as an invoice is.
    expect(await get('/v1/invoices/fee:declines:1:2:0')).toMatchObject({ accountId: 'declines', kind: 'fee', total: 500, balance: 500, status: 'unpaid', lines: [] });
    expect((await post('/v1/invoices/fee:declines:1:2:0/write-off', { reason: 'goodwill' })).status).toBe(201);
    expect(await get('/v1/invoices/fee:declines:1:2:0')).toMatchObject({ balance: 0, status: 'writtenOff' });
    expect((await get('/v1/invoices/fee:nobody')).statusCode).toBe(404);
    // pays-late stays out: nothing of it is past due.
    expect(await status('pays-late')).toBe('active');
    expect(await dunning('pays-late')).toMatchObject({ status: 'none' });
  });
});
