import { fold } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { CreateInstallmentTerm, InstallmentTermCreated, installmentTermDecider, installmentTermStream } from './installment-term.decider';

const spec = specFor(installmentTermDecider);

const create = (change: Record<string, unknown> = {}): CreateInstallmentTerm => ({
  type: 'CreateInstallmentTerm',
  data: { termId: 'monthly-12', name: 'Twelve months', schedule: 'independent', frequency: { unit: 'month', count: 1 }, installments: 12, on: '2024-01-31', ...change },
});
const created = (change: Partial<InstallmentTermCreated['data']> = {}): InstallmentTermCreated => ({
  type: 'InstallmentTermCreated',
  data: {
    termId: 'monthly-12',
    name: 'Twelve months',
    schedule: 'independent',
    frequency: { unit: 'month', count: 1 },
    installments: 12,
    lumpSum: null,
    daysUntilDue: null,
    lumpSumDaysUntilDue: null,
    createdOn: '2024-01-31',
    ...change,
  },
});

describe('installment term decider', () => {
  it('creates an independent term, with nulls for what was not given', () => {
    spec.given([]).when(create()).then([created()]);
  });

  it('creates an aligned term with a lump sum and its own days until due', () => {
    spec
      .given([])
      .when(create({ termId: 'aligned-6', schedule: 'aligned', frequency: undefined, installments: 6, lumpSum: { percent: '20' }, daysUntilDue: 10, lumpSumDaysUntilDue: 0 }))
      .then([created({ termId: 'aligned-6', schedule: 'aligned', frequency: null, installments: 6, lumpSum: { percent: '20' }, daysUntilDue: 10, lumpSumDaysUntilDue: 0 })]);
  });

  it('the same id with the same term decides nothing, on any date', () => {
    spec.given([created()]).when(create({ on: '2024-05-01', name: ' Twelve months', lumpSum: null })).then([]);
  });

  it('the same id with another term is a 409 on id naming what differs', () => {
    const error = spec
      .given([created()])
      .when(create({ installments: 6, lumpSum: { amount: '100.00' } }))
      .thenThrows(ConflictError, /different installments, lumpSum/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'id', rule: 'unique' })]);
  });

  it('refuses bad input with every field and rule (parseInstallmentTerm), before the duplicate check', () => {
    const error = spec
      .given([created()])
      .when(create({ installments: 0, frequency: { unit: 'year', count: 1 } }))
      .thenThrows(InvalidInputError);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([
      ['frequency.unit', 'oneOf'],
      ['installments', 'range'],
    ]);
  });

  it.each<[string, Record<string, unknown>, string, string]>([
    ['a bad id', { termId: '-x' }, 'id', 'id'],
    ['an unknown schedule', { schedule: 'monthly' }, 'schedule', 'oneOf'],
    ['more than 120 installments', { installments: 121 }, 'installments', 'range'],
    ['a lump sum over 100 %', { lumpSum: { percent: '100' } }, 'lumpSum.percent', 'percentRange'],
    ['an aligned term with a frequency', { schedule: 'aligned' }, 'frequency', 'notAllowed'],
    ['an independent term without one', { frequency: null }, 'frequency', 'required'],
  ])('refuses %s', (_name, change, field, rule) => {
    const error = spec.given([]).when(create(change)).thenThrows(InvalidInputError);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([[field, rule]]);
  });

  it('folds into the term as the API shows it', () => {
    expect(fold(installmentTermDecider, [created()])).toStrictEqual({
      id: 'monthly-12',
      name: 'Twelve months',
      schedule: 'independent',
      frequency: { unit: 'month', count: 1 },
      installments: 12,
      lumpSum: null,
      daysUntilDue: null,
      lumpSumDaysUntilDue: null,
      createdOn: '2024-01-31',
    });
    expect(installmentTermStream('t1', 'monthly-12')).toBe('installmentTerm-t1.monthly-12');
  });
});
