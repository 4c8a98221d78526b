import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * DOMAIN.md §10 and §8 end to end over HTTP, on a sandbox clock, with the tenant's payment application method set to
 * Statement FIFO. Each account has a recurring plan besides its order of 1,000.00 on an independent monthly term of 3
 * installments (333.34, 333.33, 333.33):
 * - `fifo`: a payment goes to the non-installment charge first, then to the installments due, never to a future one
 *   (its rest is credit, which the next posting applies to the installment due by then); once the last installment
 *   is written off the schedule completes as `writtenOff`.
 * - `early`: installments due on their invoice date; the rest paid ahead on day one is credit that settles each later
 *   installment as it is invoiced, and the schedule completes as `paidOff` when the last one is.
 * - `dunned` (§9): a late installment counts toward a dunning percentage fee, a future one never does.
 * - `switcher`: an aligned schedule follows its plan instance to a new billing interval (seed 002).
 */
const quarterly = monthlyPlan('quarterly', '100.00', 'USD', { unit: 'month', count: 3 });
const kit = { id: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00' };
const net10 = { id: 'net10', name: 'Three months, 10 days to pay', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3, daysUntilDue: 10 };
const aligned3 = { id: 'aligned3', name: 'With the plan', schedule: 'aligned', installments: 3, daysUntilDue: 5 };
const due0 = { id: 'due0', name: 'Three months, due when invoiced', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3, daysUntilDue: 0 };

describe('Installments end to end (DOMAIN.md §10, §8, §9)', () => {
  let t: TestApp;
  let key: string;
  const get = async (route: string) => (await t.request('GET', route, { key })).body;
  const post = (route: string, body: Record<string, unknown>) => t.request('POST', route, { key, body });
  const advance = async (to: string) => expect((await post('/v1/clock/advance', { to })).status).toBe(200);
  const pay = async (id: string, accountId: string, amount: number) => {
    const paid = await post('/v1/payments', { id, accountId, amount, currency: 'USD', source: 'external', reference: id });
    expect(paid.status).toBe(201);
    await t.settledHead();
    const { applications, unapplied } = await get(`/v1/payments/${id}`);
    return { applications, unapplied };
  };
  const balance = async (accountId: string) => {
    const { balance: owed, open, pastDue, credit } = await get(`/v1/accounts/${accountId}/balance`);
    return { balance: owed, open, pastDue, credit };
  };
  const transactions = async (accountId: string) =>
    ((await get(`/v1/accounts/${accountId}/transactions?limit=100`)).items as { id: string; type: string; date: string; amount: number }[]).map(({ id, type, date, amount }) => ({ id, type, date, amount })).reverse();
  const schedule = (id: string) => get(`/v1/installment-schedules/${id}`);
  const chargeOf = async (accountId: string) => ((await get(`/v1/accounts/${accountId}/invoices`)).items as { id: string; invoiceDate: string }[]).map((invoice) => invoice.id).reverse();
  const order = async (accountId: string, id: string, installmentTermId: string) =>
    expect((await post(`/v1/accounts/${accountId}/orders`, { id, items: [{ itemId: 'kit', quantity: 1 }], installmentTermId })).status).toBe(201);

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Installments flow', sandbox: true, businessDate: '2025-01-05', settings: { paymentApplicationMethod: 'statementFifo' } }));
    expect((await post('/v1/plans', quarterly)).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('dunned', '100.00'))).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('small', '10.00'))).status).toBe(201);
    expect((await post('/v1/items', kit)).status).toBe(201);
    for (const term of [net10, due0, aligned3]) expect((await post('/v1/installment-terms', term)).status).toBe(201);
    // Dunning: a 10% late fee 35 days after the oldest past-due recurring charge, for plan `dunned` only.
    expect((await post('/v1/dunning-processes', { id: 'fee10', name: 'Fee', steps: [{ days: 35, actions: [{ type: 'lateFee', percent: '10' }] }] })).status).toBe(201);
    expect((await post('/v1/dunning-groups', { id: 'dunned-group', processId: 'fee10', planIds: ['dunned'] })).status).toBe(201);
    for (const [id, paymentTermsDays, planId] of [['fifo', 30, 'quarterly'], ['early', 30, 'quarterly'], ['dunned', 0, 'dunned'], ['switcher', 30, 'small']] as const) {
      expect((await post('/v1/accounts', { id, name: id, currency: 'USD', paymentTermsDays })).status).toBe(201);
      expect((await post(`/v1/accounts/${id}/plan-instances`, { id: `${id}-pi`, planId })).status).toBe(201);
    }
    await order('dunned', 'o-dunned', 'net10'); // rows invoiced 01-05, 02-05, 03-05, each due 10 days later
    await advance('2025-01-10');
    await order('fifo', 'o-fifo', 'net10'); // rows invoiced 01-10, 02-10, 03-10, due 01-20, 02-20, 03-20
    await order('early', 'o-early', 'due0'); // rows invoiced and due 01-10, 02-10, 03-10
    // Aligned to the monthly plan billed on the 5th: rows on 02-05, 03-05, 04-05, each due 5 days later.
    expect((await post('/v1/accounts/switcher/orders', { id: 'o-aligned', items: [{ itemId: 'kit', quantity: 1 }], installmentTermId: 'aligned3', planInstanceId: 'switcher-pi' })).status).toBe(201);
    await t.settledHead();
  });
  afterAll(() => t.close());

  it('1,000.00 in 3: 333.34, 333.33, 333.33, the first invoiced on the order date', async () => {
    const { status, installments } = await schedule('o-fifo');
    expect(status).toBe('active');
    expect(installments).toEqual([
      { number: 1, kind: 'installment', invoiceDate: '2025-01-10', dueDate: '2025-01-20', amount: 33334, status: 'invoiced', invoiceId: 'ins:o-fifo:1' },
      { number: 2, kind: 'installment', invoiceDate: '2025-02-10', dueDate: '2025-02-20', amount: 33333, status: 'scheduled', invoiceId: null },
      { number: 3, kind: 'installment', invoiceDate: '2025-03-10', dueDate: '2025-03-20', amount: 33333, status: 'scheduled', invoiceId: null },
    ]);
    expect(await balance('fifo')).toEqual({ balance: 43334, open: 43334, pastDue: 0, credit: 0 });
  });

  it('Statement FIFO: credit paid ahead waits for each installment until it is due, then settles it that day (no other posting needed)', async () => {
    expect((await post('/v1/accounts', { id: 'waits', name: 'waits', currency: 'USD' })).status).toBe(201);
    await order('waits', 'o-waits', 'net10'); // rows invoiced 01-10, 02-10, 03-10, due 01-20, 02-20, 03-20
    await t.settledHead();
    expect(await pay('pay-waits', 'waits', 100000)).toEqual({ applications: [], unapplied: 100000 });
    await advance('2025-01-19');
    expect(await get('/v1/invoices/ins:o-waits:1')).toMatchObject({ kind: 'installment', balance: 33334 });
    await advance('2025-01-20');
    expect(await get('/v1/invoices/ins:o-waits:1')).toMatchObject({ balance: 0, status: 'paid' });
    expect(await balance('waits')).toEqual({ balance: -66666, open: 0, pastDue: 0, credit: 66666 });
  });

  it('early payoff on day one: the charge, the installment due today, and the rest is credit (Statement FIFO never pays ahead)', async () => {
    const [charge] = await chargeOf('early');
    expect(await pay('early-all', 'early', 110000)).toEqual({ applications: [{ invoiceId: charge, amount: 10000 }, { invoiceId: 'ins:o-early:1', amount: 33334 }], unapplied: 66666 });
    expect(await balance('early')).toEqual({ balance: -66666, open: 0, pastDue: 0, credit: 66666 });
    expect(await get(`/v1/invoices/${charge}`)).toMatchObject({ total: 10000, balance: 0, status: 'paid' });
    expect((await schedule('o-early')).status).toBe('active');
  });

  it('Statement FIFO: the recurring charge first, then the installment past due, never the installment not yet due', async () => {
    await advance('2025-02-10'); // row 2 of o-fifo invoiced, due 02-20; row 2 of o-early invoiced and due today
    const [charge] = await chargeOf('fifo');
    expect(await pay('fifo-1', 'fifo', 50000)).toEqual({ applications: [{ invoiceId: charge, amount: 10000 }, { invoiceId: 'ins:o-fifo:1', amount: 33334 }], unapplied: 6666 });
    expect(await get(`/v1/invoices/${charge}`)).toMatchObject({ total: 10000, balance: 0, status: 'paid' });
    expect(await balance('fifo')).toEqual({ balance: 26667, open: 33333, pastDue: 0, credit: 6666 }); // ins:o-fifo:2 untouched
    expect(await transactions('fifo')).toEqual([
      { id: charge, type: 'invoice', date: '2025-01-05', amount: 10000 },
      { id: 'ins:o-fifo:1', type: 'invoice', date: '2025-01-10', amount: 33334 },
      { id: 'ins:o-fifo:2', type: 'invoice', date: '2025-02-10', amount: 33333 },
      { id: 'fifo-1', type: 'payment', date: '2025-02-10', amount: -50000 },
    ]);
    // The early payer's credit settled its second installment as it was invoiced (due today).
    expect(await balance('early')).toEqual({ balance: -33333, open: 0, pastDue: 0, credit: 33333 });
    expect((await schedule('o-early')).status).toBe('active');
  });

  it('a switch of the aligned plan to another billing interval moves the installments not billed yet to its new dates', async () => {
    const before = (await schedule('o-aligned')).installments.map((row: { invoiceDate: string; status: string }) => [row.invoiceDate, row.status]);
    expect(before).toEqual([['2025-02-05', 'invoiced'], ['2025-03-05', 'scheduled'], ['2025-04-05', 'scheduled']]);
    expect((await post('/v1/plan-instances/switcher-pi/switch', { planId: 'quarterly', effective: 'now' })).status).toBeLessThan(300);
    await t.settledHead();
    const after = await schedule('o-aligned');
    // Re-anchored on the switch date (2025-02-10), quarterly: the next invoice dates are 05-10 and 08-10.
    expect(after.installments.map((row: { number: number; invoiceDate: string; dueDate: string; amount: number; status: string }) => [row.number, row.invoiceDate, row.dueDate, row.amount, row.status])).toEqual([
      [1, '2025-02-05', '2025-02-10', 33334, 'invoiced'],
      [2, '2025-05-10', '2025-05-15', 33333, 'scheduled'],
      [3, '2025-08-10', '2025-08-15', 33333, 'scheduled'],
    ]);
    expect(after.status).toBe('active');
  });

  it('a late installment counts toward the dunning percentage fee, a future one never does', async () => {
    // 2025-02-09, 35 days after the charge due 01-05: past due are the charges of 01-05 and 02-05 (100.00 each) and
    // installment 1 (333.34, due 01-15): 10% of 533.34 = 53.33. Installment 2 (333.33, invoiced 02-05, due 02-15)
    // is owed but not due: counted it would make 86.67.
    const fees = (await transactions('dunned')).filter((tx) => tx.type === 'fee');
    expect(fees).toEqual([{ id: expect.any(String), type: 'fee', date: '2025-02-09', amount: 5333 }]);
    // On 02-10 (the clock is there): owed are both charges, installments 1 and 2 and the fee; past due all but installment 2.
    expect(await balance('dunned')).toEqual({ balance: 20000 + 33334 + 33333 + 5333, open: 20000 + 33334 + 33333 + 5333, pastDue: 20000 + 33334 + 5333, credit: 0 });
    expect(await get('/v1/accounts/dunned/dunning')).toMatchObject({ status: 'inDunning', processId: 'fee10' });
  });

  it('the credit left over settles the installment due when the next one posts; the future one waits', async () => {
    await advance('2025-03-10'); // row 3 of o-fifo invoiced (due 03-20): credit 66.66 goes to row 2 (due 02-20)
    expect(await balance('fifo')).toEqual({ balance: 60000, open: 60000, pastDue: 26667, credit: 0 });
    expect(await pay('fifo-2', 'fifo', 26667)).toEqual({ applications: [{ invoiceId: 'ins:o-fifo:2', amount: 26667 }], unapplied: 0 });
    expect(await balance('fifo')).toEqual({ balance: 33333, open: 33333, pastDue: 0, credit: 0 });
    expect((await schedule('o-fifo')).status).toBe('active'); // row 3 still owed
    // The realigned schedule billed nothing on its old date (03-05).
    expect((await transactions('switcher')).filter((tx) => tx.id.startsWith('ins:')).map((tx) => [tx.id, tx.date])).toEqual([['ins:o-aligned:1', '2025-02-05']]);
  });

  it('early payoff: the last installment invoiced into credit completes the schedule as paidOff', async () => {
    expect(await balance('early')).toEqual({ balance: 0, open: 0, pastDue: 0, credit: 0 });
    const done = await schedule('o-early');
    expect(done).toMatchObject({ status: 'completed', completion: { reason: 'paidOff', on: '2025-03-10' } });
    expect(done.installments.map((row: { status: string }) => row.status)).toEqual(['invoiced', 'invoiced', 'invoiced']);
    const { items } = await get('/v1/accounts/early/comments');
    expect(items.map((c: { date: string; text: string }) => [c.date, c.text])).toEqual([
      ['2025-01-10', 'Independent installment o-early created for Installation kit - kit on invoice ord:o-early'],
      ['2025-03-10', 'Independent installment o-early status for Installation kit - kit on invoice ord:o-early was updated to: Completed'],
    ]);
  });

  it('a write-off of the last installment completes the schedule as writtenOff', async () => {
    await advance('2025-03-12');
    // An installment is written off as an invoice is (the ledger item names its account).
    expect((await post('/v1/invoices/ins:o-fifo:3/write-off', { reason: 'uncollectible' })).status).toBe(201);
    await t.settledHead();
    expect(await balance('fifo')).toEqual({ balance: 0, open: 0, pastDue: 0, credit: 0 });
    expect(await schedule('o-fifo')).toMatchObject({ status: 'completed', completion: { reason: 'writtenOff', on: '2025-03-12' } });
    const { items } = await get('/v1/accounts/fifo/comments');
    expect(items.at(-1)).toMatchObject({ date: '2025-03-12', text: 'Independent installment o-fifo status for Installation kit - kit on invoice ord:o-fifo was updated to: Completed' });
    // Completed is final: cancelling it is refused.
    const refused = await post('/v1/installment-schedules/o-fifo/cancel', { effective: 'now' });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'activeSchedule' })]);
  });
});
