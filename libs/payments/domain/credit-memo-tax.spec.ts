import fc from 'fast-check';
import { InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { creditMemoTax, CreditMemoTaxLine, TaxShare } from './credit-memo-tax';
import { receivablesDecider } from './receivables.decider';
import { ReceivablesEvent } from './receivables.events';
import { memo, memoIssued, paid, posted } from './testing/receivables-fixtures';

/** Credit memos reverse tax in proportion (decision 0024): exact amounts in minor units. */

const rate = (taxRateId: string, percent: string, amount: number, inclusive = false): TaxShare => ({ taxRateId, percent, inclusive, amount });
const VAT = (amount: number) => rate('vat', '20', amount);

/** Memos in turn on one share: each one's [net, tax, tax per rate]. */
function memos(shareTotal: number, invoiceTax: TaxShare[], amounts: number[]): Array<[number, number, number[]]> {
  let creditedBefore = 0;
  const reversedBefore: CreditMemoTaxLine[] = [];
  return amounts.map((amount) => {
    const { tax, taxLines } = creditMemoTax({ amount, shareTotal, creditedBefore, invoiceTax, reversedBefore });
    creditedBefore += amount;
    reversedBefore.push(...taxLines);
    return [amount - tax, tax, taxLines.map((line) => line.amount)];
  });
}

describe('creditMemoTax: the tax a credit memo reverses', () => {
  it.each([
    // [case, share total, tax per rate, memo amounts, expected [net, tax, per rate] per memo]
    ['90.00 + 18.00 (20%) = 108.00: a memo of 54.00 is 45.00 net + 9.00 tax', 10800, [VAT(1800)], [5400], [[4500, 900, [900]]]],
    ['the same invoice credited in full at once: all 18.00 of tax', 10800, [VAT(1800)], [10800], [[9000, 1800, [1800]]]],
    [
      'three memos of 33.33, 33.33 and 41.34: 5.56 (555.5 rounds half up), 5.55, then exactly the 6.89 left',
      10800,
      [VAT(1800)],
      [3333, 3333, 4134],
      [[2777, 556, [556]], [2778, 555, [555]], [3445, 689, [689]]],
    ],
    [
      'a 3-rate invoice (100.00 + 20.00 + 10.00 + 5.00 = 135.00): 7.77 takes 2.01 of tax (201.44), split 1.15, 0.57, 0.29 by largest remainder; the rest takes exactly what is left',
      13500,
      [rate('a-vat', '20', 2000), rate('b-local', '10', 1000), rate('c-city', '5', 500)],
      [777, 12723],
      [[576, 201, [115, 57, 29]], [9424, 3299, [1885, 943, 471]]],
    ],
    [
      'JPY (0 decimals): 850 + 85 (10%) = 935 credited 100, 467, then 368: 9, 43 (cumulative 52), then the 33 left',
      935,
      [rate('jct', '10', 85)],
      [100, 467, 368],
      [[91, 9, [9]], [424, 43, [43]], [335, 33, [33]]],
    ],
    ['KWD (3 decimals): 10.000 + 0.500 (5%) = 10.500, a memo of 3.333 takes 0.159 of tax (158.714)', 10500, [rate('kw-vat', '5', 500)], [3333], [[3174, 159, [159]]]],
    ['an invoice without tax: no tax, whatever the memo', 10800, [], [5400], [[5400, 0, []]]],
    [
      'tax of mixed signs (a credit taxed at one rate, a charge at another): each rate cumulative on its own',
      11900,
      [VAT(2000), rate('reduced', '5', -100)],
      [5950, 5950],
      [[5000, 950, [1000, -50]], [5000, 950, [1000, -50]]],
    ],
  ] as const)('%s', (_, shareTotal, invoiceTax, amounts, expected) => {
    expect(memos(shareTotal, [...invoiceTax], [...amounts])).toEqual(expected);
  });

  it("split billing: a payer's share of the invoice is what the memo is in proportion to", () => {
    // 108.00 of which the parent owes 72.00 (12.00 of it tax) and the child 36.00 (6.00 tax): 36.00 off the parent's share.
    expect(memos(7200, [VAT(1200)], [3600, 3600])).toEqual([
      [3000, 600, [600]],
      [3000, 600, [600]],
    ]);
    expect(memos(3600, [VAT(600)], [1])).toEqual([[1, 0, [0]]]);
  });

  it('never reverses more tax than the share carries, and net + tax is always the amount (random memos)', () => {
    const rateArb = fc.record({ percent: fc.integer({ min: 0, max: 100 }), inclusive: fc.boolean() });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.array(rateArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 8 }),
        fc.boolean(),
        (net, rates, weights, clear) => {
          // The share: a net and each rate's tax on it, rounded once.
          const invoiceTax = rates.map((r, i) => rate(`r${i}`, String(r.percent), Math.round((net * r.percent) / 100), r.inclusive));
          const taxTotal = invoiceTax.reduce((sum, t) => sum + t.amount, 0);
          const shareTotal = net + taxTotal;
          // Memos splitting some or all of the share, in the weights' proportions.
          const weightSum = weights.reduce((a, b) => a + b, 0);
          const amounts = weights.map((w) => Math.max(1, Math.floor((shareTotal * w) / weightSum))).filter((a) => a > 0);
          const given: number[] = [];
          let room = shareTotal;
          for (const a of amounts) {
            const amount = Math.min(a, room);
            if (amount <= 0) break;
            given.push(amount);
            room -= amount;
          }
          if (clear && room > 0) given.push(room);
          const results = memos(shareTotal, invoiceTax, given);
          results.forEach(([memoNet, tax, perRate], i) => {
            expect(memoNet + tax).toBe(given[i]);
            expect(tax).toBeGreaterThanOrEqual(0);
            expect(tax).toBeLessThanOrEqual(given[i]);
            expect(perRate.reduce((a, b) => a + b, 0)).toBe(tax);
          });
          invoiceTax.forEach((line, r) => {
            const reversed = results.reduce((sum, [, , perRate]) => sum + perRate[r], 0);
            expect(reversed).toBeGreaterThanOrEqual(0);
            expect(reversed).toBeLessThanOrEqual(line.amount);
            // Memos that credit the whole share reverse exactly its tax.
            if (given.reduce((a, b) => a + b, 0) === shareTotal) expect(reversed).toBe(line.amount);
          });
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('IssueCreditMemo with the invoice’s tax', () => {
  const spec = specFor(receivablesDecider);
  const inv = posted('inv-1', 10800);
  const invoiceTax = [VAT(1800)];
  const taxLines = (amount: number) => [{ taxRateId: 'vat', percent: '20', inclusive: false, amount }];
  const issued = (id: string, amount: number, tax: number) =>
    memoIssued(id, amount, [{ invoiceId: 'inv-1', amount }], 0, { invoiceId: 'inv-1', applicationMethod: null, tax, taxLines: taxLines(tax) });

  it('records the tax it reverses on the event; the next memo takes what is left when it clears the invoice', () => {
    spec.given([inv]).when(memo('cm-1', 5400, { invoiceId: 'inv-1', invoiceTax })).then([issued('cm-1', 5400, 900)]);
    spec.given([inv, issued('cm-1', 3333, 556)]).when(memo('cm-2', 7467, { invoiceId: 'inv-1', invoiceTax })).then([issued('cm-2', 7467, 1244)]);
  });

  it('a memo clearing a partly paid balance reverses the tax of its own amount, not all the tax left (the paid part carried its tax)', () => {
    const payment = paid('pay-1', 5000, [{ invoiceId: 'inv-1', amount: 5000 }], 0);
    // 58.00 of 108.00: 5800 × 1800 / 10800 = 966.67 → 9.67.
    spec.given([inv, payment]).when(memo('cm-1', 5800, { invoiceId: 'inv-1', invoiceTax })).then([issued('cm-1', 5800, 967)]);
  });

  it('a memo recorded before tax was split out reads as no tax; an invoice without tax and a memo on the account carry no tax fields', () => {
    const before: ReceivablesEvent = memoIssued('cm-old', 5400, [{ invoiceId: 'inv-1', amount: 5400 }], 0, { invoiceId: 'inv-1', applicationMethod: null });
    // Cumulative: 10800 → 1800 less the 900 its 5400 stands for; the old memo's tax stays unreversed.
    spec.given([inv, before]).when(memo('cm-2', 5400, { invoiceId: 'inv-1', invoiceTax })).then([issued('cm-2', 5400, 900)]);
    spec
      .given([inv])
      .when(memo('cm-1', 5400, { invoiceId: 'inv-1' }))
      .then([memoIssued('cm-1', 5400, [{ invoiceId: 'inv-1', amount: 5400 }], 0, { invoiceId: 'inv-1', applicationMethod: null })]);
    spec
      .given([inv])
      .when(memo('cm-1', 5400, { invoiceTax }))
      .then([memoIssued('cm-1', 5400, [{ invoiceId: 'inv-1', amount: 5400 }], 0, { applicationMethod: 'fifo' })]);
  });

  it('refuses tax facts that are not one share per rate, naming the field', () => {
    const details = spec
      .given([inv])
      .when(memo('cm-1', 5400, { invoiceId: 'inv-1', invoiceTax: [VAT(1800), VAT(1)] }))
      .thenThrows(InvalidInputError)
      .details.map((d) => [d.field, d.rule]);
    expect(details).toEqual([['invoiceTax[1]', 'taxShare']]);
  });
});
