import { fold } from '../../shared-kernel/decider';
import { receivablesDecider, ReceivablesEvent } from '../../payments/domain';
import { paid, posted } from '../../payments/domain/testing/receivables-fixtures';
import { dunningFacts } from './facts';

const ledger = (events: ReceivablesEvent[]) => fold(receivablesDecider, events);

describe('What dunning reads of a ledger (DOMAIN.md §9)', () => {
  it('past due is what is owed of items due before the date; the oldest past-due recurring invoice anchors the case', () => {
    const state = ledger([
      posted('feb', 10000, { invoiceDate: '2025-02-01', dueDate: '2025-02-15' }),
      posted('jan', 10000, { invoiceDate: '2025-01-01', dueDate: '2025-01-31' }),
      posted('mar', 10000, { invoiceDate: '2025-03-01', dueDate: '2025-03-01' }),
    ]);
    expect(dunningFacts(state, '2025-03-01', 500)).toEqual({
      currency: 'USD',
      pastDue: 20000, // "mar" is due today: not past due yet
      pastDueCharges: 20000,
      threshold: 500,
      oldestPastDue: { invoiceId: 'jan', dueDate: '2025-01-31', planInstanceId: null },
    });
    expect(dunningFacts(state, '2025-03-02', 0)).toMatchObject({ pastDue: 30000 });
  });

  it('fees are past due like charges but never the basis of a percentage fee, and never anchor a case; installments only once due', () => {
    const state = ledger([
      posted('fee-1', 500, { invoiceDate: '2025-02-01', kind: 'fee' }),
      posted('inv', 10000, { invoiceDate: '2025-02-10' }),
      posted('inst-due', 3000, { invoiceDate: '2025-02-10', kind: 'installment' }),
      posted('inst-later', 3000, { invoiceDate: '2025-02-10', dueDate: '2025-04-10', kind: 'installment' }),
    ]);
    expect(dunningFacts(state, '2025-03-01', 0)).toMatchObject({ pastDue: 13500, pastDueCharges: 13000, oldestPastDue: { invoiceId: 'inv' } });
    expect(dunningFacts(ledger([posted('fee-only', 500, { kind: 'fee' })]), '2025-03-01', 0)).toMatchObject({ pastDue: 500, oldestPastDue: null });
  });

  it("a one-time order never starts a case (seed 001); a cancelled schedule's remainder does (seed 002)", () => {
    const order = ledger([posted('ord:o1', 5000, { kind: 'order' })]);
    expect(dunningFacts(order, '2025-03-01', 0)).toMatchObject({ pastDue: 5000, oldestPastDue: null });
    const remainder = ledger([posted('ord:o1', 5000, { kind: 'order' }), posted('rem:o2', 7000, { invoiceDate: '2025-02-01', kind: 'remainder' })]);
    expect(dunningFacts(remainder, '2025-03-01', 0)).toMatchObject({ pastDue: 12000, oldestPastDue: { invoiceId: 'rem:o2' } });
  });

  it('what is paid is not past due; an empty ledger has no currency', () => {
    const state = ledger([posted('inv', 10000), paid('p1', 10000, [{ invoiceId: 'inv', amount: 10000 }], 0)]);
    expect(dunningFacts(state, '2025-03-01', 0)).toMatchObject({ pastDue: 0, oldestPastDue: null });
    expect(dunningFacts(ledger([]), '2025-03-01', 0)).toMatchObject({ currency: null, pastDue: 0 });
  });
});
