import fc from 'fast-check';
import { BillingInterval } from '../../catalog/domain/plan.events';
import { InvoiceLine } from './invoice';
import { addDays, CalendarDate, compareDates, daysBetween } from '../../shared-kernel/calendar-date';
import { minorDigits } from '../../shared-kernel/currency';
import { Decimal } from '../../shared-kernel/decimal';
import { ConflictError, RuleViolationError } from '../../shared-kernel/errors';
import { roundToMinor } from '../../shared-kernel/money';
import { Period, periodContaining } from './billing-grid';
import { PlanInstanceCommand } from './plan-instance.commands';
import { planInstanceDecider, PlanInstanceState } from './plan-instance.decider';
import { BillingGrid, PlanInstanceEvent, PlanSnapshot, ProrationRule } from './plan-instance.events';
import { assign, bill, cancel, changeQuantity, invoicesOf, monthlyPlan, runAll, switchPlan } from './testing/plan-instance-fixtures';

/**
 * Random histories of one plan instance: a plan assigned (maybe retroactively, maybe with a stub), then quantity
 * changes, switches (now or at the next bill date), bill runs and a final cancellation on increasing dates, each
 * with a random proration rule; a last bill run applies whatever is still scheduled. The properties then check
 * every invoice line against DOMAIN.md §2–§4 (an oracle of their own: the price × days / days of the grid period).
 */

// ---------------------------------------------------------------- generators

type Rule = ProrationRule | undefined; // undefined: the tenant's default

const ruleArb = fc.constantFrom<Rule>(undefined, 'prorate', 'none');
const gapArb = fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 10 }), fc.integer({ min: 1, max: 70 }));

/** perUnit prices with 0 to 4 decimals, small ones often (where rounding matters most). */
const priceArb = fc
  .record({ units: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 500 })), decimals: fc.integer({ min: 0, max: 4 }), fraction: fc.nat({ max: 9999 }) })
  .map(({ units, decimals, fraction }) => (decimals === 0 ? String(units) : `${units}.${String(fraction % 10 ** decimals).padStart(decimals, '0')}`));

const intervalArb = fc.constantFrom<BillingInterval>(
  { unit: 'month', count: 1 },
  { unit: 'month', count: 3 },
  { unit: 'month', count: 12 },
  { unit: 'week', count: 1 },
  { unit: 'week', count: 2 },
);

const planDefArb = fc.record({ interval: intervalArb, prices: fc.array(priceArb, { minLength: 1, maxLength: 2 }) });

type Step =
  | { kind: 'quantity'; gap: number; quantity: number; rule: Rule }
  | { kind: 'switch'; gap: number; plan: number; effective: 'now' | 'nextBillDate'; rule: Rule }
  | { kind: 'bill'; gap: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('quantity' as const), gap: gapArb, quantity: fc.integer({ min: 1, max: 20 }), rule: ruleArb }),
  fc.record({ kind: fc.constant('switch' as const), gap: gapArb, plan: fc.nat({ max: 2 }), effective: fc.constantFrom('now' as const, 'nextBillDate' as const), rule: ruleArb }),
  fc.record({ kind: fc.constant('bill' as const), gap: gapArb }),
);

type CancelEffective = { kind: 'now' } | { kind: 'nextBillDate' } | { kind: 'daysBack'; days: number } | { kind: 'daysAhead'; days: number };

const cancelArb = fc.record({
  gap: gapArb,
  rule: ruleArb,
  effective: fc.oneof(
    fc.constant<CancelEffective>({ kind: 'now' }),
    fc.constant<CancelEffective>({ kind: 'nextBillDate' }),
    fc.integer({ min: 1, max: 40 }).map((days): CancelEffective => ({ kind: 'daysBack', days })),
    fc.integer({ min: 1, max: 120 }).map((days): CancelEffective => ({ kind: 'daysAhead', days })),
  ),
});

const scenarioArb = fc.record({
  currency: fc.constantFrom('USD', 'JPY', 'KWD'),
  plans: fc.array(planDefArb, { minLength: 1, maxLength: 3 }),
  assignedOn: fc.integer({ min: 0, max: 3 * 365 }), // days after 2023-01-01
  daysBack: fc.option(fc.integer({ min: 0, max: 400 }), { nil: undefined }),
  altBillDay: fc.option(fc.integer({ min: 1, max: 31 }), { nil: undefined }),
  invoicingOption: fc.constantFrom('full', 'prorated'),
  assignRule: ruleArb,
  tenantRule: fc.constantFrom<ProrationRule>('prorate', 'none'),
  quantity: fc.integer({ min: 1, max: 20 }),
  steps: fc.array(stepArb, { maxLength: 8 }),
  cancel: fc.option(cancelArb, { nil: undefined }),
});

type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function plansOf(scenario: Scenario): PlanSnapshot[] {
  return scenario.plans.map(({ interval, prices }, i) => ({
    id: `p${i}`,
    version: 1,
    name: `Plan ${i}`,
    currency: scenario.currency,
    billingInterval: interval,
    services: prices.map((unitPrice, j) => ({ id: `p${i}-s${j}`, name: `S${j}`, type: 'recurring' as const, pricing: { model: 'perUnit' as const, unitPrice } })),
  }));
}

// ---------------------------------------------------------------- running a scenario

interface Run {
  plans: PlanSnapshot[];
  events: PlanInstanceEvent[];
  /** Every quantity the instance ever had. */
  quantities: Set<number>;
  cancelled: { on: CalendarDate; rule: ProrationRule } | null;
  /** The commands that gave different events when decided twice on the same state. */
  nondeterministic: string[];
}

/** Refusals a random history may run into; anything else thrown is a failure. */
function expectedRefusal(error: unknown): boolean {
  if (error instanceof ConflictError) return error.details.some((d) => d.rule === 'differentPlan');
  if (error instanceof RuleViolationError) return error.details.some((d) => d.rule === 'openPeriod' || d.rule === 'notBeforeLastChange');
  return false;
}

function run(scenario: Scenario): Run {
  const plans = plansOf(scenario);
  const with_ = { tenantProrationRule: scenario.tenantRule };
  let today = addDays('2023-01-01', scenario.assignedOn);
  const commands: PlanInstanceCommand[] = [
    assign(plans[0], today, {
      ...with_,
      quantity: scenario.quantity,
      retroactiveStartDate: scenario.daysBack === undefined ? undefined : addDays(today, -scenario.daysBack),
      altBillDay: scenario.altBillDay,
      invoicingOption: scenario.invoicingOption,
      prorationRule: scenario.assignRule,
    }),
  ];
  for (const step of scenario.steps) {
    today = addDays(today, step.gap);
    if (step.kind === 'quantity') commands.push(changeQuantity(step.quantity, today, { ...with_, prorationRule: step.rule }));
    if (step.kind === 'switch') commands.push(switchPlan(plans[step.plan % plans.length], today, { ...with_, effective: step.effective, prorationRule: step.rule }));
    if (step.kind === 'bill') commands.push(bill(today, with_));
  }
  if (scenario.cancel) {
    const { gap, rule, effective } = scenario.cancel;
    today = addDays(today, gap);
    const on =
      effective.kind === 'daysBack' ? addDays(today, -effective.days) : effective.kind === 'daysAhead' ? addDays(today, effective.days) : effective.kind;
    commands.push(cancel(today, { ...with_, effective: on, prorationRule: rule }));
  }
  // Late enough for any scheduled change (a cancellation up to 120 days ahead, a switch at the next bill date).
  commands.push(bill(addDays(today, 130), with_));

  const events: PlanInstanceEvent[] = [];
  const nondeterministic: string[] = [];
  let state: PlanInstanceState = planInstanceDecider.initialState;
  for (const command of commands) {
    let decided: PlanInstanceEvent[];
    try {
      decided = planInstanceDecider.decide(command, state);
    } catch (error) {
      if (expectedRefusal(error)) continue;
      throw error;
    }
    // (d) decide is pure and deterministic: the same command on the same state decides the same events.
    const again = planInstanceDecider.decide(command, state);
    if (JSON.stringify(again) !== JSON.stringify(decided)) nondeterministic.push(command.type);
    for (const event of decided) state = planInstanceDecider.evolve(state, event);
    events.push(...decided);
  }
  const quantities = new Set<number>();
  let cancelled: Run['cancelled'] = null;
  for (const event of events) {
    if (event.type === 'PlanAssigned') quantities.add(event.data.quantity);
    if (event.type === 'PlanQuantityChanged') quantities.add(event.data.to);
    if (event.type === 'PlanCancelled') cancelled = { on: event.data.effectiveDate, rule: event.data.prorationRule };
  }
  return { plans, events, quantities, cancelled, nondeterministic };
}

// ---------------------------------------------------------------- the oracle: which grid period each line belongs to

interface Epoch {
  index: number;
  from: CalendarDate;
  grid: BillingGrid;
}

/** The grids in force over time: the assignment's, then each re-anchored one from its anchor date. */
function epochsOf(events: readonly PlanInstanceEvent[]): Epoch[] {
  const epochs: Epoch[] = [];
  for (const event of events) {
    if (event.type === 'PlanAssigned') {
      const { anchorDate, billDay, plan, startDate } = event.data;
      epochs.push({ index: 0, from: startDate, grid: { anchorDate, billDay, interval: plan.billingInterval } });
    }
    if (event.type === 'PlanSwitched' && JSON.stringify(event.data.grid) !== JSON.stringify(epochs.at(-1)!.grid)) {
      epochs.push({ index: epochs.length, from: event.data.grid.anchorDate, grid: event.data.grid });
    }
  }
  return epochs;
}

interface Analysed {
  line: InvoiceLine;
  /** The exact period price (unit price × quantity) in minor units. */
  periodPrice: Decimal;
  epoch: number;
  full: Period;
  /** For a credit: the index of the charge it refunds. */
  refunds: number | null;
}

const dayNumbers = new Map<CalendarDate, number>();
function dayNumber(date: CalendarDate): number {
  let n = dayNumbers.get(date);
  if (n === undefined) dayNumbers.set(date, (n = daysBetween('2000-01-01', date)));
  return n;
}

const memo = new Map<string, CalendarDate>();
/** The line's half-open end (the day after its inclusive periodEnd). */
function end(line: InvoiceLine): CalendarDate {
  let to = memo.get(line.periodEnd);
  if (to === undefined) memo.set(line.periodEnd, (to = addDays(line.periodEnd, 1)));
  return to;
}
const lineDays = (line: InvoiceLine) => dayNumber(line.periodEnd) - dayNumber(line.periodStart) + 1;
const periodDays = (period: Period) => dayNumber(period.to) - dayNumber(period.from);

/** Price × days / days in the full period, rounded once (DOMAIN.md §2, §3), in minor units. */
function formula(periodPrice: Decimal, used: number, full: Period, currency: string): number {
  return roundToMinor(periodPrice.times(used).div(periodDays(full)).div(new Decimal(10).pow(minorDigits(currency))), currency);
}

/**
 * Every line with the full grid period it was measured against. A recurring line runs from its first day to
 * the end of a period of the grid in force when it was made (the latest epoch whose period ends with it; if two
 * epochs fit, the one whose price formula gives the amount). A credit refunds the latest charge of its service
 * that covers its days and was not refunded yet, and is measured against that charge's period.
 */
function analyse(run: Run, currency: string): Analysed[] {
  const epochs = epochsOf(run.events);
  const lines = invoicesOf(run.events).flatMap((invoice) => invoice.lines);
  const out: Analysed[] = [];
  const refunded = new Set<number>();
  const scale = new Decimal(10).pow(minorDigits(currency));
  for (const line of lines) {
    const periodPrice = new Decimal(line.unitPrice as string).times(line.quantity).times(scale);
    if (line.type === 'recurring') {
      let chosen: { e: Epoch; full: Period } | null = null;
      for (const e of [...epochs].reverse()) {
        if (compareDates(e.from, line.periodStart) > 0) continue;
        const full = periodContaining(e.grid, line.periodStart);
        if (full.to !== end(line)) continue;
        chosen ??= { e, full };
        if (formula(periodPrice, lineDays(line), full, currency) === line.amount) {
          chosen = { e, full };
          break;
        }
      }
      if (chosen === null) throw new Error(`recurring line ${line.periodStart} – ${line.periodEnd} does not end a period of any grid`);
      out.push({ line, periodPrice, epoch: chosen.e.index, full: chosen.full, refunds: null });
    } else {
      let match = -1;
      for (let i = out.length - 1; i >= 0; i--) {
        const charge = out[i].line;
        if (charge.type !== 'recurring' || refunded.has(i) || charge.serviceId !== line.serviceId) continue;
        if (compareDates(charge.periodStart, line.periodStart) <= 0 && compareDates(line.periodEnd, charge.periodEnd) <= 0) {
          match = i;
          break;
        }
      }
      if (match < 0) throw new Error(`credit ${line.serviceId} ${line.periodStart} – ${line.periodEnd} refunds no charge`);
      refunded.add(match);
      out.push({ line, periodPrice, epoch: out[match].epoch, full: out[match].full, refunds: match });
    }
  }
  return out;
}

/** Lines grouped by grid period (and by service, when `perService`). */
function byPeriod(lines: Analysed[], perService: boolean): Map<string, Analysed[]> {
  const groups = new Map<string, Analysed[]>();
  for (const a of lines) {
    const key = `${a.epoch}:${a.full.from}${perService ? `:${a.line.serviceId}` : ''}`;
    groups.set(key, [...(groups.get(key) ?? []), a]);
  }
  return groups;
}


// ---------------------------------------------------------------- the properties

/**
 * Every property draws the same scenarios (one seed per test run, printed by fast-check on failure), and each
 * scenario is run and analysed once: the properties share the work, so the file stays fast. PROPERTY_RUNS=2000
 * runs a longer search.
 */
const settings = { numRuns: Number(process.env.PROPERTY_RUNS ?? 100), seed: Date.now() % 2 ** 31 };
const cache = new Map<string, { run: Run; lines: Analysed[] }>();

function forAll(check: (scenario: Scenario, run: Run, lines: Analysed[]) => void) {
  fc.assert(
    fc.property(scenarioArb, (scenario) => {
      const key = JSON.stringify(scenario);
      let done = cache.get(key);
      if (done === undefined) {
        const r = run(scenario);
        done = { run: r, lines: analyse(r, scenario.currency) };
        cache.set(key, done);
      }
      check(scenario, done.run, done.lines);
    }),
    settings,
  );
}

describe('plan instance properties (random histories)', () => {
  it('every line is the price × days used / days in its grid period, rounded once', () => {
    forAll((scenario, _run, lines) => {
      for (const a of lines) {
        const sign = a.line.type === 'credit' ? -1 : 1;
        expect({ line: a.line, amount: a.line.amount }).toEqual({ line: a.line, amount: sign * formula(a.periodPrice, lineDays(a.line), a.full, scenario.currency) + 0 });
        // A credit is always marked prorated; a charge only when it is less than its whole period.
        if (a.line.type === 'recurring') expect(a.line.prorated).toBe(lineDays(a.line) !== periodDays(a.full));
      }
    });
  });

  it('lines carry the plans’ prices and quantities the instance had', () => {
    forAll((_scenario, r, lines) => {
      const prices = new Map(r.plans.flatMap((plan) => plan.services.map((s) => [s.id, s.pricing.model === 'perUnit' ? s.pricing.unitPrice : null])));
      for (const { line } of lines) {
        expect(line.unitPrice).toBe(prices.get(line.serviceId));
        expect(r.quantities.has(Number(line.quantity))).toBe(true);
      }
    });
  });

  it('(a) what a grid period is billed never exceeds the full-period price × the largest quantity, by more than half a minor unit per line', () => {
    forAll((_scenario, r, lines) => {
      const planOf = new Map(r.plans.flatMap((plan) => plan.services.map((s) => [s.id, plan])));
      const planPrice = (plan: PlanSnapshot) => plan.services.reduce((sum, s) => sum.plus(s.pricing.model === 'perUnit' ? s.pricing.unitPrice : 0), new Decimal(0));
      for (const group of byPeriod(lines, false).values()) {
        const total = group.reduce((sum, a) => sum + a.line.amount, 0);
        const plans = new Set(group.map((a) => planOf.get(a.line.serviceId)!));
        const maxQuantity = Math.max(...group.map((a) => Number(a.line.quantity)));
        const scale = new Decimal(10).pow(minorDigits(r.plans[0].currency));
        const bound = Decimal.max(...[...plans].map(planPrice)).times(maxQuantity).times(scale);
        // Each line is rounded once, half away from zero, so each may add up to half a minor unit (see below).
        expect(new Decimal(total).lte(bound.plus(new Decimal(group.length).div(2)))).toBe(true);
      }
      // Per service, with the exact period price charged (unit price × quantity): the same bound, tighter.
      for (const group of byPeriod(lines, true).values()) {
        const total = group.reduce((sum, a) => sum + a.line.amount, 0);
        const bound = Decimal.max(...group.map((a) => a.periodPrice));
        expect(new Decimal(total).lte(bound.plus(new Decimal(group.length).div(2)))).toBe(true);
        expect(total).toBeGreaterThanOrEqual(0);
      }
    });
  });

  it('(a) why the bound has slack: rounding each line once can bill a period more than its full price × the largest quantity', () => {
    // 0.01 USD per unit per month, 2 units; 1 unit from 2023-01-09 (23 of 31 days left), 2 again from 2023-01-17 (15 left).
    const { events } = runAll([assign(monthlyPlan('0.01'), '2023-01-01', { quantity: 2 }), changeQuantity(1, '2023-01-09'), changeQuantity(2, '2023-01-17')]);
    const amounts = invoicesOf(events).flatMap((invoice) => invoice.lines.map((line) => line.amount));
    // 2 × 0.01 = 0.02; credit 0.02 × 23/31 = 0.0148 → −0.01; charge 0.01 × 23/31 = 0.0074 → 0.01;
    // credit 0.01 × 15/31 = 0.0048 → 0.00; charge 0.02 × 15/31 = 0.0097 → 0.01. Exactly: 0.0197 ≤ 0.02.
    expect(amounts).toEqual([2, -1, 1, 0, 1]);
    // Billed for January: 0.03, one cent over 2 × 0.01, and within the bound tested above: 0.02 + 5 lines × ½ cent.
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(3);
  });

  it('(b) a credit never exceeds what was charged for the same service and days', () => {
    forAll((_scenario, _run, lines) => {
      for (const a of lines) {
        if (a.refunds === null) continue;
        const charge = lines[a.refunds];
        expect(a.line.quantity).toBe(charge.line.quantity);
        expect(a.line.unitPrice).toBe(charge.line.unitPrice);
        expect(-a.line.amount).toBeLessThanOrEqual(charge.line.amount);
        // …and, per day, at most the charge's own rate (within the rounding of both lines).
        const share = new Decimal(charge.line.amount).plus(0.5).times(lineDays(a.line)).div(lineDays(charge.line)).plus(0.5);
        expect(new Decimal(-a.line.amount).lte(share)).toBe(true);
      }
    });
  });

  it('(c) an invoice’s total is the sum of its lines', () => {
    forAll((_scenario, r) => {
      for (const invoice of invoicesOf(r.events)) {
        expect(invoice.total).toBe(invoice.lines.reduce((sum, line) => sum + line.amount, 0));
        expect(invoice.lines.every((line) => Number.isSafeInteger(line.amount))).toBe(true);
      }
    });
  });

  it('(d) deciding the same command twice on the same state gives identical events', () => {
    forAll((_scenario, r) => expect(r.nondeterministic).toEqual([]));
  });

  it('(e) nothing is billed twice: per service, every day is charged at most once net of credits; nothing from the cancellation on', () => {
    forAll((_scenario, r, lines) => {
      const net = new Map<string, Map<number, number>>();
      for (const { line } of lines) {
        const days = net.get(line.serviceId) ?? new Map<number, number>();
        net.set(line.serviceId, days);
        const step = line.type === 'credit' ? -1 : 1;
        for (let d = dayNumber(line.periodStart); d <= dayNumber(line.periodEnd); d++) days.set(d, (days.get(d) ?? 0) + step);
      }
      const twice: string[] = [];
      for (const [serviceId, days] of net) {
        for (const [d, count] of days) if (count < 0 || count > 1) twice.push(`${serviceId} ${addDays('2000-01-01', d)}: ${count}`);
      }
      expect(twice).toEqual([]);
      // No period that begins after the first day without service is billed. One that begins on that day is
      // refunded whole, unless the cancellation was under proration none: then, like any period in force, it stays
      // paid (it was billed when it began, or by the cancellation's own catch-up, as if the bill run had come first).
      if (r.cancelled !== null) {
        const { on, rule } = r.cancelled;
        for (const { line } of lines) {
          const starts = line.type === 'recurring' ? compareDates(line.periodStart, on) : -1;
          if (starts < 0 || (starts === 0 && rule === 'none')) continue;
          const days = net.get(line.serviceId)!;
          const billed = [];
          for (let d = dayNumber(line.periodStart); d <= dayNumber(line.periodEnd); d++) if (days.get(d) !== 0) billed.push(d);
          expect({ line, billedDays: billed.length }).toEqual({ line, billedDays: 0 });
        }
      }
    });
  });
});
