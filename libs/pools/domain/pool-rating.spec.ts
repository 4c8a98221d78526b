import { Pricing } from '../../catalog/domain/pricing';
import { owedBy } from '../../plan-instances/domain/invoice';
import { MemberBilling, periodsDue, poolId, ratePool, ratingParts, PoolRatingInput } from './pool-rating';

const graduatedGb: Pricing = {
  model: 'tiered',
  tiers: [
    { upTo: '10', unitPrice: '5.00' },
    { upTo: '50', unitPrice: '3.00' },
    { upTo: null, unitPrice: '1.00' },
  ],
};
const selfPaying: MemberBilling = { paymentTermsDays: 0, responsibility: {}, ancestors: [] };

const input = (usage: PoolRatingInput['usage'], overrides: Partial<PoolRatingInput> = {}): PoolRatingInput => ({
  ownerAccountId: 'family',
  serviceId: 'gb',
  serviceName: 'Data (GB)',
  pricing: graduatedGb,
  currency: 'USD',
  period: { from: '2024-01-01', to: '2024-02-01' },
  invoiceDate: '2024-02-01',
  usage,
  billing: () => selfPaying,
  ...overrides,
});

describe('pool rating (DOMAIN.md §6)', () => {
  it('the worked example: 8 + 12 + 30 GB pooled cost 170.00, allocated 27.20, 40.80, 102.00', () => {
    const rating = ratePool(input([{ accountId: 'c', quantity: '30' }, { accountId: 'a', quantity: '8' }, { accountId: 'b', quantity: '12' }]));
    expect(rating?.header).toEqual({ periodStart: '2024-01-01', periodEnd: '2024-02-01', currency: 'USD', totalQuantity: '50', amount: 17000, memberCount: 3 });
    expect(rating?.members).toEqual([
      { accountId: 'a', quantity: '8', amount: 2720 },
      { accountId: 'b', quantity: '12', amount: 4080 },
      { accountId: 'c', quantity: '30', amount: 10200 },
    ]);
    expect(rating?.invoices.map((invoice) => invoice.total)).toEqual([2720, 4080, 10200]);
    const [first] = rating!.invoices;
    expect(first).toMatchObject({ accountId: 'a', planInstanceId: 'pool:family:gb', invoiceDate: '2024-02-01', dueDate: '2024-02-01', currency: 'USD' });
    expect(first.lines).toEqual([
      {
        type: 'usage',
        planInstanceId: poolId('family', 'gb'),
        serviceId: 'gb',
        description: 'Data (GB) – pooled with family (8 of 50)',
        periodStart: '2024-01-01',
        periodEnd: '2024-01-31',
        quantity: '8',
        unitPrice: null,
        amount: 2720,
        prorated: false,
        pool: { ownerAccountId: 'family', serviceId: 'gb', poolQuantity: '50', poolAmount: 17000 },
      },
    ]);
  });

  it('unpooled the same members would pay 40.00 + 56.00 + 110.00 = 206.00', () => {
    const alone = ['8', '12', '30'].map((quantity) => ratePool(input([{ accountId: 'x', quantity }]))!.header.amount);
    expect(alone).toEqual([4000, 5600, 11000]);
    expect(alone.reduce((a, b) => a + b)).toBe(20600);
  });

  it('allocates by largest remainder, ties to the lower account id, shares adding up to the pool amount', () => {
    const rating = ratePool(input([{ accountId: 'm3', quantity: '1' }, { accountId: 'm1', quantity: '1' }, { accountId: 'm2', quantity: '1' }], { pricing: { model: 'perUnit', unitPrice: '0.3333' } }))!;
    expect(rating.header.amount).toBe(100); // 0.9999 rounds once to 1.00
    expect(rating.members.map((m) => [m.accountId, m.amount])).toEqual([['m1', 34], ['m2', 33], ['m3', 33]]);
    expect(rating.invoices[0].lines[0].unitPrice).toBe('0.3333');
  });

  it('exact decimals: 0.1 + 0.2 GB is 0.3', () => {
    const rating = ratePool(input([{ accountId: 'a', quantity: '0.1' }, { accountId: 'b', quantity: '0.2' }], { pricing: { model: 'perUnit', unitPrice: '10' } }))!;
    expect(rating.header.totalQuantity).toBe('0.3');
    expect(rating.members.map((m) => m.amount)).toEqual([100, 200]);
  });

  it('nothing used: nothing to rate; members without usage get no invoice', () => {
    expect(ratePool(input([{ accountId: 'a', quantity: '0' }]))).toBeNull();
    expect(ratePool(input([]))).toBeNull();
    const rating = ratePool(input([{ accountId: 'a', quantity: '0' }, { accountId: 'b', quantity: '2' }]))!;
    expect(rating.invoices.map((i) => i.accountId)).toEqual(['b']);
  });

  it('applies payment responsibility to the pooled line and payment terms to the due date', () => {
    const billing = (accountId: string): MemberBilling =>
      accountId === 'kid' ? { paymentTermsDays: 14, responsibility: { usage: [{ payerAccountId: 'family', percent: '100' }] }, ancestors: ['family'] } : selfPaying;
    const rating = ratePool(input([{ accountId: 'kid', quantity: '8' }, { accountId: 'family', quantity: '42' }], { billing }))!;
    const kid = rating.invoices.find((i) => i.accountId === 'kid')!;
    expect(kid.dueDate).toBe('2024-02-15');
    expect(kid.ancestors).toEqual(['family']);
    expect(owedBy(kid)).toEqual([{ accountId: 'family', amount: 2720 }]);
    expect(rating.invoices.find((i) => i.accountId === 'family')!.ancestors).toBeUndefined();
  });

  it('invoice ids are deterministic', () => {
    const once = ratePool(input([{ accountId: 'a', quantity: '1' }]))!;
    const again = ratePool(input([{ accountId: 'a', quantity: '1' }]))!;
    expect(once.invoices[0].invoiceId).toBe(again.invoices[0].invoiceId);
  });

  it('cuts a big rating into parts of at most 500 members', () => {
    const usage = Array.from({ length: 1201 }, (_, i) => ({ accountId: `m${String(i).padStart(5, '0')}`, quantity: '1' }));
    const rating = ratePool(input(usage, { pricing: { model: 'perUnit', unitPrice: '1' } }))!;
    const parts = ratingParts(rating);
    expect(parts.map((p) => [p.part, p.members.length, p.invoices.length, p.header.parts])).toEqual([
      [0, 500, 500, 3],
      [1, 500, 500, 3],
      [2, 201, 201, 3],
    ]);
    expect(parts.flatMap((p) => p.members).reduce((sum, m) => sum + m.amount, 0)).toBe(rating.header.amount);
  });

  it('periods due: the owner periods that ended by today, the first clipped to the pool start', () => {
    const grid = { anchorDate: '2024-01-15', billDay: 15, interval: { unit: 'month' as const, count: 1 } };
    expect(periodsDue(grid, '2024-02-03', '2024-02-14')).toEqual([]);
    expect(periodsDue(grid, '2024-02-03', '2024-02-15')).toEqual([{ from: '2024-02-03', to: '2024-02-15' }]);
    expect(periodsDue(grid, '2024-02-03', '2024-03-20')).toEqual([
      { from: '2024-02-03', to: '2024-02-15' },
      { from: '2024-02-15', to: '2024-03-15' },
    ]);
  });
});
