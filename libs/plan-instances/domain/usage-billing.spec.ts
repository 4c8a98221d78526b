import { PaymentResponsibility } from '../../accounts/domain/payment-responsibility';
import fc from 'fast-check';
import { Pricing } from '../../catalog/domain/pricing';
import { addDays, compareDates } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { fold } from '../../shared-kernel/decider';
import { PlanInstanceCommand } from './plan-instance.commands';
import { planInstanceDecider, PlanInstance } from './plan-instance.decider';
import { PlanInstanceBilled, PlanInstanceEvent, PlanSnapshot } from './plan-instance.events';
import { assign, bill, cancel, changeQuantity, invoicesOf, linesOf, runAll, switchPlan, usageFacts } from './testing/plan-instance-fixtures';
import { MissingUsageFactsError } from './usage-charges';

/** Usage billed in arrears by the plan instance (DOMAIN.md §6), with split billing (§7). */

const gbTiers: Pricing = {
  model: 'tiered',
  tiers: [
    { upTo: '10', unitPrice: '5.00' },
    { upTo: '50', unitPrice: '3.00' },
    { upTo: null, unitPrice: '1.00' },
  ],
};

function meteredPlan(pricing: Pricing, options: { id?: string; version?: number; base?: string; interval?: PlanSnapshot['billingInterval']; usageId?: string } = {}): PlanSnapshot {
  return {
    id: options.id ?? 'family',
    version: options.version ?? 1,
    name: 'Family',
    currency: 'USD',
    billingInterval: options.interval ?? { unit: 'month', count: 1 },
    services: [
      { id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: options.base ?? '20.00' } },
      { id: options.usageId ?? 'gb', name: 'Data (GB)', type: 'usage', pricing },
    ],
  };
}

const usageLines = (events: PlanInstanceEvent[]) => invoicesOf(events).flatMap((invoice) => invoice.lines.filter((line) => line.type === 'usage'));

/** Assign on 2024-01-01, then the bill run of 2024-02-01 with `gb` used in January. */
function januaryBill(pricing: Pricing, onTime: Record<string, string>, late: Record<string, string> = {}) {
  const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02', onTime, late } });
  return runAll([assign(meteredPlan(pricing), '2024-01-01'), bill('2024-02-01', { usage })]);
}

describe('usage billed in arrears at the bill date', () => {
  it('DOMAIN.md §6, unpooled: 8, 12 and 30 GB on graduated tiers pay 40.00, 56.00 and 110.00 (206.00)', () => {
    const amounts = ['8', '12', '30'].map((gb) => {
      const [line] = usageLines(januaryBill(gbTiers, { '2024-01-15': gb }).perCommand[1]);
      return line.amount;
    });
    expect(amounts).toEqual([4000, 5600, 11000]);
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(20600);
  });

  it('puts the usage of the period just ended on the invoice of the new period, after summing its days', () => {
    const { perCommand } = januaryBill(gbTiers, { '2024-01-02': '4.5', '2024-01-31': '3.5' });
    const [invoice] = invoicesOf(perCommand[1]);
    expect(linesOf(invoice)).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2024-01-01', periodEnd: '2024-01-31', quantity: '8', amount: 4000 },
      { type: 'recurring', serviceId: 'base', periodStart: '2024-02-01', periodEnd: '2024-02-29', quantity: '1', amount: 2000 },
    ]);
    expect(invoice.total).toBe(6000);
    expect(invoice.lines[0]).toMatchObject({ description: 'Family – Data (GB)', unitPrice: null, prorated: false });
    expect(invoice.lines[0].late).toBeUndefined();
  });

  it.each<[string, Pricing, string, number]>([
    ['per unit, rounded once per line (1234.5 × 0.0035 = 4.32075)', { model: 'perUnit', unitPrice: '0.0035' }, '1234.5', 432],
    ['graduated tiers', gbTiers, '55', 10 * 500 + 40 * 300 + 5 * 100],
    ['volume: every unit at the tier the total reaches', { ...gbTiers, model: 'volume' }, '30', 30 * 300],
    ['volume at a tier bound', { ...gbTiers, model: 'volume' }, '10', 10 * 500],
    [
      'flat fee per tier: the fee of the tier the total reaches',
      { model: 'volume', tiers: [{ upTo: '10', unitPrice: '0', flatPrice: '20.00' }, { upTo: '50', unitPrice: '0', flatPrice: '50.00' }, { upTo: null, unitPrice: '0', flatPrice: '80.00' }] },
      '30',
      5000,
    ],
    [
      'graduated with a flat fee per tier reached',
      { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '0', flatPrice: '20.00' }, { upTo: null, unitPrice: '1.00', flatPrice: '5.00' }] },
      '12.5',
      2000 + 250 + 500,
    ],
  ])('%s', (_name, pricing, quantity, amount) => {
    const [line] = usageLines(januaryBill(pricing, { '2024-01-20': quantity }).perCommand[1]);
    expect(line).toMatchObject({ quantity, amount });
  });

  it('shows the per-unit price after a discount override, as recurring lines do', () => {
    const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02', onTime: { '2024-01-20': '10' } } });
    const pricing = { ancestors: ['parent'], overrides: [{ accountId: 'parent', planId: 'family', serviceId: 'gb', pricing: null, discountPercent: '10' }] };
    const { perCommand } = runAll([assign(meteredPlan({ model: 'perUnit', unitPrice: '2.00' }), '2024-01-01'), bill('2024-02-01', { usage, pricing })]);
    expect(usageLines(perCommand[1])).toEqual([expect.objectContaining({ quantity: '10', unitPrice: '1.8', amount: 1800 })]);
  });

  it('zero usage: no usage line, and usage is billed up to the bill date all the same', () => {
    const { perCommand, state } = januaryBill(gbTiers, {});
    expect(usageLines(perCommand[1])).toEqual([]);
    expect((state as PlanInstance).usage).toEqual({ billedTo: { gb: '2024-02-01' }, lateBilled: {} });
  });

  it('bills each period once: a bill run repeated on the same day, or the next day, bills nothing more', () => {
    const usage = usageFacts({ gb: { from: '2024-02-01', to: '2024-02-03', onTime: { '2024-02-01': '3' } } });
    const { perCommand } = runAll([bill('2024-02-01', { usage }), bill('2024-02-02', { usage })], januaryBill(gbTiers, { '2024-01-15': '8' }).events);
    expect(perCommand).toEqual([[], []]);
  });

  it('a bill run that catches up several periods bills one usage line per period', () => {
    const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-03-02', onTime: { '2024-01-15': '2', '2024-02-10': '1', '2024-02-29': '1' } } });
    const { perCommand } = runAll([assign(meteredPlan(gbTiers), '2024-01-01'), bill('2024-03-01', { usage })]);
    expect(linesOf(invoicesOf(perCommand[1])[0]).filter((l) => l.type === 'usage')).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2024-01-01', periodEnd: '2024-01-31', quantity: '2', amount: 1000 },
      { type: 'usage', serviceId: 'gb', periodStart: '2024-02-01', periodEnd: '2024-02-29', quantity: '2', amount: 1000 },
    ]);
  });

  it('a stub period bills its usage at the first bill date, tiers unprorated', () => {
    const plan = meteredPlan(gbTiers);
    const usage = usageFacts({ gb: { from: '2024-01-10', to: '2024-02-02', onTime: { '2024-01-12': '12' } } });
    const { perCommand } = runAll([assign(plan, '2024-01-10', { altBillDay: 1, invoicingOption: 'prorated' }), bill('2024-02-01', { usage })]);
    expect(usageLines(perCommand[1])).toEqual([expect.objectContaining({ periodStart: '2024-01-10', periodEnd: '2024-01-31', quantity: '12', amount: 5600 })]);
  });

  it('refuses to bill a plan with usage services without usage facts (never zero by omission)', () => {
    const { events } = runAll([assign(meteredPlan(gbTiers), '2024-01-01')]);
    expect(() => planInstanceDecider.decide(bill('2024-02-01'), fold(planInstanceDecider, events))).toThrow(MissingUsageFactsError);
    const short = usageFacts({ gb: { from: '2024-01-15', to: '2024-02-02' } });
    expect(() => planInstanceDecider.decide(bill('2024-02-01', { usage: short }), fold(planInstanceDecider, events))).toThrow(MissingUsageFactsError);
  });

  it('replays events written before usage billing existed: usage billed from the start date', () => {
    const { events } = runAll([assign(meteredPlan(gbTiers), '2024-01-01')]);
    const old = events.map((event) => {
      if (event.type !== 'PlanInstanceBilled') return event;
      const { usage: _dropped, ...data } = event.data;
      return { ...event, data } as PlanInstanceBilled;
    });
    expect((fold(planInstanceDecider, old) as PlanInstance).usage).toEqual({ billedTo: { gb: '2024-01-01' }, lateBilled: {} });
  });
});

describe('late usage (tenant setting allowLateUsage)', () => {
  it('is billed on the next invoice as a line of its own, on its own tiers, exactly once', () => {
    // January: 8 GB on time; 3 GB dated January arrive after it closed (late), and more later.
    const first = januaryBill(gbTiers, { '2024-01-10': '8' });
    const marchUsage = (late: Record<string, string>) => usageFacts({ gb: { from: '2024-02-01', lateFrom: '2024-01-01', to: '2024-04-02', onTime: { '2024-02-05': '1' }, late } });
    const { perCommand, state } = runAll(
      [bill('2024-03-01', { usage: marchUsage({ '2024-01-20': '3' }) }), changeQuantity(2, '2024-03-10', { usage: marchUsage({ '2024-01-20': '3', '2024-02-27': '12' }) }), bill('2024-04-01', { usage: marchUsage({ '2024-01-20': '3', '2024-02-27': '12' }) })],
      first.events,
    );
    expect(usageLines(perCommand[0]).map(({ periodStart, periodEnd, quantity, amount, late }) => ({ periodStart, periodEnd, quantity, amount, late }))).toEqual([
      { periodStart: '2024-02-01', periodEnd: '2024-02-29', quantity: '1', amount: 500, late: undefined },
      // priced on its own: 3 GB in the first tier
      { periodStart: '2024-01-20', periodEnd: '2024-01-20', quantity: '3', amount: 1500, late: true },
    ]);
    // The next invoice (a change mid-period) carries the 12 GB that arrived since, on its own tiers: 10 × 5 + 2 × 3.
    expect(usageLines(perCommand[1])).toEqual([expect.objectContaining({ quantity: '12', amount: 5600, late: true, periodStart: '2024-02-27', description: 'Family – Data (GB) (late usage)' })]);
    // Nothing late is billed twice.
    expect(usageLines(perCommand[2]).filter((line) => line.late)).toEqual([]);
    expect((state as PlanInstance).usage.lateBilled).toEqual({ gb: '15' });
  });

  it('on-time usage of a period is its total less the late part (the facts carry them apart)', () => {
    const { perCommand } = januaryBill(gbTiers, { '2024-01-31': '8' }, { '2024-01-31': '2' });
    expect(usageLines(perCommand[1]).map((l) => [l.quantity, l.amount, l.late ?? false])).toEqual([
      ['8', 4000, false],
      ['2', 1000, true],
    ]);
  });
});

describe('usage when the plan instance changes', () => {
  it('a cancellation bills the usage of the final, partial period', () => {
    const usage = usageFacts({ gb: { from: '2024-02-01', to: '2024-02-16', onTime: { '2024-02-03': '12', '2024-02-14': '1' } } });
    const { perCommand, state } = runAll([cancel('2024-02-15', { usage })], januaryBill(gbTiers, {}).events);
    const [invoice] = invoicesOf(perCommand[0]);
    expect(linesOf(invoice)).toEqual([
      { type: 'usage', serviceId: 'gb', periodStart: '2024-02-01', periodEnd: '2024-02-14', quantity: '13', amount: 10 * 500 + 3 * 300 },
      { type: 'credit', serviceId: 'base', periodStart: '2024-02-15', periodEnd: '2024-02-29', quantity: '1', amount: -1034 },
    ]);
    expect((state as PlanInstance).usage.billedTo).toEqual({ gb: '2024-02-15' });
  });

  it('a scheduled cancellation bills the usage up to its date when the bill run applies it', () => {
    const later = usageFacts({ gb: { from: '2024-02-01', to: '2024-02-11' } });
    const usage = usageFacts({ gb: { from: '2024-02-01', to: '2024-02-21', onTime: { '2024-02-19': '2', '2024-02-20': '5' } } });
    const { perCommand } = runAll([cancel('2024-02-10', { effective: '2024-02-20', usage: later }), bill('2024-02-20', { usage })], januaryBill(gbTiers, {}).events);
    expect(usageLines(perCommand[1])).toEqual([expect.objectContaining({ periodStart: '2024-02-01', periodEnd: '2024-02-19', quantity: '2', amount: 1000 })]);
  });

  it('same interval: kept services are billed at the period end at the new price; dropped ones at the switch at the old price', () => {
    const newPlan: PlanSnapshot = {
      ...meteredPlan({ model: 'perUnit', unitPrice: '1.00' }, { id: 'family-2' }),
      services: [
        { id: 'base', name: 'Base', type: 'recurring', pricing: { model: 'perUnit', unitPrice: '20.00' } },
        { id: 'gb', name: 'Data (GB)', type: 'usage', pricing: { model: 'perUnit', unitPrice: '1.00' } },
        { id: 'sms', name: 'SMS', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.10' } },
      ],
    };
    const oldPlan: PlanSnapshot = {
      ...meteredPlan(gbTiers),
      services: [...meteredPlan(gbTiers).services, { id: 'min', name: 'Minutes', type: 'usage', pricing: { model: 'perUnit', unitPrice: '0.50' } }],
    };
    const jan = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02' }, min: { from: '2024-01-01', to: '2024-02-02' } });
    const atSwitch = usageFacts({
      gb: { from: '2024-02-01', to: '2024-02-16', onTime: { '2024-02-02': '4' } },
      min: { from: '2024-02-01', to: '2024-02-16', onTime: { '2024-02-03': '10' } },
      sms: { from: '2024-02-15', to: '2024-02-16' },
    });
    const march = usageFacts({
      gb: { from: '2024-02-01', to: '2024-03-02', onTime: { '2024-02-02': '4', '2024-02-20': '6' } },
      sms: { from: '2024-02-15', to: '2024-03-02', onTime: { '2024-02-16': '30', '2024-02-14': '99' } },
    });
    const { perCommand } = runAll([assign(oldPlan, '2024-01-01'), bill('2024-02-01', { usage: jan }), switchPlan(newPlan, '2024-02-15', { usage: atSwitch }), bill('2024-03-01', { usage: march })]);
    // At the switch: only the dropped service (minutes), at the old price, up to the switch.
    expect(usageLines(perCommand[2]).map((l) => [l.serviceId, l.periodStart, l.periodEnd, l.quantity, l.amount])).toEqual([['min', '2024-02-01', '2024-02-14', '10', 500]]);
    // At the period end: the whole period of the kept service at the new price; the added one from the switch.
    expect(usageLines(perCommand[3]).map((l) => [l.serviceId, l.periodStart, l.periodEnd, l.quantity, l.amount])).toEqual([
      ['gb', '2024-02-01', '2024-02-29', '10', 1000],
      ['sms', '2024-02-15', '2024-02-29', '30', 300],
    ]);
  });

  it('another interval: all usage is billed at the switch, at the old price, and the new grid bills from there', () => {
    const quarterly = meteredPlan({ model: 'perUnit', unitPrice: '1.00' }, { id: 'quarterly', interval: { unit: 'month', count: 3 } });
    const atSwitch = usageFacts({ gb: { from: '2024-02-01', to: '2024-02-16', onTime: { '2024-02-02': '12' } } });
    const { perCommand, state } = runAll([switchPlan(quarterly, '2024-02-15', { usage: atSwitch })], januaryBill(gbTiers, {}).events);
    expect(usageLines(perCommand[0]).map((l) => [l.periodStart, l.periodEnd, l.quantity, l.amount])).toEqual([['2024-02-01', '2024-02-14', '12', 5600]]);
    expect((state as PlanInstance).usage.billedTo).toEqual({ gb: '2024-02-15' });
    const may = usageFacts({ gb: { from: '2024-02-15', to: '2024-05-16', onTime: { '2024-03-01': '7' } } });
    const next = runAll([bill('2024-05-15', { usage: may })], runAll([switchPlan(quarterly, '2024-02-15', { usage: atSwitch })], januaryBill(gbTiers, {}).events).events);
    expect(usageLines(next.perCommand[0]).map((l) => [l.periodStart, l.periodEnd, l.quantity, l.amount])).toEqual([['2024-02-15', '2024-05-14', '7', 700]]);
  });
});

describe('split billing (DOMAIN.md §7)', () => {
  const payment = (responsibility: PaymentResponsibility) => ({ payment: { responsibility, ancestors: ['parent', 'grandparent'] } });

  it('parent pays recurring, child pays usage: one setting, payers on every line, the ancestors on the invoice', () => {
    const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02', onTime: { '2024-01-15': '8' } } });
    const setting = payment({ recurring: [{ payerAccountId: 'parent', percent: '100' }] });
    const { perCommand } = runAll([assign(meteredPlan(gbTiers), '2024-01-01', setting), bill('2024-02-01', { usage, ...setting })]);
    const [first] = invoicesOf(perCommand[0]);
    expect(first.lines.map((l) => l.payers)).toEqual([[{ accountId: 'parent', amount: 2000 }]]);
    expect(first.ancestors).toEqual(['parent', 'grandparent']);
    const [second] = invoicesOf(perCommand[1]);
    expect(second.lines.map((l) => [l.type, l.amount, l.payers])).toEqual([
      ['usage', 4000, undefined], // the child's own
      ['recurring', 2000, [{ accountId: 'parent', amount: 2000 }]],
    ]);
    expect(second.total).toBe(6000);
  });

  it('percentage shares split each line by largest remainder, parts adding up to the line: thirds of 56.00 and 60/40 of 0.10', () => {
    const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02', onTime: { '2024-01-15': '12' } } });
    const setting = payment({
      recurring: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'acc-1', percent: '40' }],
      usage: [{ payerAccountId: 'parent', percent: '33.3333' }, { payerAccountId: 'acc-1', percent: '33.3334' }, { payerAccountId: 'aunt', percent: '33.3333' }],
    });
    const { perCommand } = runAll([assign(meteredPlan(gbTiers, { base: '0.10' }), '2024-01-01'), bill('2024-02-01', { usage, ...setting })]);
    const [invoice] = invoicesOf(perCommand[1]);
    expect(invoice.lines.map((l) => [l.type, l.amount, l.payers])).toEqual([
      // 56.00 in thirds: 1866.6704, 1866.6648, 1866.6648; two cents left: the largest remainder (acc-1), then the
      // tie between aunt and parent goes to the lower account id (DOMAIN.md §2)
      ['usage', 5600, [{ accountId: 'acc-1', amount: 1867 }, { accountId: 'aunt', amount: 1867 }, { accountId: 'parent', amount: 1866 }]],
      // 0.10: 0.04 and 0.06
      ['recurring', 10, [{ accountId: 'acc-1', amount: 4 }, { accountId: 'parent', amount: 6 }]],
    ]);
    expect(invoice.ancestors).toEqual(['parent', 'grandparent']);
  });

  it('an account paying for itself gets no payers and no ancestors', () => {
    const usage = usageFacts({ gb: { from: '2024-01-01', to: '2024-02-02', onTime: { '2024-01-15': '8' } } });
    const { perCommand } = runAll([assign(meteredPlan(gbTiers), '2024-01-01'), bill('2024-02-01', { usage, ...payment({}) })]);
    const [invoice] = invoicesOf(perCommand[1]);
    expect(invoice.lines.every((l) => l.payers === undefined)).toBe(true);
    expect(invoice.ancestors).toBeUndefined();
  });
});

describe('property: every unit of usage is billed exactly once', () => {
  const start = '2024-01-01';
  const perGb = meteredPlan({ model: 'perUnit', unitPrice: '1.00' });
  const other = meteredPlan({ model: 'perUnit', unitPrice: '1.00' }, { id: 'quarterly', interval: { unit: 'month', count: 3 } });

  it('for random usage, bill-run days, switches and a cancellation: usage lines cover disjoint periods and add up to the usage before the last billed day', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 240 }), fc.integer({ min: 1, max: 20 }), fc.boolean()), { maxLength: 40 }),
        fc.uniqueArray(fc.integer({ min: 1, max: 260 }), { maxLength: 10 }),
        fc.option(fc.tuple(fc.integer({ min: 1, max: 260 }), fc.constantFrom<'switch' | 'cancel'>('switch', 'cancel')), { nil: undefined }),
        (records, billDays, change) => {
          // Usage by day, known from its date on; a `late` record is only known 40 days after it (it arrived late).
          const facts = (today: string) => {
            const onTime: Record<string, string> = {};
            const late: Record<string, string> = {};
            for (const [day, quantity, isLate] of records) {
              const date = addDays(start, day);
              if (compareDates(date, today) > 0 || (isLate && compareDates(addDays(date, 40), today) > 0)) continue;
              const into = isLate ? late : onTime;
              into[date] = new Decimal(into[date] ?? 0).plus(quantity).toString();
            }
            return usageFacts({ gb: { from: start, to: addDays(today, 1), onTime, late } });
          };
          const commands: PlanInstanceCommand[] = [assign(perGb, start)];
          const days = [...billDays.filter((day) => day !== change?.[0]), ...(change ? [change[0]] : [])].sort((a, b) => a - b);
          for (const day of days) {
            const today = addDays(start, day);
            const usage = facts(today);
            if (change && day === change[0]) commands.push(change[1] === 'cancel' ? cancel(today, { usage }) : switchPlan(other, today, { usage }));
            else commands.push(bill(today, { usage }));
          }
          const { events, state } = runAll(commands);
          const lines = usageLines(events);
          const onTimeLines = lines.filter((line) => !line.late);
          // Disjoint, in date order.
          for (let i = 1; i < onTimeLines.length; i++) expect(compareDates(onTimeLines[i - 1].periodEnd, onTimeLines[i].periodStart)).toBeLessThan(0);
          const billedTo = (state as PlanInstance).usage.billedTo.gb ?? (state as PlanInstance).cancelledOn;
          const lastDay = days.length > 0 ? addDays(start, days[days.length - 1]) : start;
          let onTimeBefore = new Decimal(0);
          let lateKnown = new Decimal(0);
          for (const [day, quantity, isLate] of records) {
            const date = addDays(start, day);
            if (isLate) {
              if (compareDates(addDays(date, 40), lastDay) <= 0 && compareDates(date, lastDay) <= 0) lateKnown = lateKnown.plus(quantity);
            } else if (billedTo !== null && compareDates(date, billedTo) < 0) {
              onTimeBefore = onTimeBefore.plus(quantity);
            }
          }
          const sum = (list: typeof lines) => list.reduce((total, line) => total.plus(line.quantity), new Decimal(0));
          expect(sum(onTimeLines).toString()).toBe(onTimeBefore.toString());
          // Late usage: billed once, all of what was known by the last invoice-writing command (none after a cancellation).
          if (!(change?.[1] === 'cancel' && days[days.length - 1] !== change[0])) expect(sum(lines.filter((line) => line.late)).toString()).toBe(days.length > 0 ? lateKnown.toString() : '0');
          // Each line's amount is its quantity at 1.00 per GB.
          for (const line of lines) expect(line.amount).toBe(new Decimal(line.quantity).times(100).toNumber());
        },
      ),
      { numRuns: 150 },
    );
  });
});
