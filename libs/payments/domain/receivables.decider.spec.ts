import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { receivablesDecider, receivablesStream } from './receivables.decider';
import { ReceivablesCommand } from './receivables.commands';
import { ReceivablesEvent } from './receivables.events';
import { ACCOUNT, creditApplied, fail, failed, memoIssued, paid, pay, post, posted } from './testing/receivables-fixtures';

const spec = specFor(receivablesDecider);

function invalid(given: ReceivablesEvent[], command: ReceivablesCommand): string[][] {
  return spec.given(given).when(command).thenThrows(InvalidInputError).details.map((d) => [d.field, d.rule]);
}

it('names the stream receivables-<tenant>.<accountId>', () => {
  expect(receivablesStream('t1', 'acct-1')).toBe('receivables-t1.acct-1');
});

describe('PostReceivable', () => {
  it("posts the account's share of an invoice", () => {
    spec.given([]).when(post('inv-1', 6000, { invoiceNumber: 'INV-0001', dueDate: '2025-01-31' })).then([posted('inv-1', 6000, { invoiceNumber: 'INV-0001', dueDate: '2025-01-31' })]);
  });

  it('decides nothing when the same invoice is posted again', () => {
    spec.given([posted('inv-1', 6000)]).when(post('inv-1', 6000, { businessDate: '2025-01-05' })).then([]);
  });

  it('refuses the same invoice with other content', () => {
    const error = spec.given([posted('inv-1', 6000)]).when(post('inv-1', 6500, { kind: 'installment' })).thenThrows(ConflictError, /receivable for invoice inv-1 already exists with a different amount, kind/);
    expect(error.details.map((d) => d.field)).toEqual(['amount', 'kind']);
  });

  it('turns a credit-only invoice (negative amount) into credit, applied to what is owed', () => {
    spec
      .given([posted('inv-1', 6000)])
      .when(post('inv-credit', -2500, { invoiceDate: '2025-02-01' }))
      .then([
        posted('inv-credit', -2500, { invoiceDate: '2025-02-01' }),
        creditApplied([{ invoiceId: 'inv-1', amount: 2500, sourceType: 'invoice', sourceId: 'inv-credit' }], { businessDate: '2025-02-01' }),
      ]);
  });

  it('posts a zero or credit-only receivable on an account with nothing owed as credit only', () => {
    spec.given([]).when(post('inv-zero', 0)).then([posted('inv-zero', 0)]);
    spec.given([]).when(post('inv-credit', -100)).then([posted('inv-credit', -100)]);
  });

  it('applies unapplied credit to the new receivable, oldest credit first, by the given method', () => {
    spec
      .given([paid('pay-1', 3000, [], 3000), memoIssued('cm-1', 5000, [], 5000)])
      .when(post('inv-1', 6000, { applicationMethod: 'fdfo', businessDate: '2025-03-02' }))
      .then([
        posted('inv-1', 6000, { businessDate: '2025-03-02' }),
        creditApplied(
          [
            { invoiceId: 'inv-1', amount: 3000, sourceType: 'payment', sourceId: 'pay-1' },
            { invoiceId: 'inv-1', amount: 3000, sourceType: 'creditMemo', sourceId: 'cm-1' },
          ],
          { applicationMethod: 'fdfo', businessDate: '2025-03-02' },
        ),
      ]);
  });

  it('under Statement FIFO keeps credit away from installments not yet due', () => {
    spec
      .given([paid('pay-1', 3000, [], 3000)])
      .when(post('inst-2', 5000, { kind: 'installment', dueDate: '2025-04-01', applicationMethod: 'statementFifo', businessDate: '2025-03-01' }))
      .then([posted('inst-2', 5000, { kind: 'installment', dueDate: '2025-04-01', businessDate: '2025-03-01' })]);
  });

  it('applies that credit once the installment is due (ApplyCredit, sent on its due date); before it, nothing', () => {
    const waiting = [paid('pay-1', 3000, [], 3000), posted('inst-2', 5000, { kind: 'installment', dueDate: '2025-04-01', businessDate: '2025-03-01' })];
    const apply = (businessDate: string) => ({ type: 'ApplyCredit' as const, data: { accountId: ACCOUNT, applicationMethod: 'statementFifo' as const, businessDate } });
    spec.given(waiting).when(apply('2025-03-31')).then([]);
    spec
      .given(waiting)
      .when(apply('2025-04-01'))
      .then([creditApplied([{ invoiceId: 'inst-2', amount: 3000, sourceType: 'payment', sourceId: 'pay-1' }], { applicationMethod: 'statementFifo', businessDate: '2025-04-01' })]);
    spec.given([posted('inv-1', 6000)]).when(apply('2025-04-01')).then([]);
  });

  it('refuses another currency than the ledger’s', () => {
    const error = spec.given([posted('inv-1', 6000)]).when(post('inv-2', 100, { currency: 'EUR' })).thenThrows(RuleViolationError, /currency must be USD/);
    expect(error.details).toEqual([{ field: 'currency', rule: 'ledgerCurrency', message: error.message }]);
  });

  it('refuses malformed fields, all at once', () => {
    const command = post('inv 1', 1.5, { invoiceDate: '2025-02-30', currency: 'usd', kind: 'penalty' as 'charge', businessDate: 'today' });
    expect(invalid([], command)).toEqual([
      ['invoiceId', 'id'],
      ['invoiceDate', 'isoDate'],
      ['dueDate', 'isoDate'],
      ['currency', 'isoCurrency'],
      ['amount', 'integerMinorUnits'],
      ['kind', 'oneOf'],
      ['businessDate', 'isoDate'],
    ]);
    expect(invalid([], post('inv-1', 100, { applicationMethod: 'lifo' as 'fifo' }))).toEqual([['applicationMethod', 'oneOf']]);
  });

  it('refuses a posting that would take the amounts owed or the credit past a safe integer', () => {
    const big = Number.MAX_SAFE_INTEGER - 10;
    const error = spec.given([posted('inv-1', big)]).when(post('inv-2', 11)).thenThrows(RuleViolationError, /the amounts owed by this account past 9007199254740991 minor units/);
    expect(error.details[0]).toMatchObject({ field: 'amount', rule: 'totalWithinLimit' });
    spec.given([posted('inv-1', big)]).when(post('inv-2', 10)).then([posted('inv-2', 10)]);
    spec.given([posted('inv-1', -big)]).when(post('inv-2', -11)).thenThrows(RuleViolationError, /this account's credit past/);
    spec.given([paid('pay-1', big, [], big)]).when(pay('pay-2', 11)).thenThrows(RuleViolationError, /this account's credit past/);
  });

  it('refuses a due date before the invoice date', () => {
    spec.given([]).when(post('inv-1', 100, { invoiceDate: '2025-02-01', dueDate: '2025-01-31' })).thenThrows(InvalidInputError, 'dueDate must be on or after invoiceDate 2025-02-01 (got 2025-01-31)');
  });

  it('refuses a command for another account', () => {
    const command = post('inv-2', 100);
    const error = spec.given([posted('inv-1', 100)]).when({ ...command, data: { ...command.data, accountId: 'acct-2' } }).thenThrows(ConflictError);
    expect(error.details[0]).toMatchObject({ field: 'accountId', rule: 'sameAccount' });
  });
});

describe('RecordPayment', () => {
  const older = posted('inv-older', 6000, { invoiceDate: '2025-01-01' });
  const newer = posted('inv-newer', 15000, { invoiceDate: '2025-02-01' });

  it("applies Aria's 175.00 as 60.00 and 115.00, oldest first", () => {
    spec
      .given([newer, older])
      .when(pay('pay-1', 17500))
      .then([paid('pay-1', 17500, [{ invoiceId: 'inv-older', amount: 6000 }, { invoiceId: 'inv-newer', amount: 11500 }], 0)]);
  });

  it('pays a named invoice first, then by the method; the rest is credit', () => {
    spec
      .given([older, newer])
      .when(pay('pay-1', 25000, { invoiceId: 'inv-newer', reference: 'chk 1042' }))
      .then([
        paid('pay-1', 25000, [{ invoiceId: 'inv-newer', amount: 15000 }, { invoiceId: 'inv-older', amount: 6000 }], 4000, {
          invoiceId: 'inv-newer',
          reference: 'chk 1042',
        }),
      ]);
  });

  it('records a payment by payment method, with nothing owed, as credit (and sets the currency)', () => {
    spec
      .given([])
      .when(pay('pay-1', 500, { source: 'paymentMethod', paymentMethodId: 'pm-1', currency: 'JPY', applicationMethod: 'fdfo' }))
      .then([paid('pay-1', 500, [], 500, { source: 'paymentMethod', paymentMethodId: 'pm-1', currency: 'JPY', applicationMethod: 'fdfo' })]);
  });

  it('decides nothing for the same payment again, even on another day or with another method', () => {
    spec.given([older, paid('pay-1', 6000, [{ invoiceId: 'inv-older', amount: 6000 }], 0)]).when(pay('pay-1', 6000, { businessDate: '2025-03-02', applicationMethod: 'fdfo' })).then([]);
  });

  it('refuses the same paymentId with another amount or reference', () => {
    spec.given([paid('pay-1', 6000, [], 6000)]).when(pay('pay-1', 6001, { reference: 'x' })).thenThrows(ConflictError, /payment pay-1 already exists with a different amount, reference/);
  });

  it('refuses a paymentId already recorded as failed', () => {
    spec.given([failed('pay-1', 6000)]).when(pay('pay-1', 6000)).thenThrows(ConflictError, /pay-1 was already recorded as failed/);
  });

  it('refuses an unknown named invoice', () => {
    const error = spec.given([older]).when(pay('pay-1', 100, { invoiceId: 'inv-x' })).thenThrows(NotFoundError, 'Invoice inv-x was not found');
    expect(error).toMatchObject({ entity: 'Invoice', id: 'inv-x' });
  });

  it('refuses another currency', () => {
    spec.given([older]).when(pay('pay-1', 100, { currency: 'EUR' })).thenThrows(RuleViolationError, /currency must be USD, the currency of this account's receivables \(got EUR\)/);
  });

  it.each([0, -100, 1.5, Number.MAX_SAFE_INTEGER + 1, '100' as unknown as number])('refuses the amount %p', (amount) => {
    const error = spec.given([]).when(pay('pay-1', amount)).thenThrows(InvalidInputError, /amount must be a positive whole number of minor units/);
    expect(error.details[0]).toMatchObject({ field: 'amount', rule: 'positiveMinorUnits' });
  });

  it('requires the payment method when the source is paymentMethod', () => {
    expect(invalid([], pay('pay-1', 100, { source: 'paymentMethod' }))).toEqual([['paymentMethodId', 'required']]);
  });

  it('refuses malformed fields, all at once', () => {
    expect(invalid([], pay('', 100, { source: 'cash' as 'external', applicationMethod: 'lifo' as 'fifo', businessDate: '2025-13-01' }))).toEqual([
      ['paymentId', 'id'],
      ['source', 'oneOf'],
      ['applicationMethod', 'oneOf'],
      ['businessDate', 'isoDate'],
    ]);
  });
});

describe('RecordPaymentFailure', () => {
  it('records the failure; no money moves', () => {
    spec.given([posted('inv-1', 6000)]).when(fail('pay-1', 6000, { reason: 'insufficient funds', retryable: true })).then([failed('pay-1', 6000, { reason: 'insufficient funds', retryable: true })]);
  });

  it('decides nothing for the same failure again', () => {
    spec.given([failed('pay-1', 6000)]).when(fail('pay-1', 6000)).then([]);
  });

  it('refuses the same paymentId with another failure or after success', () => {
    spec.given([failed('pay-1', 6000)]).when(fail('pay-1', 6000, { retryable: true })).thenThrows(ConflictError, /different retryable/);
    spec.given([paid('pay-1', 6000, [], 6000)]).when(fail('pay-1', 6000)).thenThrows(ConflictError, /already recorded as succeeded/);
  });

  it('refuses another currency, a non-positive amount, a blank reason and a non-boolean retryable', () => {
    spec.given([posted('inv-1', 6000)]).when(fail('pay-1', 6000, { currency: 'GBP' })).thenThrows(RuleViolationError, /currency must be USD/);
    expect(invalid([], fail('pay-1', 0, { reason: ' ', retryable: 'yes' as unknown as boolean }))).toEqual([
      ['amount', 'positiveMinorUnits'],
      ['reason', 'notBlank'],
      ['retryable', 'boolean'],
    ]);
  });
});
