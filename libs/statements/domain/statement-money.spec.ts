import type { Invoice, InvoiceLine } from '../../plan-instances/domain/invoice';
import type { ReceivablesEvent } from '../../payments/domain';
import { AccountBalance, addToStatement, contributionsOf, emptyBalance, openStatement, postToBalance, Statement, statementDateFor } from './statement';
import { accountStatus, addMoney, addPostedCharge, moneyOf, outstanding, settleCharge, settleInstallment, statementStatus } from './statement-money';

const line = (amount: number, type: InvoiceLine['type'] = amount < 0 ? 'credit' : 'recurring'): InvoiceLine => ({
  type,
  planInstanceId: 'pi',
  serviceId: 'base',
  description: type,
  periodStart: '2019-02-10',
  periodEnd: '2019-03-09',
  quantity: '1',
  unitPrice: null,
  amount,
  prorated: false,
});

const invoice = (invoiceId: string, amount: number, invoiceDate: string, dueDate = invoiceDate): Invoice => ({
  invoiceId,
  accountId: 'aria',
  planInstanceId: 'pi',
  invoiceDate,
  dueDate,
  currency: 'USD',
  total: amount,
  lines: [line(amount)],
});

const base = { accountId: 'aria', currency: 'USD' };
const paid = (businessDate: string, amount: number, applications: Array<[string, number]>): ReceivablesEvent => ({
  type: 'PaymentRecorded',
  data: {
    ...base,
    paymentId: `p-${businessDate}`,
    amount,
    source: 'external',
    reference: null,
    paymentMethodId: null,
    invoiceId: null,
    applicationMethod: 'fifo',
    applications: applications.map(([invoiceId, a]) => ({ invoiceId, amount: a })),
    unapplied: amount - applications.reduce((sum, [, a]) => sum + a, 0),
    businessDate,
  },
});
const credited = (businessDate: string, invoiceId: string, amount: number): ReceivablesEvent => ({
  type: 'CreditMemoIssued',
  data: { ...base, creditMemoId: 'cm', amount, invoiceId, applicationMethod: null, applications: [{ invoiceId, amount }], unapplied: 0, reason: 'outage', actor: 'jane', businessDate },
});
const writtenOff = (businessDate: string, invoiceId: string, amount: number): ReceivablesEvent => ({
  type: 'InvoiceWrittenOff',
  data: { accountId: 'aria', writeOffId: 'wo', invoiceId, amount, reason: 'goodwill', actor: 'jane', businessDate },
});
const refunded = (businessDate: string, amount: number, unapplications: Array<[string, number]>, fromCredit = 0): ReceivablesEvent => ({
  type: 'PaymentRefunded',
  data: { accountId: 'aria', refundId: 'r', paymentId: 'p', amount, fromCredit, unapplications: unapplications.map(([invoiceId, a]) => ({ invoiceId, amount: a })), reason: 'error', actor: 'jane', businessDate },
});

/** What the projector does, in memory: invoices join statements; money joins the latest; applications settle the statement carrying the invoice. */
function run(facts: Array<Invoice | ReceivablesEvent>): { statements: Map<string, Statement>; balance: AccountBalance } {
  const statements = new Map<string, Statement>();
  let balance = emptyBalance('aria', 'USD');
  for (const fact of facts) {
    if ('invoiceId' in fact) {
      for (const c of contributionsOf(fact)) {
        const date = statementDateFor(c.invoiceDate, balance.lastStatementDate);
        statements.set(date, addToStatement(statements.get(date) ?? openStatement(balance, date, 'USD'), c, date !== c.invoiceDate));
        balance = { ...postToBalance(balance, c.charges - c.credits), lastStatementDate: date };
      }
      continue;
    }
    const movement = moneyOf(fact);
    if (!movement) continue;
    const latest = balance.lastStatementDate;
    if (latest !== null) statements.set(latest, addMoney(statements.get(latest)!, movement.payments, movement.credits));
    for (const { invoiceId, amount } of movement.settlements) {
      const [date, statement] = [...statements].find(([, s]) => s.invoiceIds.includes(invoiceId))!;
      statements.set(date, settleCharge(statement, statement.lines.find((l) => l.invoiceId === invoiceId)!.dueDate, amount, movement.businessDate));
    }
    balance = postToBalance(balance, -(movement.payments + movement.credits));
  }
  return { statements, balance };
}

describe('statements: payments, credits, status (DOMAIN.md §8)', () => {
  it("Aria's example: 60.00 + 150.00 charged, 175.00 received: payments 17500, amountDue 3500, 35.00 of the 150.00 still owed", () => {
    const { statements, balance } = run([invoice('i60', 6000, '2019-02-15', '2019-02-10'), invoice('i150', 15000, '2019-02-15'), paid('2019-02-15', 17500, [['i60', 6000], ['i150', 11500]])]);
    const statement = statements.get('2019-02-15')!;
    expect(statement).toMatchObject({ openingBalance: 0, charges: 21000, payments: 17500, credits: 0, closingBalance: 3500, amountDue: 3500, dueDate: '2019-02-15', openCharges: [{ dueDate: '2019-02-15', amount: 3500 }] });
    expect(outstanding(statement)).toBe(3500);
    expect(balance.balance).toBe(3500);
    expect([statementStatus(statement, '2019-02-15'), statementStatus(statement, '2019-02-16')]).toEqual(['unpaid', 'late']);
  });

  // One invoice of 100.00 due 2024-01-15, then the facts; status read on 2024-03-01 unless said.
  it.each<[string, ReceivablesEvent[], Partial<Statement>, string]>([
    ['nothing received: owed past its due date', [], { payments: 0, closingBalance: 10000, dueDate: '2024-01-15' }, 'late'],
    ['paid in full on its due date', [paid('2024-01-15', 10000, [['i1', 10000]])], { payments: 10000, closingBalance: 0, amountDue: 0, dueDate: null }, 'paid'],
    ['paid in full after its due date', [paid('2024-01-20', 10000, [['i1', 10000]])], { payments: 10000, closingBalance: 0, dueDate: null, settledLate: true }, 'late_ok'],
    ['paid in part on time, the rest late', [paid('2024-01-10', 4000, [['i1', 4000]]), paid('2024-02-01', 6000, [['i1', 6000]])], { payments: 10000, closingBalance: 0 }, 'late_ok'],
    ['paid in part', [paid('2024-01-10', 4000, [['i1', 4000]])], { payments: 4000, closingBalance: 6000, amountDue: 6000, openCharges: [{ dueDate: '2024-01-15', amount: 6000 }] }, 'late'],
    ['overpaid: the rest is credit', [paid('2024-01-10', 12500, [['i1', 10000]])], { payments: 12500, closingBalance: -2500, amountDue: 0, dueDate: null }, 'paid'],
    ['credited in full (a credit memo) after its due date', [credited('2024-02-01', 'i1', 10000)], { payments: 0, credits: 10000, closingBalance: 0 }, 'late_ok'],
    ['credited in part, the rest written off, on time', [credited('2024-01-05', 'i1', 1000), writtenOff('2024-01-06', 'i1', 9000)], { credits: 10000, closingBalance: 0 }, 'paid'],
    ['paid, then part refunded: reopened', [paid('2024-01-10', 10000, [['i1', 10000]]), refunded('2024-01-12', 2000, [['i1', 2000]])], { payments: 8000, closingBalance: 2000, openCharges: [{ dueDate: '2024-01-15', amount: 2000 }] }, 'late'],
  ])('%s', (_, events, expected, status) => {
    const statement = run([invoice('i1', 10000, '2024-01-01', '2024-01-15'), ...events]).statements.get('2024-01-01')!;
    expect(statement).toMatchObject({ openingBalance: 0, charges: 10000, ...expected });
    // Signs hold whatever came: closing = opening + charges − payments − credits; never a negative amount due.
    expect(statement.closingBalance).toBe(statement.openingBalance + statement.charges - statement.payments - statement.credits);
    expect(statement.amountDue).toBe(Math.max(statement.closingBalance, 0));
    expect(statementStatus(statement, '2024-03-01')).toBe(status);
  });

  it("installment_due_paid (seed 002): everything due is paid and only installments not yet due are owed; an installment's own due date decides", () => {
    const base = run([invoice('i1', 10000, '2024-01-01', '2024-01-15')]).statements.get('2024-01-01')!;
    // An installment of 333.34 invoiced onto it, due 2024-02-10; the plan charge paid on time.
    const withInstallment = addPostedCharge(base, { dueDate: '2024-02-10', amount: 33334, installment: true });
    const chargePaid = settleCharge(withInstallment, '2024-01-15', 10000, '2024-01-14');
    expect(statementStatus(chargePaid, '2024-01-20')).toBe('installment_due_paid');
    expect(statementStatus(chargePaid, '2024-02-10')).toBe('unpaid'); // due today
    expect(statementStatus(chargePaid, '2024-02-11')).toBe('late');
    // The plan charge still owed before its due date: unpaid, not installment_due_paid.
    expect(statementStatus(withInstallment, '2024-01-10')).toBe('unpaid');
    // A fee or an order posted alone is not an installment.
    expect(statementStatus(settleCharge(addPostedCharge(base, { dueDate: '2024-02-10', amount: 500 }), '2024-01-15', 10000, '2024-01-14'), '2024-01-20')).toBe('unpaid');
    // The installment paid too: paid.
    const allPaid = settleInstallment(settleCharge(chargePaid, '2024-02-10', 33334, '2024-02-01'), 33334);
    expect(statementStatus(allPaid, '2024-02-20')).toBe('paid');
  });

  it('unpaid before its due date; a statement with no charges of its own is paid', () => {
    const { statements } = run([invoice('i1', 10000, '2024-01-01', '2024-01-15'), invoice('c1', -500, '2024-02-01')]);
    expect(statementStatus(statements.get('2024-01-01')!, '2024-01-15')).toBe('unpaid');
    expect(statementStatus(statements.get('2024-02-01')!, '2024-03-01')).toBe('paid');
  });

  it("money joins the latest statement; an application settles the earlier statement's charge; the next one opens with the balance", () => {
    const { statements, balance } = run([
      invoice('i1', 6000, '2024-01-01'),
      invoice('i2', 15000, '2024-02-01'),
      paid('2024-02-10', 17500, [['i1', 6000], ['i2', 11500]]),
      credited('2024-02-11', 'i2', 1000),
      refunded('2024-02-12', 500, [], 0),
      invoice('i3', 2000, '2024-03-01'),
    ]);
    const [january, february, march] = ['2024-01-01', '2024-02-01', '2024-03-01'].map((d) => statements.get(d)!);
    // January's figures are what it showed when it closed; its charge was paid late (due 2024-01-01, paid 2024-02-10).
    expect(january).toMatchObject({ charges: 6000, payments: 0, closingBalance: 6000, amountDue: 6000, openCharges: [], dueDate: null });
    expect(statementStatus(january, '2024-03-01')).toBe('late_ok');
    expect(february).toMatchObject({ openingBalance: 6000, charges: 15000, payments: 17000, credits: 1000, closingBalance: 3000, openCharges: [{ dueDate: '2024-02-01', amount: 2500 }] });
    expect(march).toMatchObject({ openingBalance: 3000, charges: 2000, closingBalance: 5000 });
    expect(balance.balance).toBe(5000);
  });

  it('reads the amounts each event carries: payments, credits, settlements; nothing for a posting, a failure', () => {
    expect(moneyOf(paid('2024-01-01', 500, [['i1', 300]]))).toEqual({ accountId: 'aria', currency: 'USD', businessDate: '2024-01-01', payments: 500, credits: 0, settlements: [{ invoiceId: 'i1', amount: 300 }] });
    expect(moneyOf(refunded('2024-01-02', 500, [['i1', 300]], 200))).toMatchObject({ payments: -500, credits: 0, settlements: [{ invoiceId: 'i1', amount: -300 }] });
    expect(moneyOf({ type: 'PaymentReversed', data: { accountId: 'aria', reversalId: 'v', paymentId: 'p', amount: 700, fromCredit: 0, unapplications: [{ invoiceId: 'i1', amount: 700 }], reason: 'returned', actor: 'bank-returns', businessDate: '2024-01-03' } })).toMatchObject({ payments: -700, settlements: [{ invoiceId: 'i1', amount: -700 }] });
    expect(moneyOf(writtenOff('2024-01-02', 'i1', 900))).toMatchObject({ payments: 0, credits: 900, settlements: [{ invoiceId: 'i1', amount: 900 }] });
    // Credit already held settles charges and moves no money.
    const applied: ReceivablesEvent = { type: 'CreditApplied', data: { accountId: 'aria', amount: 100, applicationMethod: 'fifo', applications: [{ invoiceId: 'i2', amount: 100, sourceType: 'invoice', sourceId: 'c1' }], businessDate: '2024-01-04' } };
    expect(moneyOf(applied)).toMatchObject({ payments: 0, credits: 0, settlements: [{ invoiceId: 'i2', amount: 100 }] });
    const posted: ReceivablesEvent = { type: 'ReceivablePosted', data: { accountId: 'aria', invoiceId: 'i1', invoiceNumber: null, invoiceDate: '2024-01-01', dueDate: '2024-01-01', currency: 'USD', amount: 100, kind: 'charge', businessDate: '2024-01-01' } };
    expect(moneyOf(posted)).toBeNull();
    expect(moneyOf({ type: 'PaymentFailed', data: { accountId: 'aria', paymentId: 'f', amount: 1, currency: 'USD', reason: 'declined', retryable: false, businessDate: '2024-01-01' } })).toBeNull();
  });

  it("an account's status now: paid when nothing is due, late after the due date, else unpaid", () => {
    expect(accountStatus(0, null, '2024-01-01')).toBe('paid');
    expect(accountStatus(-5, '2024-01-01', '2024-03-01')).toBe('paid');
    expect(accountStatus(100, '2024-01-15', '2024-01-15')).toBe('unpaid');
    expect(accountStatus(100, '2024-01-15', '2024-01-16')).toBe('late');
  });
});
