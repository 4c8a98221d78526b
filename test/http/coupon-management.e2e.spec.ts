import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/** Managing coupons over HTTP (decision 0021, "Managing coupons"): listing, reading, ending and removing them. */
describe('Coupon management over HTTP', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** A sandbox tenant on 2024-01-01 with a parent → child → grandchild tree and a 29.00 plan. */
  async function sandbox(name: string) {
    const { apiKey, id: tenantId } = await t.createTenant({ name, sandbox: true, businessDate: '2024-01-01' });
    for (const id of ['parent', 'child', 'grandchild', 'other']) await t.request('POST', '/v1/accounts', { key: apiKey, body: { id, name: id, currency: 'USD' } });
    await t.request('PUT', '/v1/accounts/child/parent', { key: apiKey, body: { parentAccountId: 'parent' } });
    await t.request('PUT', '/v1/accounts/grandchild/parent', { key: apiKey, body: { parentAccountId: 'child' } });
    expect((await t.request('POST', '/v1/plans', { key: apiKey, body: monthlyPlan('pro', '29.00') })).status).toBe(201);
    return { key: apiKey, tenantId };
  }

  const amounts = (invoice: { lines: Array<{ type: string; amount: number }> }) => invoice.lines.map((line) => [line.type, line.amount]);

  it('removes a 10% coupon from an account: the next bill date’s invoice has no discount line; the account’s coupons say what is in force', async () => {
    const { key } = await sandbox('Coupon removed');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'forever' } });
    await t.request('POST', '/v1/coupons', { key, body: { id: 'five', name: 'Five dollars', amountOff: 500, currency: 'USD', duration: 'forever' } });
    expect((await t.request('POST', '/v1/accounts/parent/coupons', { key, body: { couponId: 'ten' } })).status).toBe(201);
    expect((await t.request('POST', '/v1/accounts/grandchild/coupons', { key, body: { couponId: 'five' } })).status).toBe(201);

    const child = await t.request('POST', '/v1/accounts/child/plan-instances', { key, body: { id: 'child-pro', planId: 'pro' } });
    expect(amounts(child.body.invoice)).toEqual([['recurring', 2900], ['discount', -290]]);

    // The grandchild's own coupon and the one it inherits from its grandparent, nearest first.
    const grandchild = await t.request('GET', '/v1/accounts/grandchild/coupons', { key });
    expect(grandchild.status).toBe(200);
    expect(grandchild.body).toMatchObject({
      accountId: 'grandchild',
      inForce: 'five',
      items: [
        { couponId: 'five', setOn: 'grandchild', inherited: false, inForce: true, appliedOn: '2024-01-01', coupon: { id: 'five', amountOff: 500, currency: 'USD', active: true } },
        { couponId: 'ten', setOn: 'parent', inherited: true, inForce: false, appliedOn: '2024-01-01', coupon: { id: 'ten', percentOff: '10', active: true } },
      ],
    });
    expect((await t.request('GET', '/v1/accounts/child/coupons', { key })).body).toMatchObject({ inForce: 'ten', items: [{ couponId: 'ten', setOn: 'parent', inherited: true }] });
    expect((await t.request('GET', '/v1/accounts/other/coupons', { key })).body).toEqual({ accountId: 'other', inForce: null, items: [] });

    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-01-15' } });
    const removed = await t.request('DELETE', '/v1/accounts/parent/coupons/ten', { key, body: { reason: 'Customer asked' } });
    expect(removed.status).toBe(200);
    expect(removed.body).toEqual({ accountId: 'parent', couponId: 'ten', removedOn: '2024-01-15', reason: 'Customer asked' });
    expect((await t.request('GET', '/v1/accounts/child/coupons', { key })).body).toEqual({ accountId: 'child', inForce: null, items: [] });
    expect((await t.request('GET', '/v1/accounts/grandchild/coupons', { key })).body).toMatchObject({ inForce: 'five', items: [{ couponId: 'five' }] });
    // Removing is not un-redeeming: the coupon still counts the account it was applied to.
    expect((await t.request('GET', '/v1/coupons/ten', { key })).body).toMatchObject({ redemptions: 1, remaining: null, active: true });

    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-02-01' } });
    await t.settledHead();
    const invoices = await t.request('GET', '/v1/invoices?accountId=child', { key });
    const byDate = Object.fromEntries(invoices.body.items.map((invoice: { invoiceDate: string; subtotal: number; total: number }) => [invoice.invoiceDate, [invoice.subtotal, invoice.total]]));
    expect(byDate).toEqual({ '2024-01-01': [2610, 2610], '2024-02-01': [2900, 2900] });
    const february = invoices.body.items.find((invoice: { invoiceDate: string }) => invoice.invoiceDate === '2024-02-01');
    expect(amounts((await t.request('GET', `/v1/invoices/${february.id}`, { key })).body)).toEqual([['recurring', 2900]]);

    // The removal is a published event with its reason (the webhook payload shape).
    const feed = await t.request('GET', '/v1/events?types=CouponRemoved', { key });
    expect(feed.body.items.map((item: { type: string; data: unknown }) => [item.type, item.data])).toEqual([
      ['CouponRemoved', { couponId: 'ten', accountId: 'parent', removedOn: '2024-01-15', reason: 'Customer asked' }],
    ]);
  });

  it('deactivates a coupon: no longer applicable (422), accounts that have it keep it; lists and reads it with redemptions and remaining', async () => {
    const { key } = await sandbox('Coupon deactivated');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'forever', maxRedemptions: 5 } });
    await t.request('POST', '/v1/coupons', { key, body: { id: 'once', name: 'Once', percentOff: '50', duration: 'once' } });
    await t.request('POST', '/v1/accounts/child/coupons', { key, body: { couponId: 'ten' } });
    await t.request('POST', '/v1/accounts/child/plan-instances', { key, body: { id: 'child-pro', planId: 'pro' } });

    const read = await t.request('GET', '/v1/coupons/ten', { key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      id: 'ten', name: 'Ten off', percentOff: '10', amountOff: null, currency: null, duration: 'forever', durationInPeriods: null, planIds: [], serviceIds: [],
      maxRedemptions: 5, expiresOn: null, redemptions: 1, remaining: 4, createdOn: '2024-01-01', active: true, deactivatedOn: null, deactivationReason: null,
    });

    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-01-20' } });
    const deactivated = await t.request('POST', '/v1/coupons/ten/deactivate', { key, body: { reason: 'Promotion ended' } });
    expect(deactivated.status).toBe(200);
    expect(deactivated.body).toEqual({ ...read.body, active: false, deactivatedOn: '2024-01-20', deactivationReason: 'Promotion ended' });
    expect((await t.request('GET', '/v1/coupons/ten', { key })).body).toEqual(deactivated.body);

    const before = await t.settledHead();
    const refused = await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'ten' } });
    expect(refused.status).toBe(422);
    expect(refused.body.details).toEqual([expect.objectContaining({ field: 'couponId', rule: 'couponInactive' })]);
    const twice = await t.request('POST', '/v1/coupons/ten/deactivate', { key, body: { reason: 'Again' } });
    expect(twice.status).toBe(422);
    expect(twice.body.details).toEqual([expect.objectContaining({ field: 'id', rule: 'couponInactive' })]);
    expect(await t.settledHead()).toBe(before);

    // Lists, by id, filtered on whether they may still be applied.
    const ids = async (query: string) => (await t.request('GET', `/v1/coupons${query}`, { key })).body;
    expect(await ids('')).toMatchObject({ items: [{ id: 'once', active: true }, { id: 'ten', active: false }], hasMore: false });
    expect((await ids('?active=true')).items.map((c: { id: string }) => c.id)).toEqual(['once']);
    expect((await ids('?active=false')).items.map((c: { id: string }) => c.id)).toEqual(['ten']);
    const first = await ids('?limit=1');
    expect(first).toMatchObject({ items: [{ id: 'once' }], hasMore: true });
    expect((await ids(`?limit=1&cursor=${encodeURIComponent(first.nextCursor)}`)).items.map((c: { id: string }) => c.id)).toEqual(['ten']);

    // The account that had it keeps it: February is still 10% off.
    await t.request('POST', '/v1/clock/advance', { key, body: { to: '2024-02-01' } });
    await t.settledHead();
    const invoices = (await t.request('GET', '/v1/invoices?accountId=child', { key })).body.items;
    expect(invoices.map((invoice: { invoiceDate: string; total: number }) => [invoice.invoiceDate, invoice.total]).sort()).toEqual([['2024-01-01', 2610], ['2024-02-01', 2610]]);
    expect((await t.request('GET', '/v1/accounts/child/coupons', { key })).body).toMatchObject({ inForce: 'ten', items: [{ couponId: 'ten', coupon: { active: false } }] });

    const feed = await t.request('GET', '/v1/events?types=CouponCreated,CouponApplied,CouponDeactivated', { key });
    expect(feed.body.items.map((item: { type: string }) => item.type)).toEqual(['CouponCreated', 'CouponCreated', 'CouponApplied', 'CouponDeactivated']);
    expect(feed.body.items[3].data).toEqual({ couponId: 'ten', deactivatedOn: '2024-01-20', reason: 'Promotion ended' });
  });

  it('refuses bad input with the field and the rule, writing nothing', async () => {
    const { key } = await sandbox('Coupon refusals');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'forever' } });
    await t.request('POST', '/v1/coupons', { key, body: { id: 'other-coupon', name: 'Other', percentOff: '5', duration: 'forever' } });
    await t.request('POST', '/v1/accounts/parent/coupons', { key, body: { couponId: 'ten' } });
    await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'ten' } });
    await t.request('POST', '/v1/accounts/other/coupons', { key, body: { couponId: 'other-coupon' } });
    const before = await t.settledHead();

    const cases: Array<[string, string, Record<string, unknown> | undefined, number, string | null, string | null]> = [
      // Inherited, not set on the child itself.
      ['DELETE', '/v1/accounts/child/coupons/ten', { reason: 'x' }, 422, 'couponId', 'couponNotApplied'],
      // Replaced on "other" by another coupon.
      ['DELETE', '/v1/accounts/other/coupons/ten', { reason: 'x' }, 422, 'couponId', 'couponNotApplied'],
      ['DELETE', '/v1/accounts/grandchild/coupons/ten', { reason: 'x' }, 422, 'couponId', 'couponNotApplied'],
      ['DELETE', '/v1/accounts/parent/coupons/ten', undefined, 400, 'reason', 'required'],
      ['DELETE', '/v1/accounts/parent/coupons/ten', { reason: '  ' }, 400, 'reason', 'notBlank'],
      ['DELETE', '/v1/accounts/parent/coupons/ten', { reason: 'x', colour: 'red' }, 400, 'colour', 'unknownField'],
      ['DELETE', '/v1/accounts/parent/coupons/nope', { reason: 'x' }, 404, null, null],
      ['DELETE', '/v1/accounts/nobody/coupons/ten', { reason: 'x' }, 404, null, null],
      ['POST', '/v1/coupons/nope/deactivate', { reason: 'x' }, 404, null, null],
      ['POST', '/v1/coupons/ten/deactivate', {}, 400, 'reason', 'required'],
      ['POST', '/v1/coupons/ten/deactivate', undefined, 400, 'reason', 'required'],
      ['POST', '/v1/coupons/ten/deactivate', { reason: 7 }, 400, 'reason', 'type'],
      ['GET', '/v1/coupons?active=maybe', undefined, 400, 'active', 'oneOf'],
      ['GET', '/v1/coupons?limit=0', undefined, 400, 'limit', 'range'],
      ['GET', '/v1/coupons?cursor=forged', undefined, 400, 'cursor', 'cursor'],
      ['GET', '/v1/coupons?colour=red', undefined, 400, 'colour', null],
      ['GET', '/v1/coupons/nope', undefined, 404, null, null],
      ['GET', '/v1/accounts/nobody/coupons', undefined, 404, null, null],
    ];
    for (const [method, route, body, status, field, rule] of cases) {
      const answer = await t.request(method, route, { key, body });
      expect([method, route, answer.status]).toEqual([method, route, status]);
      if (field !== null) expect(answer.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, ...(rule ? { rule } : {}) })]));
    }
    expect(await t.settledHead()).toBe(before);
  });

  it('answers customer sessions 403 on these operator routes, writing nothing', async () => {
    const { key, tenantId } = await sandbox('Coupon customers');
    await t.request('POST', '/v1/coupons', { key, body: { id: 'ten', name: 'Ten off', percentOff: '10', duration: 'forever' } });
    await t.request('POST', '/v1/accounts/parent/coupons', { key, body: { couponId: 'ten' } });
    expect((await t.request('POST', '/v1/accounts/parent/customer-users', { key, body: { email: 'ann@parent.test', password: 'correct horse battery' } })).status).toBe(201);
    const session = await t.request('POST', '/v1/self-service/sessions', { key: null, body: { tenantId, email: 'ann@parent.test', password: 'correct horse battery' } });
    expect(session.status).toBe(201);
    const head = await t.settledHead();
    for (const [method, route, body] of [
      ['GET', '/v1/coupons'],
      ['GET', '/v1/coupons/ten'],
      ['GET', '/v1/accounts/parent/coupons'],
      ['POST', '/v1/coupons/ten/deactivate', { reason: 'mine' }],
      ['DELETE', '/v1/accounts/parent/coupons/ten', { reason: 'mine' }],
    ] as Array<[string, string, Record<string, unknown>?]>) {
      expect([method, route, (await t.request(method, route, { key: session.body.token, body })).status]).toEqual([method, route, 403]);
    }
    expect(await t.settledHead()).toBe(head);
  });
});
