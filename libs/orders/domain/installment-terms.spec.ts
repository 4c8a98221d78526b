import { InvalidInputError } from '../../shared-kernel/errors';
import { InstallmentTerm, InstallmentTermInput, MAX_INSTALLMENTS, parseInstallmentTerm, resolveDaysUntilDue } from './installment-terms';

const independent: InstallmentTermInput = { id: 'monthly-12', name: 'Twelve months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 12 };
const aligned: InstallmentTermInput = { id: 'aligned-6', name: 'With the plan', schedule: 'aligned', installments: 6 };

function fieldsRefused(input: Partial<InstallmentTermInput> & Record<string, unknown>): string[][] {
  try {
    parseInstallmentTerm(input as InstallmentTermInput);
  } catch (error: unknown) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).details.map((d) => [d.field, d.rule]);
  }
  throw new Error('expected an InvalidInputError');
}

describe('parseInstallmentTerm', () => {
  it('keeps an independent term, with nulls for what was not given', () => {
    expect(parseInstallmentTerm({ ...independent, name: ' Twelve months ' })).toStrictEqual<InstallmentTerm>({
      id: 'monthly-12',
      name: 'Twelve months',
      schedule: 'independent',
      frequency: { unit: 'month', count: 1 },
      installments: 12,
      lumpSum: null,
      daysUntilDue: null,
      lumpSumDaysUntilDue: null,
    });
  });

  it('keeps an aligned term with a lump sum and its own days until due', () => {
    expect(parseInstallmentTerm({ ...aligned, lumpSum: { percent: '20' }, daysUntilDue: 10, lumpSumDaysUntilDue: 0 })).toStrictEqual<InstallmentTerm>({
      id: 'aligned-6',
      name: 'With the plan',
      schedule: 'aligned',
      frequency: null,
      installments: 6,
      lumpSum: { percent: '20' },
      daysUntilDue: 10,
      lumpSumDaysUntilDue: 0,
    });
  });

  it.each([
    [{ unit: 'day', count: 365 }],
    [{ unit: 'week', count: 2 }],
    [{ unit: 'month', count: 12 }],
  ])('accepts the frequency %j', (frequency) => {
    expect(parseInstallmentTerm({ ...independent, frequency }).frequency).toEqual(frequency);
  });

  it.each([1, MAX_INSTALLMENTS])('accepts %i installments', (installments) => {
    expect(parseInstallmentTerm({ ...independent, installments }).installments).toBe(installments);
  });

  it('accepts a lump-sum amount, kept as written', () => {
    expect(parseInstallmentTerm({ ...independent, lumpSum: { amount: '150.00' } }).lumpSum).toEqual({ amount: '150.00' });
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['zero installments', { installments: 0 }, 'installments', 'range'],
    ['negative installments', { installments: -3 }, 'installments', 'range'],
    ['more than the maximum', { installments: MAX_INSTALLMENTS + 1 }, 'installments', 'range'],
    ['fractional installments', { installments: 2.5 }, 'installments', 'range'],
    ['installments as text', { installments: '12' }, 'installments', 'range'],
    ['an unknown schedule', { schedule: 'weekly' }, 'schedule', 'oneOf'],
    ['an independent term without a frequency', { frequency: undefined }, 'frequency', 'required'],
    ['a frequency unit outside day/week/month', { frequency: { unit: 'year', count: 1 } }, 'frequency.unit', 'oneOf'],
    ['a zero frequency count', { frequency: { unit: 'week', count: 0 } }, 'frequency.count', 'range'],
    ['13 months between installments', { frequency: { unit: 'month', count: 13 } }, 'frequency.count', 'range'],
    ['an unknown frequency field', { frequency: { unit: 'day', count: 1, anchor: 3 } }, 'frequency.anchor', 'unknownField'],
    ['a frequency that is not an object', { frequency: 'monthly' }, 'frequency', 'object'],
    ['a lump sum with both', { lumpSum: { percent: '10', amount: '5.00' } }, 'lumpSum', 'exactlyOne'],
    ['an empty lump sum', { lumpSum: {} }, 'lumpSum', 'exactlyOne'],
    ['a zero percent', { lumpSum: { percent: '0' } }, 'lumpSum.percent', 'percentRange'],
    ['a percent of 100', { lumpSum: { percent: '100' } }, 'lumpSum.percent', 'percentRange'],
    ['a negative percent', { lumpSum: { percent: '-5' } }, 'lumpSum.percent', 'percentRange'],
    ['a percent as a number', { lumpSum: { percent: 20 } }, 'lumpSum.percent', 'decimal'],
    ['a percent too fine', { lumpSum: { percent: '12.34567' } }, 'lumpSum.percent', 'maxDecimalPlaces'],
    ['a zero amount', { lumpSum: { amount: '0.00' } }, 'lumpSum.amount', 'positive'],
    ['an amount that is not a decimal', { lumpSum: { amount: '1e3' } }, 'lumpSum.amount', 'decimal'],
    ['an unknown lump-sum field', { lumpSum: { percent: '10', days: 3 } }, 'lumpSum.days', 'unknownField'],
    ['366 days until due', { daysUntilDue: 366 }, 'daysUntilDue', 'range'],
    ['negative days until due', { daysUntilDue: -1 }, 'daysUntilDue', 'range'],
    ['lump-sum days until due on an independent term', { lumpSum: { percent: '10' }, lumpSumDaysUntilDue: 5 }, 'lumpSumDaysUntilDue', 'alignedOnly'],
    ['a bad id', { id: 'a b' }, 'id', 'id'],
    ['a blank name', { name: '  ' }, 'name', 'notBlank'],
    ['an unknown field', { currency: 'USD' }, 'currency', 'unknownField'],
  ])('refuses %s', (_, change, field, rule) => {
    expect(fieldsRefused({ ...independent, ...change })).toEqual([[field, rule]]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a frequency on an aligned term', { frequency: { unit: 'month', count: 1 } }, 'frequency', 'notAllowed'],
    ['lump-sum days until due without a lump sum', { lumpSumDaysUntilDue: 3 }, 'lumpSumDaysUntilDue', 'requiresLumpSum'],
    ['lump-sum days until due over a year', { lumpSum: { amount: '10' }, lumpSumDaysUntilDue: 400 }, 'lumpSumDaysUntilDue', 'range'],
  ])('refuses %s', (_, change, field, rule) => {
    expect(fieldsRefused({ ...aligned, ...change })).toEqual([[field, rule]]);
  });

  it('reports every invalid field at once, in field order', () => {
    expect(
      fieldsRefused({ id: '', name: '', schedule: 'independent', frequency: { unit: 'fortnight', count: 1 }, installments: 0, lumpSum: { percent: '150' }, daysUntilDue: 1000 }),
    ).toEqual([
      ['id', 'id'],
      ['name', 'notBlank'],
      ['frequency.unit', 'oneOf'],
      ['installments', 'range'],
      ['lumpSum.percent', 'percentRange'],
      ['daysUntilDue', 'range'],
    ]);
  });

  it('says what is allowed', () => {
    expect(() => parseInstallmentTerm({ ...independent, installments: 0 })).toThrow(`installments must be a whole number from 1 to ${MAX_INSTALLMENTS} (got 0)`);
    expect(() => parseInstallmentTerm({ ...independent, frequency: { unit: 'year', count: 1 } })).toThrow('frequency.unit must be one of "day", "week", "month" (got "year")');
  });

  it('refuses input that is not an object', () => {
    expect(() => parseInstallmentTerm(null as never)).toThrow(InvalidInputError);
  });
});

describe('resolveDaysUntilDue', () => {
  it("takes the term's own days, else the payment term's or method's", () => {
    expect(resolveDaysUntilDue({ daysUntilDue: 10 }, 30)).toBe(10);
    expect(resolveDaysUntilDue({ daysUntilDue: 0 }, 30)).toBe(0);
    expect(resolveDaysUntilDue({ daysUntilDue: null }, 30)).toBe(30);
  });
});
