import { fold } from '../../shared-kernel/decider';
import { accountBalance, invoiceBalance, invoiceBalances, paymentView } from './balances';
import { ledger } from './ledger';
import { receivablesDecider } from './receivables.decider';
import { fail, memo, pay, post, refund, reverse, run, writeOff } from './testing/receivables-fixtures';

/** Aria's account through a quarter: two invoices, a payment, a credit memo, a write-off, a refund and a returned debit. */
describe("balances and ledger of Aria's account", () => {
  const steps = [
    post('inv-1', 6000, { invoiceNumber: 'INV-1', invoiceDate: '2025-01-01', dueDate: '2025-01-31' }),
    post('inv-2', 15000, { invoiceNumber: 'INV-2', invoiceDate: '2025-02-01', dueDate: '2025-03-03' }),
    pay('pay-1', 17500, { businessDate: '2025-02-10', reference: 'chk 1042' }),
  ];

  it("after her payment: 60.00 paid, 115.00 of 150.00 paid, 35.00 owed and not yet past due", () => {
    const { state } = run(steps);
    expect(invoiceBalance(state, 'inv-1')).toMatchObject({ balance: 0, paid: 6000, status: 'paid' });
    expect(invoiceBalance(state, 'inv-2')).toMatchObject({ balance: 3500, paid: 11500, status: 'partiallyPaid' });
    expect(invoiceBalance(state, 'inv-9')).toBeNull();
    expect(accountBalance(state, '2025-03-03')).toEqual({ currency: 'USD', balance: 3500, pastDue: 0, credit: 0, open: 3500 });
    expect(accountBalance(state, '2025-03-04')).toEqual({ currency: 'USD', balance: 3500, pastDue: 3500, credit: 0, open: 3500 });
    expect(paymentView(state, 'pay-1')).toEqual({
      id: 'pay-1',
      amount: 17500,
      currency: 'USD',
      status: 'succeeded',
      failureReason: null,
      applications: [
        { invoiceId: 'inv-1', amount: 6000 },
        { invoiceId: 'inv-2', amount: 11500 },
      ],
      unapplied: 0,
      refunded: 0,
      reversed: 0,
    });
  });

  it('writes off the rest (writtenOff), takes a credit memo as credit, applies it to the next invoice', () => {
    const { state, events } = run([
      ...steps,
      writeOff('wo-1', 'inv-2', { businessDate: '2025-03-10' }),
      memo('cm-1', 2000, { businessDate: '2025-03-11' }),
      post('inv-3', 5000, { invoiceDate: '2025-04-01', dueDate: '2025-04-30' }),
    ]);
    expect(invoiceBalances(state).map((i) => [i.invoiceId, i.balance, i.status])).toEqual([
      ['inv-1', 0, 'paid'],
      ['inv-2', 0, 'writtenOff'],
      ['inv-3', 3000, 'partiallyPaid'],
    ]);
    expect(accountBalance(state, '2025-04-01')).toEqual({ currency: 'USD', balance: 3000, pastDue: 0, credit: 0, open: 3000 });
    expect(ledger(events)).toEqual([
      { id: 'inv-1', type: 'invoice', date: '2025-01-01', amount: 6000, balanceAfter: 6000, reference: 'INV-1' },
      { id: 'inv-2', type: 'invoice', date: '2025-02-01', amount: 15000, balanceAfter: 21000, reference: 'INV-2' },
      { id: 'pay-1', type: 'payment', date: '2025-02-10', amount: -17500, balanceAfter: 3500, reference: 'chk 1042' },
      { id: 'wo-1', type: 'writeOff', date: '2025-03-10', amount: -3500, balanceAfter: 0, reference: 'inv-2' },
      { id: 'cm-1', type: 'creditMemo', date: '2025-03-11', amount: -2000, balanceAfter: -2000, reference: null },
      { id: 'inv-3', type: 'invoice', date: '2025-04-01', amount: 5000, balanceAfter: 3000, reference: 'inv-3' },
    ]);
  });

  it('a refund and a reversal reopen what the payment paid; the ledger still sums to the balance', () => {
    const { state, events } = run([
      ...steps,
      pay('pay-2', 5000, { businessDate: '2025-02-20' }), // 35.00 to inv-2, 15.00 credit
      refund('rf-1', 'pay-1', 2000, { businessDate: '2025-02-21' }), // un-applies 20.00 of inv-2
      reverse('rv-1', 'pay-2', { businessDate: '2025-02-22' }), // 15.00 credit and 35.00 of inv-2
      fail('pay-3', 5500, { businessDate: '2025-02-23' }),
    ]);
    expect(invoiceBalance(state, 'inv-2')).toMatchObject({ balance: 5500, paid: 9500, status: 'partiallyPaid' });
    expect(accountBalance(state, '2025-02-23')).toEqual({ currency: 'USD', balance: 5500, pastDue: 0, credit: 0, open: 5500 });
    expect(paymentView(state, 'pay-1')).toMatchObject({ refunded: 2000, applications: [{ invoiceId: 'inv-1', amount: 6000 }, { invoiceId: 'inv-2', amount: 9500 }] });
    expect(paymentView(state, 'pay-2')).toMatchObject({ reversed: 5000, applications: [], unapplied: 0 });
    expect(paymentView(state, 'pay-3')).toMatchObject({ status: 'failed', failureReason: 'card declined', amount: 5500 });
    expect(paymentView(state, 'pay-9')).toBeNull();
    const entries = ledger(events);
    expect(entries.map((e) => [e.type, e.amount, e.balanceAfter])).toEqual([
      ['invoice', 6000, 6000],
      ['invoice', 15000, 21000],
      ['payment', -17500, 3500],
      ['payment', -5000, -1500],
      ['refund', 2000, 500],
      ['reversal', 5000, 5500],
    ]);
    expect(fold(receivablesDecider, events)).toEqual(state);
  });

  it('shows a credit-only invoice as paid and its credit on the account', () => {
    const { state, events } = run([post('inv-credit', -1500)]);
    expect(invoiceBalance(state, 'inv-credit')).toMatchObject({ amount: -1500, balance: 0, status: 'paid' });
    expect(accountBalance(state, '2025-03-01')).toEqual({ currency: 'USD', balance: -1500, pastDue: 0, credit: 1500, open: 0 });
    expect(ledger(events)).toEqual([{ id: 'inv-credit', type: 'invoice', date: '2025-01-01', amount: -1500, balanceAfter: -1500, reference: 'inv-credit' }]);
  });

  it('has no currency and nothing owed before anything is posted', () => {
    expect(accountBalance(receivablesDecider.initialState, '2025-03-01')).toEqual({ currency: null, balance: 0, pastDue: 0, credit: 0, open: 0 });
  });
});
