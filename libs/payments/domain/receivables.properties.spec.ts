import fc from 'fast-check';
import { addDays } from '../../shared-kernel/calendar-date';
import { fold } from '../../shared-kernel/decider';
import { DomainError } from '../../shared-kernel/errors';
import { ApplicationMethod } from './application';
import { accountBalance, invoiceBalances } from './balances';
import { ledger } from './ledger';
import { ReceivablesCommand } from './receivables.commands';
import { receivablesDecider } from './receivables.decider';
import { ReceivablesEvent } from './receivables.events';
import { ReceivablesState } from './receivables.state';
import { fail, memo, pay, post, refund, reverse, writeOff } from './testing/receivables-fixtures';

/**
 * Random histories of one receivables ledger: receivables (some credit-only, some installments), payments (some
 * naming an invoice), failures, credit memos on invoices and on the account, write-offs, refunds, reversals and
 * repeats of earlier commands, on non-decreasing business dates, by random methods. Refused commands are skipped
 * (only DomainErrors may be thrown). After every step the money invariants hold.
 */

const START = '2025-01-01';
const methodArb = fc.constantFrom<ApplicationMethod>('fifo', 'fdfo', 'statementFifo');
const pick = fc.nat({ max: 50 }); // an index into what exists, modulo its size

type Step =
  | { kind: 'post'; amount: number; dueIn: number; installment: boolean; method: ApplicationMethod }
  | { kind: 'pay'; amount: number; target: number | null; method: ApplicationMethod }
  | { kind: 'fail'; amount: number }
  | { kind: 'memo'; amount: number; target: number | null; method: ApplicationMethod }
  | { kind: 'writeOff'; target: number; amount: number | null }
  | { kind: 'refund'; payment: number; amount: number }
  | { kind: 'reverse'; payment: number }
  | { kind: 'repeat'; which: number };

const amountArb = fc.oneof(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 30_000 }));

const stepArb: fc.Arbitrary<{ gap: number; step: Step }> = fc.record({
  gap: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 40 })),
  step: fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('post' as const), amount: fc.oneof({ weight: 5, arbitrary: amountArb }, { weight: 1, arbitrary: fc.integer({ min: -5_000, max: 0 }) }), dueIn: fc.integer({ min: 0, max: 60 }), installment: fc.boolean(), method: methodArb }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('pay' as const), amount: amountArb, target: fc.option(pick), method: methodArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), amount: amountArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('memo' as const), amount: amountArb, target: fc.option(pick), method: methodArb }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('writeOff' as const), target: pick, amount: fc.option(amountArb) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('refund' as const), payment: pick, amount: amountArb }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('reverse' as const), payment: pick }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), which: pick }) },
  ),
});

const historyArb = fc.array(stepArb, { minLength: 1, maxLength: 40, size: 'max' });

interface Run {
  commands: ReceivablesCommand[];
  events: ReceivablesEvent[];
  state: ReceivablesState;
  /** State after each decided command, to check every step. */
  snapshots: { state: ReceivablesState; eventCount: number; businessDate: string }[];
}

function toCommand(step: Step, n: number, today: string, state: ReceivablesState, issued: ReceivablesCommand[]): ReceivablesCommand | null {
  const invoices = [...state.items.keys()];
  const payments = [...state.payments.keys()];
  const at = <T>(list: T[], index: number | null): T | undefined => (index === null || list.length === 0 ? undefined : list[index % list.length]);
  switch (step.kind) {
    case 'post':
      return post(`inv-${n}`, step.amount, { invoiceDate: today, dueDate: addDays(today, step.dueIn), kind: step.installment ? 'installment' : 'charge', applicationMethod: step.method, businessDate: today });
    case 'pay':
      return pay(`pay-${n}`, step.amount, { invoiceId: at(invoices, step.target) ?? null, applicationMethod: step.method, businessDate: today });
    case 'fail':
      return fail(`pay-${n}`, step.amount, { businessDate: today });
    case 'memo':
      return memo(`cm-${n}`, step.amount, { invoiceId: at(invoices, step.target) ?? null, applicationMethod: step.method, currency: 'USD', businessDate: today });
    case 'writeOff': {
      const invoiceId = at(invoices, step.target);
      return invoiceId === undefined ? null : writeOff(`wo-${n}`, invoiceId, { amount: step.amount, businessDate: today });
    }
    case 'refund': {
      const paymentId = at(payments, step.payment);
      return paymentId === undefined ? null : refund(`rf-${n}`, paymentId, step.amount, { businessDate: today });
    }
    case 'reverse': {
      const paymentId = at(payments, step.payment);
      return paymentId === undefined ? null : reverse(`rv-${n}`, paymentId, { businessDate: today });
    }
    case 'repeat':
      return at(issued, step.which) ?? null;
  }
}

function runHistory(history: { gap: number; step: Step }[], checkEachStep: (state: ReceivablesState, command: ReceivablesCommand, events: ReceivablesEvent[]) => void = () => undefined): Run {
  let state = receivablesDecider.initialState;
  let today = START;
  const commands: ReceivablesCommand[] = [];
  const events: ReceivablesEvent[] = [];
  const snapshots: Run['snapshots'] = [];
  history.forEach(({ gap, step }, n) => {
    today = addDays(today, gap);
    const command = toCommand(step, n, today, state, commands);
    if (command === null) return;
    let decided: ReceivablesEvent[];
    try {
      decided = receivablesDecider.decide(command, state);
    } catch (error: unknown) {
      if (!(error instanceof DomainError)) throw error;
      return;
    }
    checkEachStep(state, command, decided);
    commands.push(command);
    for (const event of decided) state = receivablesDecider.evolve(state, event);
    events.push(...decided);
    snapshots.push({ state, eventCount: events.length, businessDate: today });
  });
  return { commands, events, state, snapshots };
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

describe('receivables ledger properties', () => {
  it('the ledger always sums to the balance', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { events, snapshots } = runHistory(history);
        for (const { state, eventCount, businessDate } of snapshots) {
          const entries = ledger(events.slice(0, eventCount));
          const balance = accountBalance(state, businessDate).balance;
          expect(sum(entries.map((e) => e.amount))).toBe(balance);
          expect(entries.length === 0 ? 0 : entries[entries.length - 1].balanceAfter).toBe(balance);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('no item is ever settled beyond its amount, nothing is negative, credit is the sum of its lots', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const problems: string[] = [];
        runHistory(history).snapshots.forEach(({ state }, step) => {
          for (const item of state.items.values()) {
            const { invoiceId, amount, paid, credited, writtenOff, balance } = item;
            if (balance < 0 || balance > Math.max(amount, 0)) problems.push(`step ${step}: ${invoiceId} balance ${balance} of ${amount}`);
            if (balance !== Math.max(amount, 0) - paid - credited - writtenOff) problems.push(`step ${step}: ${invoiceId} parts do not add up`);
            if (paid < 0 || credited < 0 || writtenOff < 0) problems.push(`step ${step}: ${invoiceId} has a negative part`);
          }
          if (state.credit < 0) problems.push(`step ${step}: credit ${state.credit}`);
          if (state.creditLots.some((lot) => lot.remaining <= 0)) problems.push(`step ${step}: an empty credit lot`);
          if (sum(state.creditLots.map((lot) => lot.remaining)) !== state.credit) problems.push(`step ${step}: lots do not add up to the credit`);
        });
        expect(problems).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('money applied never exceeds money received plus credits: every minor unit is accounted for', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { events, state } = runHistory(history);
        const items = [...state.items.values()];
        const payments = [...state.payments.values()];
        const received = sum(payments.map((p) => p.amount - p.refunded - p.reversed));
        const memos = sum(events.flatMap((e) => (e.type === 'CreditMemoIssued' ? [e.data.amount] : [])));
        const creditInvoices = sum(items.map((i) => Math.max(-i.amount, 0)));
        const paid = sum(items.map((i) => i.paid));
        const credited = sum(items.map((i) => i.credited));
        expect(paid + credited).toBeLessThanOrEqual(received + memos + creditInvoices);
        expect(paid + credited + state.credit).toBe(received + memos + creditInvoices);
        const paymentCredit = sum(state.creditLots.filter((l) => l.sourceType === 'payment').map((l) => l.remaining));
        expect(paid + paymentCredit).toBe(received);
        for (const payment of payments) {
          const lot = state.creditLots.find((l) => l.sourceType === 'payment' && l.sourceId === payment.paymentId)?.remaining ?? 0;
          expect(sum(payment.applications.map((a) => a.amount)) + lot + payment.refunded + payment.reversed).toBe(payment.amount);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('folding the events equals the state built step by step', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { events, state } = runHistory(history);
        expect(fold(receivablesDecider, events)).toEqual(state);
      }),
      { numRuns: 150 },
    );
  });

  it('deciding a command twice on the same state gives the same events (a preview equals the commit)', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        runHistory(history, (state, command, events) => {
          expect(receivablesDecider.decide(command, state)).toStrictEqual(events);
        });
      }),
      { numRuns: 150 },
    );
  });

  it('a repeated command decides nothing once it has been applied', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { commands, state } = runHistory(history);
        for (const command of commands) expect(receivablesDecider.decide(command, state)).toEqual([]);
      }),
      { numRuns: 150 },
    );
  });

  it('the events alone rebuild every invoice balance (a projection needs no rules)', () => {
    fc.assert(
      fc.property(historyArb, (history) => {
        const { events, state } = runHistory(history);
        expect(projectBalances(events)).toEqual(new Map(invoiceBalances(state).map((i) => [i.invoiceId, i.balance])));
      }),
      { numRuns: 150 },
    );
  });
});

/** A projection as the read model would write it: only the amounts the events carry. */
function projectBalances(events: readonly ReceivablesEvent[]): Map<string, number> {
  const balances = new Map<string, number>();
  const move = (invoiceId: string, amount: number): void => {
    balances.set(invoiceId, (balances.get(invoiceId) ?? 0) + amount);
  };
  for (const event of events) {
    switch (event.type) {
      case 'ReceivablePosted':
        balances.set(event.data.invoiceId, Math.max(event.data.amount, 0));
        break;
      case 'PaymentRecorded':
      case 'CreditApplied':
      case 'CreditMemoIssued':
        for (const a of event.data.applications) move(a.invoiceId, -a.amount);
        break;
      case 'InvoiceWrittenOff':
        move(event.data.invoiceId, -event.data.amount);
        break;
      case 'PaymentRefunded':
      case 'PaymentReversed':
        for (const a of event.data.unapplications) move(a.invoiceId, a.amount);
        break;
      case 'PaymentFailed':
        break;
    }
  }
  return balances;
}
