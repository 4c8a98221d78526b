import fc from 'fast-check';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * API.md: `doWrite: false` returns the same body `doWrite: true` returns at that moment. Property-tested
 * over HTTP: random plans, start dates, bill days and sequences of changes and passing days; before each
 * change its preview, then the change itself: the preview writes nothing and the two bodies are identical,
 * refusals included (a 4xx answers the same error either way).
 */

const plans = [
  { id: 'monthly', unitPrice: '19.99', interval: { unit: 'month', count: 1 } },
  { id: 'monthly-b', unitPrice: '29.00', interval: { unit: 'month', count: 1 } },
  { id: 'quarterly', unitPrice: '120.00', interval: { unit: 'month', count: 3 } },
  { id: 'weekly', unitPrice: '7.50', interval: { unit: 'week', count: 1 } },
];

type Step =
  | { kind: 'advance'; days: number }
  | { kind: 'quantity'; quantity: number; prorationRule: 'prorate' | 'none' }
  | { kind: 'switch'; planId: string; effective: 'now' | 'nextBillDate' }
  | { kind: 'cancel'; effective: 'now' | 'nextBillDate' | number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 70 }) }),
  fc.record({ kind: fc.constant('quantity' as const), quantity: fc.integer({ min: 1, max: 9 }), prorationRule: fc.constantFrom('prorate' as const, 'none' as const) }),
  fc.record({ kind: fc.constant('switch' as const), planId: fc.constantFrom(...plans.map((p) => p.id)), effective: fc.constantFrom('now' as const, 'nextBillDate' as const) }),
  fc.record({ kind: fc.constant('cancel' as const), effective: fc.oneof(fc.constantFrom('now' as const, 'nextBillDate' as const), fc.integer({ min: 1, max: 40 })) }),
);

const scenario = fc.record({
  planId: fc.constantFrom(...plans.map((p) => p.id)),
  retroDays: fc.integer({ min: 0, max: 120 }),
  altBillDay: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }),
  invoicingOption: fc.constantFrom('full', 'prorated'),
  quantity: fc.integer({ min: 1, max: 5 }),
  steps: fc.array(step, { minLength: 1, maxLength: 6 }),
});

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('Preview equals commit over HTTP (property)', () => {
  let t: TestApp;
  let tenantNo = 0;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('for random assignments and changes, every preview body equals the commit that follows it', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const today = '2024-03-15';
        const { apiKey: key } = await t.createTenant({ name: `Preview ${++tenantNo}`, sandbox: true, businessDate: today });
        await t.request('POST', '/v1/accounts', { key, body: { id: 'acc', name: 'acc', currency: 'USD' } });
        for (const plan of plans) {
          const services = [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: plan.unitPrice } }];
          await t.request('POST', '/v1/plans', { key, body: { id: plan.id, name: plan.id, currency: 'USD', billingInterval: plan.interval, services } });
        }
        let date = today;
        const both = async (route: string, body: Record<string, unknown>) => {
          const head = await t.settledHead();
          const preview = await t.request('POST', route, { key, body: { ...body, doWrite: false } });
          expect(await t.settledHead()).toBe(head); // the preview wrote nothing
          const commit = await t.request('POST', route, { key, body });
          expect(commit.body).toEqual(preview.body);
          expect(preview.status).toBe(commit.status < 300 ? 200 : commit.status);
          return commit;
        };
        const assign = { planId: s.planId, quantity: s.quantity, retroactiveStartDate: addDays(today, -s.retroDays), invoicingOption: s.invoicingOption, ...(s.altBillDay ? { altBillDay: s.altBillDay } : {}) };
        const assigned = await both('/v1/accounts/acc/plan-instances', assign);
        expect(assigned.status).toBe(201);
        const route = `/v1/plan-instances/${assigned.body.planInstanceId}`;
        for (const change of s.steps) {
          if (change.kind === 'advance') {
            date = addDays(date, change.days);
            expect((await t.request('POST', '/v1/clock/advance', { key, body: { to: date } })).status).toBe(200);
          } else if (change.kind === 'quantity') {
            await both(`${route}/quantity`, { quantity: change.quantity, prorationRule: change.prorationRule });
          } else if (change.kind === 'switch') {
            await both(`${route}/switch`, { planId: change.planId, effective: change.effective });
          } else {
            await both(`${route}/cancel`, { effective: typeof change.effective === 'number' ? addDays(date, change.effective) : change.effective });
          }
        }
      }),
      { numRuns: 12 },
    );
  }, 120_000);
});
