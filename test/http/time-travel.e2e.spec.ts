import { addDays, compareDates } from '../../libs/shared-kernel/calendar-date';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 21, Must have 3 over real HTTP (decision 0020): `?asOf=YYYY-MM-DD` and `?asOfPosition=N` on accounts,
 * balances, plan instances, invoice lists and statements answer what the live read answered at that time. The
 * property: a sandbox is run day by day (accounts, a hierarchy, plans, bill runs, payments, a credit memo, a status
 * change, a cancellation), every route's live answer recorded at the end of each day with the log's head; then each
 * past day is asked with asOf, and each recorded head with asOfPosition: identical, route for route.
 */
const START = '2024-01-01';
/** The days run: a year of business days from START (twelve bill runs, statements included); TIME_TRAVEL_DAYS=n for fewer. */
const DAYS = Number(process.env.TIME_TRAVEL_DAYS ?? 366);

const ROUTES = [
  '/v1/accounts/hq',
  '/v1/accounts/branch',
  '/v1/accounts',
  '/v1/accounts?parentAccountId=hq',
  '/v1/accounts/hq/balance',
  '/v1/accounts/branch/balance',
  '/v1/plan-instances/pi-hq',
  '/v1/accounts/hq/plan-instances',
  '/v1/plan-instances',
  '/v1/accounts/hq/invoices',
  '/v1/accounts/branch/invoices',
  '/v1/invoices',
  '/v1/invoices?status=unpaid',
  '/v1/accounts/hq/statements',
  '/v1/accounts/branch/statements',
  '/v1/statements/hq:2024-02-01',
];

interface Answer {
  status: number;
  body: unknown;
}

describe('Time travel (?asOf, ?asOfPosition)', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  /** day -> route -> the live answer at the end of that day. */
  const recorded = new Map<string, Map<string, Answer>>();
  const heads = new Map<string, number>();

  const post = async (route: string, body: unknown, status = 201, method = 'POST') => {
    const response = await t.request(method, route, { key, body });
    expect([route, response.status, response.body]).toEqual([route, status, expect.anything()]);
    return response.body;
  };
  const get = async (route: string): Promise<Answer> => {
    const response = await t.request('GET', route, { key });
    return { status: response.status, body: response.body };
  };
  const at = (route: string, query: string) => `${route}${route.includes('?') ? '&' : '?'}${query}`;

  /** What the sandbox does on some days (before the day's answers are recorded). */
  const actions: Record<number, () => Promise<unknown>> = {
    0: async () => {
      await post('/v1/plans', monthlyPlan('monthly', '100.00'));
      await post('/v1/plans', monthlyPlan('small', '12.50'));
      await post('/v1/accounts', { id: 'hq', name: 'HQ', currency: 'USD', email: 'hq@example.com' });
      await post('/v1/accounts/hq/plan-instances', { id: 'pi-hq', planId: 'monthly' });
    },
    3: () => post('/v1/accounts', { id: 'branch', name: 'Branch', currency: 'USD', email: 'b@example.com', parentAccountId: 'hq' }),
    4: () => post('/v1/accounts/branch/plan-instances', { id: 'pi-branch', planId: 'small', quantity: 2 }),
    9: () => post('/v1/payments', { id: 'pay-1', accountId: 'hq', amount: 6000, currency: 'USD', source: 'external' }),
    20: () => post('/v1/accounts/hq/credit-memos', { amount: 700, reason: 'outage credit' }),
    33: () => post('/v1/payments', { id: 'pay-2', accountId: 'branch', amount: 2500, currency: 'USD', source: 'external' }),
    45: () => post('/v1/accounts/branch/status', { status: 'suspended', reason: 'review' }, 200, 'PUT'),
    50: () => post('/v1/accounts', { id: 'late', name: 'Late Comer', currency: 'USD', email: 'l@example.com' }),
    62: () => post('/v1/payments', { id: 'pay-3', accountId: 'hq', amount: 20000, currency: 'USD', source: 'external' }),
    75: () => post('/v1/accounts/branch/status', { status: 'active', reason: 'cleared' }, 200, 'PUT'),
  };

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Time travel', sandbox: true, businessDate: START }));
    let day = START;
    for (let i = 0; i < DAYS; i++) {
      await actions[i]?.();
      heads.set(day, await t.settledHead());
      const answers = new Map<string, Answer>();
      for (const route of ROUTES) answers.set(route, await get(route));
      recorded.set(day, answers);
      day = addDays(day, 1);
      expect((await post('/v1/clock/advance', { to: day }, 200)).businessDate ?? day).toBe(day);
    }
  }, 600_000);
  afterAll(() => t?.close());

  it('answers every past day (asOf) exactly as the live read did at the end of that day', async () => {
    let compared = 0;
    for (const [day, answers] of recorded) {
      for (const [route, live] of answers) {
        expect([day, route, await get(at(route, `asOf=${day}`))]).toEqual([day, route, live]);
        compared++;
      }
    }
    expect(compared).toBe(DAYS * ROUTES.length);
    // The sandbox did what it was meant to: invoices, payments and statements exist by the end.
    const last = recorded.get(addDays(START, DAYS - 1))!;
    expect((last.get('/v1/accounts/hq/invoices')!.body as any).items.length).toBeGreaterThanOrEqual(DAYS >= 70 ? 3 : 1);
    expect((last.get('/v1/statements/hq:2024-02-01')!.status)).toBe(200);
    // And the past differs from the present: the first day had no branch.
    expect(recorded.get(START)!.get('/v1/accounts/branch')!.status).toBe(404);
  }, 600_000);

  it('answers right after a log position (asOfPosition) as the live read did then, also going back in time', async () => {
    const days = [...heads.keys()].filter((_, i) => i % 7 === 0).reverse(); // newest first: every read replays anew
    for (const day of days) {
      for (const route of ['/v1/accounts/hq/balance', '/v1/accounts/hq/invoices', '/v1/accounts']) {
        expect([day, route, await get(at(route, `asOfPosition=${heads.get(day)}`))]).toEqual([day, route, recorded.get(day)!.get(route)]);
      }
    }
  }, 600_000);

  it('refuses what cannot be answered, naming the parameter and the rule', async () => {
    const today = addDays(START, DAYS);
    const head = await t.settledHead();
    const cases: Array<[string, string, string]> = [
      ['/v1/accounts/hq?asOf=2023-12-31', 'asOf', 'notBeforeTenant'],
      [`/v1/accounts/hq?asOf=${addDays(today, 1)}`, 'asOf', 'notAfterBusinessDate'],
      ['/v1/accounts/hq?asOf=2024-02-30', 'asOf', 'isoDate'],
      [`/v1/accounts/hq/balance?asOfPosition=${head + 1000}`, 'asOfPosition', 'notBeyondLog'],
      ['/v1/invoices?asOfPosition=-3', 'asOfPosition', 'positiveInteger'],
      ['/v1/plan-instances?asOfPosition=1.5', 'asOfPosition', 'positiveInteger'],
      ['/v1/accounts/hq/statements?asOf=2024-01-05&asOfPosition=3', 'asOfPosition', 'exclusive'],
      // A route without time travel refuses the parameter as unknown.
      ['/v1/accounts/hq/payments?asOf=2024-01-05', 'asOf', 'unknownParameter'],
    ];
    for (const [route, field, rule] of cases) {
      const response = await t.request('GET', route, { key });
      expect([route, response.status]).toEqual([route, 400]);
      expect(response.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ field, rule })]));
    }
    // The current day is the live state.
    expect(await get(`/v1/accounts/hq/balance?asOf=${today}`)).toEqual(await get('/v1/accounts/hq/balance'));
    expect(compareDates(today, START)).toBe(1);
    expect(tenantId).toBeTruthy();
  });
});
