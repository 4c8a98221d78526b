import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { receivablesDecider } from './receivables.decider';
import { ReceivablesCommand } from './receivables.commands';
import { ReceivablesEvent } from './receivables.events';
import {
  creditApplied,
  memo,
  memoIssued,
  paid,
  posted,
  refund,
  refunded,
  reverse,
  reversed,
  writeOff,
  writtenOff,
} from './testing/receivables-fixtures';

const spec = specFor(receivablesDecider);

function invalid(given: ReceivablesEvent[], command: ReceivablesCommand): string[][] {
  return spec.given(given).when(command).thenThrows(InvalidInputError).details.map((d) => [d.field, d.rule]);
}

const inv1 = posted('inv-1', 6000, { invoiceDate: '2025-01-01', dueDate: '2025-02-28' });
const inv2 = posted('inv-2', 15000, { invoiceDate: '2025-02-01', dueDate: '2025-02-15' });

describe('IssueCreditMemo', () => {
  it('credits an invoice up to its balance', () => {
    spec
      .given([inv1])
      .when(memo('cm-1', 6000, { invoiceId: 'inv-1', reason: 'service outage', actor: 'ann@tenant' }))
      .then([memoIssued('cm-1', 6000, [{ invoiceId: 'inv-1', amount: 6000 }], 0, { invoiceId: 'inv-1', applicationMethod: null, reason: 'service outage', actor: 'ann@tenant' })]);
  });

  it('refuses a credit beyond the invoice’s balance', () => {
    const error = spec
      .given([inv1, paid('pay-1', 5000, [{ invoiceId: 'inv-1', amount: 5000 }], 0)])
      .when(memo('cm-1', 1001, { invoiceId: 'inv-1' }))
      .thenThrows(RuleViolationError, 'amount must be at most 10.00 USD, the balance of invoice inv-1 (got 10.01 USD); a credit beyond it goes on the account');
    expect(error.details[0]).toMatchObject({ field: 'amount', rule: 'atMostInvoiceBalance' });
  });

  it('refuses an unknown invoice', () => {
    spec.given([inv1]).when(memo('cm-1', 100, { invoiceId: 'inv-9' })).thenThrows(NotFoundError, 'Invoice inv-9 was not found');
  });

  it('applies a memo on the account by the given method; the rest is credit', () => {
    spec
      .given([inv1, inv2])
      .when(memo('cm-1', 25000, { applicationMethod: 'fdfo' }))
      .then([memoIssued('cm-1', 25000, [{ invoiceId: 'inv-2', amount: 15000 }, { invoiceId: 'inv-1', amount: 6000 }], 4000, { applicationMethod: 'fdfo' })]);
  });

  it('applies a memo on the account by fifo when no method is given', () => {
    spec.given([inv1, inv2]).when(memo('cm-1', 7000)).then([memoIssued('cm-1', 7000, [{ invoiceId: 'inv-1', amount: 6000 }, { invoiceId: 'inv-2', amount: 1000 }], 0)]);
  });

  it('needs a currency on an account with nothing posted, and then sets it', () => {
    const error = spec.given([]).when(memo('cm-1', 100)).thenThrows(InvalidInputError, /currency is required/);
    expect(error.details[0]).toMatchObject({ field: 'currency', rule: 'required' });
    spec.given([]).when(memo('cm-1', 100, { currency: 'EUR' })).then([memoIssued('cm-1', 100, [], 100, { currency: 'EUR' })]);
  });

  it('refuses another currency', () => {
    spec.given([inv1]).when(memo('cm-1', 100, { currency: 'EUR' })).thenThrows(RuleViolationError, /currency must be USD/);
  });

  it('decides nothing for the same memo again; refuses the same id with another amount or invoice', () => {
    const issued = memoIssued('cm-1', 100, [{ invoiceId: 'inv-1', amount: 100 }], 0, { invoiceId: 'inv-1', applicationMethod: null });
    spec.given([inv1, issued]).when(memo('cm-1', 100, { invoiceId: 'inv-1' })).then([]);
    spec.given([inv1, issued]).when(memo('cm-1', 100)).thenThrows(ConflictError, /credit memo cm-1 already exists with a different invoiceId/);
    spec.given([inv1, issued]).when(memo('cm-1', 200, { invoiceId: 'inv-1' })).thenThrows(ConflictError, /different amount/);
  });

  it('refuses malformed fields, all at once', () => {
    expect(invalid([inv1], memo('cm-1', -5, { reason: '', actor: undefined as unknown as string, currency: 'XYZ', applicationMethod: 'any' as 'fifo' }))).toEqual([
      ['amount', 'positiveMinorUnits'],
      ['currency', 'isoCurrency'],
      ['reason', 'notBlank'],
      ['actor', 'required'],
      ['applicationMethod', 'oneOf'],
    ]);
  });
});

describe('WriteOffInvoice', () => {
  const partlyPaid = [inv1, paid('pay-1', 1000, [{ invoiceId: 'inv-1', amount: 1000 }], 0)];

  it('writes off the whole balance by default', () => {
    spec.given(partlyPaid).when(writeOff('wo-1', 'inv-1')).then([writtenOff('wo-1', 'inv-1', 5000)]);
  });

  it('writes off part of the balance', () => {
    spec.given(partlyPaid).when(writeOff('wo-1', 'inv-1', { amount: 2000 })).then([writtenOff('wo-1', 'inv-1', 2000)]);
  });

  it('never writes off beyond the balance', () => {
    const error = spec.given(partlyPaid).when(writeOff('wo-1', 'inv-1', { amount: 5001 })).thenThrows(RuleViolationError, 'amount must be at most 50.00 USD, the balance of invoice inv-1 (got 50.01 USD)');
    expect(error.details[0]).toMatchObject({ field: 'amount', rule: 'atMostInvoiceBalance' });
  });

  it('refuses an invoice with nothing owed', () => {
    const error = spec.given([...partlyPaid, writtenOff('wo-1', 'inv-1', 5000)]).when(writeOff('wo-2', 'inv-1')).thenThrows(RuleViolationError, /has no balance to write off/);
    expect(error.details[0]).toMatchObject({ field: 'invoiceId', rule: 'hasBalance' });
  });

  it('refuses an unknown invoice', () => {
    spec.given(partlyPaid).when(writeOff('wo-1', 'inv-9')).thenThrows(NotFoundError, 'Invoice inv-9 was not found');
  });

  it('decides nothing for the same write-off again (with or without its amount); refuses the id for another invoice', () => {
    const given = [...partlyPaid, writtenOff('wo-1', 'inv-1', 5000)];
    spec.given(given).when(writeOff('wo-1', 'inv-1')).then([]);
    spec.given(given).when(writeOff('wo-1', 'inv-1', { amount: 5000 })).then([]);
    spec.given(given).when(writeOff('wo-1', 'inv-1', { amount: 4000 })).thenThrows(ConflictError, /write-off wo-1 already exists with a different amount/);
    spec.given([...given, inv2]).when(writeOff('wo-1', 'inv-2')).thenThrows(ConflictError, /different invoiceId/);
  });

  it('refuses malformed fields', () => {
    expect(invalid(partlyPaid, writeOff('wo-1', 'inv-1', { amount: 0, actor: ' ' }))).toEqual([
      ['amount', 'positiveMinorUnits'],
      ['actor', 'notBlank'],
    ]);
  });
});

describe('RefundPayment', () => {
  const payment = [inv1, paid('pay-1', 10000, [{ invoiceId: 'inv-1', amount: 6000 }], 4000)];

  it('takes the money first out of the payment’s unapplied credit', () => {
    spec.given(payment).when(refund('rf-1', 'pay-1', 3000)).then([refunded('rf-1', 'pay-1', 3000, 3000, [])]);
  });

  it('then un-applies the payment, reopening the invoice', () => {
    spec.given(payment).when(refund('rf-1', 'pay-1', 5000)).then([refunded('rf-1', 'pay-1', 5000, 4000, [{ invoiceId: 'inv-1', amount: 1000 }])]);
  });

  it('un-applies the newest applications first, including those made through its credit', () => {
    const history = [...payment, inv2, creditApplied([{ invoiceId: 'inv-2', amount: 4000, sourceType: 'payment', sourceId: 'pay-1' }])];
    spec
      .given(history)
      .when(refund('rf-1', 'pay-1', 7000))
      .then([refunded('rf-1', 'pay-1', 7000, 0, [{ invoiceId: 'inv-2', amount: 4000 }, { invoiceId: 'inv-1', amount: 3000 }])]);
  });

  it('never refunds more than is left of the payment', () => {
    const error = spec
      .given([...payment, refunded('rf-1', 'pay-1', 3000, 3000, [])])
      .when(refund('rf-2', 'pay-1', 7001))
      .thenThrows(RuleViolationError, 'amount must be at most 70.00 USD, what is left of payment pay-1 after refunds and reversals (got 70.01 USD)');
    expect(error.details[0]).toMatchObject({ field: 'amount', rule: 'atMostRefundable' });
    spec.given([...payment, reversed('rv-1', 'pay-1', 10000, 4000, [{ invoiceId: 'inv-1', amount: 6000 }])]).when(refund('rf-2', 'pay-1', 1)).thenThrows(RuleViolationError, /at most 0.00 USD/);
  });

  it('refuses an unknown payment', () => {
    spec.given(payment).when(refund('rf-1', 'pay-9', 100)).thenThrows(NotFoundError, 'Payment pay-9 was not found');
  });

  it('decides nothing for the same refund again; refuses the id with another amount', () => {
    const given = [...payment, refunded('rf-1', 'pay-1', 3000, 3000, [])];
    spec.given(given).when(refund('rf-1', 'pay-1', 3000)).then([]);
    spec.given(given).when(refund('rf-1', 'pay-1', 2000)).thenThrows(ConflictError, /refund rf-1 already exists with a different amount/);
  });

  it('refuses malformed fields', () => {
    expect(invalid(payment, refund('rf-1', 'pay 1', 12.5, { reason: 'x'.repeat(501) }))).toEqual([
      ['paymentId', 'id'],
      ['amount', 'positiveMinorUnits'],
      ['reason', 'maxLength'],
    ]);
  });
});

describe('ReversePayment', () => {
  const payment = [inv1, inv2, paid('pay-1', 25000, [{ invoiceId: 'inv-1', amount: 6000 }, { invoiceId: 'inv-2', amount: 15000 }], 4000)];

  it('takes back the whole payment: its credit, then everything it paid, newest first', () => {
    spec
      .given(payment)
      .when(reverse('rv-1', 'pay-1'))
      .then([reversed('rv-1', 'pay-1', 25000, 4000, [{ invoiceId: 'inv-2', amount: 15000 }, { invoiceId: 'inv-1', amount: 6000 }])]);
  });

  it('takes back only what is left after a refund', () => {
    spec
      .given([...payment, refunded('rf-1', 'pay-1', 5000, 4000, [{ invoiceId: 'inv-2', amount: 1000 }])])
      .when(reverse('rv-1', 'pay-1'))
      .then([reversed('rv-1', 'pay-1', 20000, 0, [{ invoiceId: 'inv-2', amount: 14000 }, { invoiceId: 'inv-1', amount: 6000 }])]);
  });

  it('refuses a payment with nothing left', () => {
    const error = spec
      .given([...payment, reversed('rv-1', 'pay-1', 25000, 4000, [{ invoiceId: 'inv-2', amount: 15000 }, { invoiceId: 'inv-1', amount: 6000 }])])
      .when(reverse('rv-2', 'pay-1'))
      .thenThrows(RuleViolationError, 'payment pay-1 has nothing left to reverse: it was already refunded or reversed in full');
    expect(error.details[0]).toMatchObject({ field: 'paymentId', rule: 'notTakenBack' });
  });

  it('refuses an unknown payment', () => {
    spec.given(payment).when(reverse('rv-1', 'pay-9')).thenThrows(NotFoundError, 'Payment pay-9 was not found');
  });

  it('decides nothing for the same reversal again; refuses the id for another payment', () => {
    const given = [...payment, reversed('rv-1', 'pay-1', 25000, 4000, [{ invoiceId: 'inv-2', amount: 15000 }, { invoiceId: 'inv-1', amount: 6000 }])];
    spec.given(given).when(reverse('rv-1', 'pay-1')).then([]);
    spec.given(given).when(reverse('rv-1', 'pay-2')).thenThrows(ConflictError, /reversal rv-1 already exists with a different paymentId/);
  });

  it('refuses malformed fields', () => {
    expect(invalid(payment, reverse('', 'pay-1', { reason: '', businessDate: '1899-12-31' }))).toEqual([
      ['reversalId', 'id'],
      ['reason', 'notBlank'],
      ['businessDate', 'dateRange'],
    ]);
  });
});
