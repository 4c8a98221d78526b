import { CommandBus } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { CreateInstallmentScheduleCommand } from '../../libs/orders/commands/schedule-commands';
import { InstallmentTerm } from '../../libs/orders/domain';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 19, the schedule runtime (DOMAIN.md §10, API.md "One-time orders and installments"): a schedule's rows are
 * invoiced on their dates as the sandbox clock passes them and posted once each to the account's ledger; a
 * cancellation (now or dated) posts the remainder due at once; account comments in the seed's words; event 760.
 * Schedules are created as the order's handler creates them: CreateInstallmentSchedule through the CommandBus.
 */
const monthly3: InstallmentTerm = {
  id: 'monthly-3',
  name: 'Three months',
  schedule: 'independent',
  frequency: { unit: 'month', count: 1 },
  installments: 3,
  lumpSum: null,
  daysUntilDue: 10,
  lumpSumDaysUntilDue: null,
};

describe('Installment schedules over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherKey: string;
  const get = async (route: string, apiKey = key) => t.request('GET', route, { key: apiKey });
  const post = (route: string, body: Record<string, unknown>) => t.request('POST', route, { key, body });
  const advance = async (to: string) => expect((await post('/v1/clock/advance', { to })).status).toBe(200);
  const transactions = async (accountId: string) =>
    ((await get(`/v1/accounts/${accountId}/transactions?limit=1000`)).body.items as { id: string; type: string; date: string; amount: number }[])
      .map(({ id, type, date, amount }) => ({ id, type, date, amount }))
      .reverse();
  const comments = async (accountId: string) => (await get(`/v1/accounts/${accountId}/comments`)).body;

  /** As the order's handler does once the order is placed: on the business date, 1,000.00 in 3 monthly. */
  const createSchedule = async (accountId: string, orderId: string, orderDate: string) => {
    const context = { tenantId, actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), commandId: randomUUID(), businessDate: orderDate };
    const data = { scheduleId: orderId, accountId, orderId, planInstanceId: null, term: monthly3, currency: 'USD', total: 100000, orderDate, daysUntilDue: 10, upcomingInvoiceDates: [] };
    await t.app.get(CommandBus).execute(new CreateInstallmentScheduleCommand(data, context));
    await t.settledHead();
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Installments', sandbox: true, businessDate: '2024-01-31' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other' }));
    for (const id of ['buyer', 'quitter', 'planner']) expect((await post('/v1/accounts', { id, name: id, currency: 'USD' })).status).toBe(201);
    await createSchedule('buyer', 'o1', '2024-01-31');
  });
  afterAll(() => t.close());

  it('1,000.00 in 3: 333.34, 333.33, 333.33, monthly from Jan 31 (clamped to Feb 29), the first invoiced on the order date', async () => {
    const schedule = await get('/v1/installment-schedules/o1');
    expect(schedule.status).toBe(200);
    expect(schedule.body).toEqual({
      id: 'o1',
      accountId: 'buyer',
      orderId: 'o1',
      planInstanceId: null,
      termId: 'monthly-3',
      scheduleType: 'independent',
      currency: 'USD',
      total: 100000,
      orderDate: '2024-01-31',
      status: 'active',
      installments: [
        { number: 1, kind: 'installment', invoiceDate: '2024-01-31', dueDate: '2024-02-10', amount: 33334, status: 'invoiced', invoiceId: 'ins:o1:1' },
        { number: 2, kind: 'installment', invoiceDate: '2024-02-29', dueDate: '2024-03-10', amount: 33333, status: 'scheduled', invoiceId: null },
        { number: 3, kind: 'installment', invoiceDate: '2024-03-31', dueDate: '2024-04-10', amount: 33333, status: 'scheduled', invoiceId: null },
      ],
      remainder: null,
      cancellation: null,
      completion: null,
    });
    expect(await transactions('buyer')).toEqual([{ id: 'ins:o1:1', type: 'invoice', date: '2024-01-31', amount: 33334 }]);
    expect((await get('/v1/accounts/buyer/installment-schedules')).body).toEqual({ items: [schedule.body] });
    expect((await get('/v1/installment-schedules/o1', otherKey)).status).toBe(404);
    expect((await get('/v1/installment-schedules/nope')).status).toBe(404);
    expect((await get('/v1/accounts/nope/installment-schedules')).status).toBe(404);
  });

  it('the clock invoices each row on its date and posts it once', async () => {
    await advance('2024-02-28');
    expect(await transactions('buyer')).toHaveLength(1);
    await advance('2024-03-01');
    await advance('2024-04-15');
    expect(await transactions('buyer')).toEqual([
      { id: 'ins:o1:1', type: 'invoice', date: '2024-01-31', amount: 33334 },
      { id: 'ins:o1:2', type: 'invoice', date: '2024-02-29', amount: 33333 },
      { id: 'ins:o1:3', type: 'invoice', date: '2024-03-31', amount: 33333 },
    ]);
    expect((await get('/v1/accounts/buyer/balance')).body).toMatchObject({ balance: 100000 });
    const { installments } = (await get('/v1/installment-schedules/o1')).body;
    expect(installments.map((row: { status: string }) => row.status)).toEqual(['invoiced', 'invoiced', 'invoiced']);
  });

  it('cancelling now: the remainder is one line posted once, billed and due today; again with another date: 422', async () => {
    await createSchedule('quitter', 'o2', '2024-04-15');
    await advance('2024-05-20'); // row 2 (2024-05-15) invoiced
    const cancelled = await post('/v1/installment-schedules/o2/cancel', { effective: 'now' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({
      id: 'o2',
      status: 'cancelled',
      cancellation: { effective: '2024-05-20' },
      remainder: { amount: 33333, invoiceDate: '2024-05-20', dueDate: '2024-05-20', numbers: [3], invoiceId: 'rem:o2' },
    });
    expect(cancelled.body.installments.map((row: { status: string }) => row.status)).toEqual(['invoiced', 'invoiced', 'cancelled']);
    await t.settledHead();
    expect((await get('/v1/installment-schedules/o2')).body).toEqual(cancelled.body);
    const again = await post('/v1/installment-schedules/o2/cancel', { effective: 'now' });
    expect(again.status).toBe(200);
    // Due at once: the next day it is past due with row 1 (due 04-25), not row 2 (due 05-25).
    await advance('2024-05-21');
    expect((await get('/v1/accounts/quitter/balance')).body).toMatchObject({ balance: 100000, pastDue: 66667 });
    await advance('2024-06-20');
    expect(await transactions('quitter')).toEqual([
      { id: 'ins:o2:1', type: 'invoice', date: '2024-04-15', amount: 33334 },
      { id: 'ins:o2:2', type: 'invoice', date: '2024-05-15', amount: 33333 },
      { id: 'rem:o2', type: 'invoice', date: '2024-05-20', amount: 33333 },
    ]);
    expect((await get('/v1/accounts/quitter/balance')).body).toMatchObject({ balance: 100000 });
    const refused = await post('/v1/installment-schedules/o2/cancel', { effective: '2024-07-01' });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'activeSchedule' })]);
  });

  it('an account with a card: each posting is collected as it posts, the remainder at once', async () => {
    expect((await post('/v1/accounts', { id: 'carded', name: 'carded', currency: 'USD' })).status).toBe(201);
    expect((await post('/v1/accounts/carded/payment-methods', { id: 'card', type: 'card', token: 'tok_approve' })).status).toBe(201);
    await createSchedule('carded', 'o5', '2024-06-20');
    expect((await post('/v1/installment-schedules/o5/cancel', { effective: 'now' })).status).toBe(200);
    await t.settledHead();
    const ledger = await transactions('carded');
    expect(ledger.filter((tx) => tx.type === 'invoice')).toEqual([
      { id: 'ins:o5:1', type: 'invoice', date: '2024-06-20', amount: 33334 },
      { id: 'rem:o5', type: 'invoice', date: '2024-06-20', amount: 66666 },
    ]);
    expect(ledger.filter((tx) => tx.type === 'payment').reduce((sum, tx) => sum + tx.amount, 0)).toBe(-100000);
    expect((await get('/v1/accounts/carded/balance')).body).toMatchObject({ balance: 0 });
  });

  it('a dated cancellation: rows before it are billed on their own, the rest posted as the remainder on the date', async () => {
    await createSchedule('planner', 'o3', '2024-06-20'); // rows on 06-20, 07-20, 08-20
    const cancelled = await post('/v1/installment-schedules/o3/cancel', { effective: '2024-08-01' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'cancelled', remainder: { amount: 33333, invoiceDate: '2024-08-01', dueDate: '2024-08-01', numbers: [3] } });
    await advance('2024-07-31');
    expect(await transactions('planner')).toEqual([
      { id: 'ins:o3:1', type: 'invoice', date: '2024-06-20', amount: 33334 },
      { id: 'ins:o3:2', type: 'invoice', date: '2024-07-20', amount: 33333 },
    ]);
    await advance('2024-09-01');
    expect(await transactions('planner')).toEqual([
      { id: 'ins:o3:1', type: 'invoice', date: '2024-06-20', amount: 33334 },
      { id: 'ins:o3:2', type: 'invoice', date: '2024-07-20', amount: 33333 },
      { id: 'rem:o3', type: 'invoice', date: '2024-08-01', amount: 33333 },
    ]);
  });

  it('bad input: not a date 400, a date in the past 422, unknown schedule 404; nothing written', async () => {
    const before = await t.settledHead();
    await createSchedule('planner', 'o4', '2024-09-01');
    const head = await t.settledHead();
    expect(head).toBeGreaterThan(before);
    const notDate = await post('/v1/installment-schedules/o4/cancel', { effective: '2024-09-31' });
    expect(notDate.status).toBe(400);
    expect(notDate.body.details).toEqual([expect.objectContaining({ field: 'effective', rule: 'isoDate' })]);
    expect((await post('/v1/installment-schedules/o4/cancel', {})).body.details).toEqual([expect.objectContaining({ field: 'effective', rule: 'required' })]);
    const past = await post('/v1/installment-schedules/o4/cancel', { effective: '2024-08-31' });
    expect(past.status).toBe(422);
    expect(past.body.details).toEqual([expect.objectContaining({ field: 'effective', rule: 'notInPast' })]);
    expect((await post('/v1/installment-schedules/nope/cancel', { effective: 'now' })).status).toBe(404);
    expect(await t.settledHead()).toBe(head);
  });

  it("comments in the seed's words: created, then the status change", async () => {
    expect(await comments('quitter')).toEqual({
      items: [
        { date: '2024-04-15', text: 'Independent installment o2 created for o2 - o2 on invoice ord:o2', actor: 'system' },
        { date: '2024-05-20', text: 'Independent installment o2 status for o2 - o2 on invoice ord:o2 was updated to: Cancelled', actor: 'system' },
      ],
    });
    expect((await comments('buyer')).items).toEqual([{ date: '2024-01-31', text: 'Independent installment o1 created for o1 - o1 on invoice ord:o1', actor: 'system' }]);
    expect((await get('/v1/accounts/nope/comments')).status).toBe(404);
  });

  it("through an order (POST /v1/accounts/{id}/orders): the comment names the order's item and invoice", async () => {
    expect((await post('/v1/items', { id: 'phone-x', name: 'Phone X', currency: 'USD', unitPrice: '1000.00' })).status).toBe(201);
    const { name, schedule, frequency } = monthly3;
    expect((await post('/v1/installment-terms', { id: 'monthly-3', name, schedule, frequency, installments: 3, daysUntilDue: 10 })).status).toBe(201);
    expect((await post('/v1/accounts', { id: 'shopper', name: 'shopper', currency: 'USD' })).status).toBe(201);
    const placed = await post('/v1/accounts/shopper/orders', { id: 'ord1', items: [{ itemId: 'phone-x', quantity: 1 }], installmentTermId: 'monthly-3' });
    expect(placed.status).toBe(201);
    await t.settledHead();
    const { businessDate } = (await get('/v1/clock')).body;
    expect((await get('/v1/installment-schedules/ord1')).body.installments.map((row: { amount: number }) => row.amount)).toEqual([33334, 33333, 33333]);
    expect((await comments('shopper')).items).toEqual([{ date: businessDate, text: 'Independent installment ord1 created for Phone X - phone-x on invoice ord:ord1', actor: 'system' }]);
    expect((await transactions('shopper')).filter((tx) => tx.id.startsWith('ins:'))).toEqual([{ id: 'ins:ord1:1', type: 'invoice', date: businessDate, amount: 33334 }]);
  });

  it('notification 760 "Account Installment Assigned": the published InstallmentScheduleCreated, delivered with its code on the account', async () => {
    const { items } = (await get('/v1/webhook-events')).body;
    expect(items).toContainEqual({ type: 'InstallmentScheduleCreated', code: 760, description: expect.stringMatching(/^Account Installment Assigned/) });

    const received: { type: string; code?: number; data: { accountId: string; scheduleId: string; installments: unknown[] } }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        response.writeHead(200).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      expect((await post('/v1/webhook-endpoints', { url, events: ['InstallmentScheduleCreated'] })).status).toBe(201);
      const { businessDate } = (await get('/v1/clock')).body;
      await createSchedule('buyer', 'o6', businessDate);
      for (const deadline = Date.now() + 15_000; received.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 25));
      expect(received).toHaveLength(1);
      expect(received[0]).toMatchObject({ type: 'InstallmentScheduleCreated', code: 760, data: { scheduleId: 'o6', accountId: 'buyer' } });
      expect(received[0].data.installments).toHaveLength(3);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
