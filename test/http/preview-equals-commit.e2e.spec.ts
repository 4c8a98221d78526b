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
  // With usage services (graduated and volume tiers): usage and late usage billed in arrears, switches between them.
  { id: 'metered', unitPrice: '5.00', interval: { unit: 'month', count: 1 }, usage: 'tiered' },
  { id: 'metered-volume', unitPrice: '6.00', interval: { unit: 'month', count: 1 }, usage: 'volume' },
];

const gbTiers = [
  { upTo: '10', unitPrice: '5.00' },
  { upTo: '50', unitPrice: '3.00' },
  { upTo: null, unitPrice: '1.00' },
];

type Step =
  | { kind: 'advance'; days: number }
  | { kind: 'quantity'; quantity: number; prorationRule: 'prorate' | 'none' }
  | { kind: 'switch'; planId: string; effective: 'now' | 'nextBillDate' }
  | { kind: 'cancel'; effective: 'now' | 'nextBillDate' | number }
  | { kind: 'usage'; quantity: string; daysAgo: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), days: fc.integer({ min: 1, max: 70 }) }),
  fc.record({ kind: fc.constant('quantity' as const), quantity: fc.integer({ min: 1, max: 9 }), prorationRule: fc.constantFrom('prorate' as const, 'none' as const) }),
  fc.record({ kind: fc.constant('switch' as const), planId: fc.constantFrom(...plans.map((p) => p.id)), effective: fc.constantFrom('now' as const, 'nextBillDate' as const) }),
  fc.record({ kind: fc.constant('cancel' as const), effective: fc.oneof(fc.constantFrom('now' as const, 'nextBillDate' as const), fc.integer({ min: 1, max: 40 })) }),
  // Usage of the metered plans (refused, 422, when the plan held has none); days ago may fall in a closed period: late.
  fc.record({ kind: fc.constant('usage' as const), quantity: fc.constantFrom('0.5', '3', '12.25', '40'), daysAgo: fc.integer({ min: 0, max: 45 }) }),
);

const scenario = fc.record({
  planId: fc.constantFrom(...plans.map((p) => p.id)),
  retroDays: fc.integer({ min: 0, max: 120 }),
  altBillDay: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }),
  invoicingOption: fc.constantFrom('full', 'prorated'),
  quantity: fc.integer({ min: 1, max: 5 }),
  steps: fc.array(step, { minLength: 1, maxLength: 8 }),
  split: fc.boolean(),
});

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

describe('Preview equals commit over HTTP (property)', () => {
  let t: TestApp;
  let tenantNo = 0;
  const seen = new Set<string>();
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('for random assignments and changes, every preview body equals the commit that follows it', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const today = '2024-03-15';
        const { apiKey: key } = await t.createTenant({ name: `Preview ${++tenantNo}`, sandbox: true, businessDate: today, settings: { allowLateUsage: true } });
        let usageNo = 0;
        await t.request('POST', '/v1/accounts', { key, body: { id: 'parent', name: 'parent', currency: 'USD' } });
        await t.request('POST', '/v1/accounts', { key, body: { id: 'acc', name: 'acc', currency: 'USD', parentAccountId: 'parent' } });
        if (s.split) {
          // Parent pays recurring (in part), the child its usage: every line gets its payers.
          const split = { recurring: [{ payerAccountId: 'parent', percent: '66.6667' }, { payerAccountId: 'acc', percent: '33.3333' }] };
          expect((await t.request('PUT', '/v1/accounts/acc/payment-responsibility', { key, body: split })).status).toBe(200);
        }
        for (const plan of plans) {
          const services: unknown[] = [{ id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: plan.unitPrice } }];
          if (plan.usage) services.push({ id: 'gb', name: 'Data', type: 'usage', pricing: { model: plan.usage, tiers: gbTiers } });
          await t.request('POST', '/v1/plans', { key, body: { id: plan.id, name: plan.id, currency: 'USD', billingInterval: plan.interval, services } });
        }
        let date = today;
        const both = async (route: string, body: Record<string, unknown>) => {
          const head = await t.settledHead();
          const preview = await t.request('POST', route, { key, body: { ...body, doWrite: false } });
          expect(await t.settledHead()).toBe(head); // the preview wrote nothing
          const commit = await t.request('POST', route, { key, body });
          expect(commit.body).toEqual(preview.body);
          for (const line of commit.body?.invoice?.lines ?? []) seen.add(`${line.type}${line.late ? ':late' : ''}${line.payers ? ':payers' : ''}`);
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
          } else if (change.kind === 'cancel') {
            await both(`${route}/cancel`, { effective: typeof change.effective === 'number' ? addDays(date, change.effective) : change.effective });
          } else {
            const record = { accountId: 'acc', serviceId: 'gb', quantity: change.quantity, occurredAt: addDays(date, -change.daysAgo), idempotencyKey: `u-${++usageNo}` };
            expect([201, 422]).toContain((await t.request('POST', '/v1/usage', { key, body: record })).status);
          }
        }
      }),
      {
        numRuns: 12,
        // Always tried: usage on time and late, then a cancellation that bills them, with split billing.
        examples: [
          [
            {
              planId: 'metered',
              retroDays: 40,
              altBillDay: undefined,
              invoicingOption: 'full',
              quantity: 1,
              split: true,
              steps: [
                { kind: 'usage', quantity: '12.25', daysAgo: 0 },
                { kind: 'usage', quantity: '3', daysAgo: 30 },
                { kind: 'quantity', quantity: 2, prorationRule: 'prorate' },
                { kind: 'advance', days: 3 },
                { kind: 'usage', quantity: '40', daysAgo: 1 },
                { kind: 'cancel', effective: 'now' },
              ],
            },
          ],
        ],
      },
    );
    // The usage paths were taken: on-time usage (the cancellation), late usage (the quantity change), payers.
    expect([...seen]).toEqual(expect.arrayContaining(['usage', 'usage:late', 'recurring:payers', 'credit:payers']));
  }, 120_000);
});
