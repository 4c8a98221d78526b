import { orderStream } from '../../libs/orders/domain';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Issue 19, order placement: POST /v1/accounts/{id}/orders, GET /v1/orders/{id}, GET /v1/accounts/{id}/orders (API.md "One-time orders and installments"). */

const kit = { id: 'kit', name: 'Installation kit', currency: 'USD', unitPrice: '1000.00' };
const cable = { id: 'cable', name: 'Cable', currency: 'USD', unitPrice: '5.25' };
const yen = { id: 'yen', name: 'Yen item', currency: 'JPY', unitPrice: '500' };
const three = { id: 'three', name: 'Three months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3 };
const aligned = { id: 'aligned-3', name: 'With the plan', schedule: 'aligned', installments: 3, lumpSum: { percent: '10' }, daysUntilDue: 5, lumpSumDaysUntilDue: 0 };

describe('Orders over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Seller', sandbox: true, businessDate: '2024-01-31' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other seller' }));
    for (const body of [
      { id: 'acct', name: 'Buyer', currency: 'USD', paymentTermsDays: 30 },
      { id: 'inst', name: 'Installment buyer', currency: 'USD', paymentTermsDays: 30 },
      { id: 'subscriber', name: 'Subscriber', currency: 'USD' },
      { id: 'other', name: 'Other buyer', currency: 'USD' },
      { id: 'preview', name: 'Preview buyer', currency: 'USD' },
      { id: 'refusals', name: 'Refused buyer', currency: 'USD' },
      { id: 'crash', name: 'Crash buyer', currency: 'USD' },
    ]) {
      expect((await post('/v1/accounts', body)).status).toBe(201);
    }
    for (const item of [kit, cable, yen]) expect((await post('/v1/items', item)).status).toBe(201);
    for (const term of [three, aligned]) expect((await post('/v1/installment-terms', term)).status).toBe(201);
    expect((await post('/v1/plans', monthlyPlan('monthly', '10.00'))).status).toBe(201);
    expect((await post('/v1/accounts/subscriber/plan-instances', { id: 'pi-1', planId: 'monthly' })).status).toBe(201);
    expect((await post('/v1/accounts/other/plan-instances', { id: 'pi-other', planId: 'monthly' })).status).toBe(201);
    expect((await post('/v1/accounts/other/plan-instances', { id: 'pi-cancelled', planId: 'monthly' })).status).toBe(201);
    expect((await post('/v1/plan-instances/pi-cancelled/cancel', { effective: 'now' })).status).toBeLessThan(300);
  });
  afterAll(() => t.close());

  const post = (route: string, body: unknown, apiKey = key, headers?: Record<string, string>) => t.request('POST', route, { key: apiKey, body, headers });
  const get = (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const head = () => t.settledHead();

  const simple = {
    id: 'o-1',
    accountId: 'acct',
    currency: 'USD',
    lines: [
      { itemId: 'kit', name: 'Installation kit', quantity: 1, unitPrice: '1000.00', amount: 100000 },
      { itemId: 'cable', name: 'Cable', quantity: 3, unitPrice: '5.25', amount: 1575 },
    ],
    total: 101575,
    invoice: { id: 'ord:o-1', invoiceDate: '2024-01-31', dueDate: '2024-03-01', total: 101575 },
    planInstanceId: null,
    installmentTermId: null,
    installmentSchedule: null,
  };

  describe('an order without installments', () => {
    it('is invoiced today, due after the account\'s payment terms (201), and owed once posted', async () => {
      const placed = await post('/v1/accounts/acct/orders', { id: 'o-1', items: [{ itemId: 'kit', quantity: 1 }, { itemId: 'cable', quantity: 3 }] });
      expect(placed.status).toBe(201);
      expect(placed.body).toEqual(simple);
      expect((await get('/v1/orders/o-1')).body).toEqual(simple);
      await head();
      expect((await get('/v1/accounts/acct/balance')).body).toMatchObject({ currency: 'USD', balance: 101575 });
    });

    it('the same id with the same request answers the first order and writes nothing; with another: 409', async () => {
      const before = await head();
      const again = await post('/v1/accounts/acct/orders', { id: 'o-1', items: [{ itemId: 'kit', quantity: 1 }, { itemId: 'cable', quantity: 3 }] });
      expect(again.status).toBe(201);
      expect(again.body).toEqual(simple);
      const other = await post('/v1/accounts/acct/orders', { id: 'o-1', items: [{ itemId: 'kit', quantity: 2 }] });
      expect(other.status).toBe(409);
      expect(other.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
      expect(await head()).toBe(before);
      expect((await get('/v1/accounts/acct/balance')).body.balance).toBe(101575);
    });

    it('an Idempotency-Key repeat answers the first order and writes nothing', async () => {
      const headers = { 'idempotency-key': 'order-once' };
      const first = await post('/v1/accounts/acct/orders', { items: [{ itemId: 'cable', quantity: 1 }] }, key, headers);
      expect(first.status).toBe(201);
      const before = await head();
      const again = await post('/v1/accounts/acct/orders', { items: [{ itemId: 'cable', quantity: 1 }] }, key, headers);
      expect(again.body).toEqual(first.body);
      expect(await head()).toBe(before);
      expect((await get('/v1/accounts/acct/balance')).body.balance).toBe(101575 + 525);
    });
  });

  it('a preview (doWrite: false) answers 200 with what the order will be, and writes nothing', async () => {
    const body = { items: [{ itemId: 'kit', quantity: 2 }], installmentTermId: 'three' };
    const before = await head();
    const preview = await post('/v1/accounts/preview/orders', { ...body, doWrite: false });
    expect(preview.status).toBe(200);
    expect(await head()).toBe(before);
    expect((await get('/v1/accounts/preview/orders')).body).toEqual({ items: [] });
    expect((await get(`/v1/orders/${preview.body.id}`)).status).toBe(404);

    const placed = await post('/v1/accounts/preview/orders', body);
    expect(placed.status).toBe(201);
    expect(placed.body).toEqual(preview.body);
    // The next order gets the next id.
    const next = await post('/v1/accounts/preview/orders', { items: [{ itemId: 'cable', quantity: 1 }] });
    expect(next.status).toBe(201);
    expect(next.body.id).not.toBe(placed.body.id);
  });

  it('DOMAIN.md §10: 1,000.00 on an independent term of 3 installments is 333.34, 333.33, 333.33, monthly from the order date', async () => {
    const placed = await post('/v1/accounts/inst/orders', { id: 'o-inst', items: [{ itemId: 'kit', quantity: 1 }], installmentTermId: 'three' });
    expect(placed.status).toBe(201);
    const schedule = {
      id: 'o-inst',
      status: 'active',
      installments: [
        { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-03-01', amount: 33334, status: 'scheduled' },
        { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-30', amount: 33333, status: 'scheduled' },
        { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-30', amount: 33333, status: 'scheduled' },
      ],
    };
    expect(placed.body).toEqual({
      id: 'o-inst',
      accountId: 'inst',
      currency: 'USD',
      lines: [{ itemId: 'kit', name: 'Installation kit', quantity: 1, unitPrice: '1000.00', amount: 100000 }],
      total: 100000,
      invoice: { id: 'ord:o-inst', invoiceDate: '2024-01-31', dueDate: '2024-03-01', total: 100000 },
      planInstanceId: null,
      installmentTermId: 'three',
      installmentSchedule: schedule,
    });
    await head();
    // The schedule exists on its own stream; the order's total is never posted whole (future installments are not owed yet).
    const order = (await get('/v1/orders/o-inst')).body;
    expect(order.installmentSchedule.installments.map((row: any) => row.amount)).toEqual([33334, 33333, 33333]);
    expect((await get('/v1/installment-schedules/o-inst')).status).toBe(200);
    // The schedule runtime invoices (and posts) only what falls due today: the first installment.
    expect(order.installmentSchedule.installments.map((row: any) => row.status)).toEqual(['invoiced', 'scheduled', 'scheduled']);
    expect((await get('/v1/accounts/inst/balance')).body.balance).toBe(33334);
  });

  it("an aligned term follows the plan instance's upcoming invoice dates, the lump sum first", async () => {
    const placed = await post('/v1/accounts/subscriber/orders', { id: 'o-aligned', items: [{ itemId: 'kit', quantity: 1 }], installmentTermId: 'aligned-3', planInstanceId: 'pi-1' });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({
      planInstanceId: 'pi-1',
      installmentTermId: 'aligned-3',
      invoice: { id: 'ord:o-aligned', invoiceDate: '2024-01-31', dueDate: '2024-01-31', total: 100000 },
      installmentSchedule: {
        id: 'o-aligned',
        status: 'active',
        installments: [
          { number: 0, kind: 'lumpSum', invoiceDate: '2024-01-31', dueDate: '2024-01-31', amount: 10000, status: 'scheduled' },
          // Bill day 31 from 2024-01-31: February clamps to the 29th.
          { number: 1, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-05', amount: 30000, status: 'scheduled' },
          { number: 2, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-05', amount: 30000, status: 'scheduled' },
          { number: 3, kind: 'installment', invoiceDate: '2024-04-30', dueDate: '2024-05-05', amount: 30000, status: 'scheduled' },
        ],
      },
    });
  });

  it('the order-posting process manager creates a schedule the handler did not get to (a crash between the two appends)', async () => {
    const term = { id: 'three', name: 'Three months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 3, lumpSum: null, daysUntilDue: null, lumpSumDaysUntilDue: null };
    const installments = [
      { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-01-31', amount: 175 },
      { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-02-29', amount: 175 },
      { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-03-31', amount: 175 },
    ];
    const data = {
      orderId: 'o-crash',
      accountId: 'crash',
      currency: 'USD',
      orderDate: '2024-01-31',
      lines: [{ itemId: 'cable', name: 'Cable', quantity: 1, unitPrice: '5.25', amount: 525 }],
      total: 525,
      invoice: { id: 'ord:o-crash', invoiceDate: '2024-01-31', dueDate: '2024-01-31', total: 525 },
      planInstanceId: null,
      installmentTerm: term,
      installmentSchedule: { id: 'o-crash', daysUntilDue: 0, upcomingInvoiceDates: [], installments },
    };
    const metadata = { tenantId, commandId: 'crash-order', correlationId: 'crash', causationId: 'crash', actor: 'test', businessDate: '2024-01-31' };
    // Only OrderPlaced, as if the process died before the schedule's append.
    await t.app.get<EventStore>(EVENT_STORE).appendToStream(orderStream(tenantId, 'o-crash'), [{ id: '00000000-0000-4000-8000-0000000c0001', type: 'OrderPlaced', data, metadata }], 'no_stream');
    await head();
    const schedule = await get('/v1/installment-schedules/o-crash');
    expect(schedule.status).toBe(200);
    expect(schedule.body.installments.map((row: any) => row.amount)).toEqual([175, 175, 175]);
    // The same request again answers the order as placed and writes nothing more.
    const before = await head();
    const again = await post('/v1/accounts/crash/orders', { id: 'o-crash', items: [{ itemId: 'cable', quantity: 1 }], installmentTermId: 'three' });
    expect(again.status).toBe(201);
    expect(again.body.installmentSchedule.installments.map((row: any) => row.amount)).toEqual([175, 175, 175]);
    expect(await head()).toBe(before);
  });

  it("lists the account's orders newest first, a page at a time; another tenant's are not found", async () => {
    const all = await get('/v1/accounts/acct/orders');
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(2);
    expect(all.body.items[1]).toEqual(simple);
    const first = await get('/v1/accounts/acct/orders?limit=1');
    expect(first.body.items).toEqual([all.body.items[0]]);
    const second = await get(`/v1/accounts/acct/orders?limit=1&cursor=${encodeURIComponent(first.body.nextCursor)}`);
    expect(second.body.items).toEqual([simple]);
    expect((await get('/v1/accounts/nobody/orders')).status).toBe(404);
    expect((await get('/v1/orders/o-1', otherKey)).status).toBe(404);
    expect((await get('/v1/orders/nope')).status).toBe(404);
    expect((await get('/v1/accounts/acct/orders?limit=0')).status).toBe(400);
  });

  it('an unknown account is a 404, writing nothing', async () => {
    const before = await head();
    expect((await post('/v1/accounts/nobody/orders', { items: [{ itemId: 'kit', quantity: 1 }] })).status).toBe(404);
    expect(await head()).toBe(before);
  });

  const line = [{ itemId: 'kit', quantity: 1 }];
  it.each<[string, Record<string, unknown>, number, string, string]>([
    ['an unknown field', { items: line, color: 'red' }, 400, 'color', 'unknownField'],
    ['no items', {}, 400, 'items', 'required'],
    ['no lines', { items: [] }, 400, 'items', 'range'],
    ['101 lines', { items: Array.from({ length: 101 }, () => line[0]) }, 400, 'items', 'range'],
    ['a zero quantity', { items: [{ itemId: 'kit', quantity: 0 }] }, 400, 'items[0].quantity', 'range'],
    ['a fractional quantity', { items: [{ itemId: 'kit', quantity: 1.5 }] }, 400, 'items[0].quantity', 'range'],
    ['a quantity over 100,000', { items: [{ itemId: 'kit', quantity: 100001 }] }, 400, 'items[0].quantity', 'range'],
    ['an unknown field of a line', { items: [{ itemId: 'kit', quantity: 1, price: '1.00' }] }, 400, 'items[0].price', 'unknownField'],
    ['an unknown item', { items: [{ itemId: 'nope', quantity: 1 }] }, 400, 'items[0].itemId', 'knownItem'],
    ['an unknown term', { items: line, installmentTermId: 'nope' }, 400, 'installmentTermId', 'knownInstallmentTerm'],
    ['an unknown plan instance', { items: line, planInstanceId: 'nope' }, 400, 'planInstanceId', 'knownPlanInstance'],
    ["another account's plan instance", { items: line, installmentTermId: 'aligned-3', planInstanceId: 'pi-other' }, 400, 'planInstanceId', 'knownPlanInstance'],
    ['a bad id', { id: 'a b', items: line }, 400, 'id', 'id'],
    ['doWrite that is not a boolean', { items: line, doWrite: 'no' }, 400, 'doWrite', 'isBoolean'],
    ["an item in another currency than the account's", { items: [{ itemId: 'yen', quantity: 1 }] }, 422, 'items[0].itemId', 'accountCurrency'],
    ['an aligned term without a plan instance', { items: line, installmentTermId: 'aligned-3' }, 422, 'planInstanceId', 'requiredForAligned'],
  ])('refuses %s (4xx with the field and the rule), writing nothing', async (_name, body, status, field, rule) => {
    const before = await head();
    const response = await post('/v1/accounts/refusals/orders', { id: 'refused', ...body });
    expect(response.status).toBe(status);
    expect(response.body.details).toContainEqual(expect.objectContaining({ field, rule }));
    expect(await head()).toBe(before);
    expect((await get('/v1/orders/refused')).status).toBe(404);
  });

  it('refuses a cancelled plan instance (422), writing nothing', async () => {
    const before = await head();
    const response = await post('/v1/accounts/other/orders', { id: 'refused', items: line, planInstanceId: 'pi-cancelled' });
    expect(response.status).toBe(422);
    expect(response.body.details).toContainEqual(expect.objectContaining({ field: 'planInstanceId', rule: 'activePlanInstance' }));
    expect(await head()).toBe(before);
  });
});
