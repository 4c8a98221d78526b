import { fold } from '../../shared-kernel/decider';
import { RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { lateFeeAmount, nearestStep, stepDate } from './case-rules';
import { DunningFacts, ProcessVersion } from './dunning-case.commands';
import { dunningCaseDecider } from './dunning-case.decider';
import { DunningCaseEvent } from './dunning-case.events';
import { DunningStep } from './dunning-process';

const spec = specFor(dunningCaseDecider);
const A = 'acct-1';
const CASE = 'acct-1:1';

// DOMAIN.md §9's example: +3 days (retry, email "reminder"), +10 (late fee 5%, suspended, email), +20 (terminated).
const STEPS: DunningStep[] = [
  { days: 3, from: 'dueDate', actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'reminder' }] },
  {
    days: 10,
    from: 'dueDate',
    actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }, { type: 'notify', template: 'reminder' }],
  },
  { days: 20, from: 'dueDate', actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] },
];
const PROCESS: ProcessVersion = { processId: 'standard', version: 1, steps: STEPS };

function facts(pastDue: number, extra: Partial<DunningFacts> = {}): DunningFacts {
  return { currency: 'USD', pastDue, pastDueCharges: pastDue, threshold: 0, oldestPastDue: { invoiceId: 'inv-1', dueDate: '2025-03-01', planInstanceId: 'pi-1' }, ...extra };
}

const started: DunningCaseEvent = {
  type: 'DunningStarted',
  data: {
    accountId: A,
    caseId: CASE,
    processId: 'standard',
    processVersion: 1,
    steps: STEPS,
    planInstanceId: 'pi-1',
    invoiceId: 'inv-1',
    dueDate: '2025-03-01',
    currency: 'USD',
    pastDue: 10000,
    threshold: 0,
    startedOn: '2025-03-02',
    nextStep: 1,
    nextStepDate: '2025-03-04',
  },
};

const step1: DunningCaseEvent = {
  type: 'DunningStepAdvanced',
  data: {
    accountId: A,
    caseId: CASE,
    processId: 'standard',
    processVersion: 1,
    step: 1,
    ordinal: 1,
    date: '2025-03-04',
    actions: [
      { type: 'retryCollection', paymentId: 'dun:acct-1:1:1' },
      { type: 'notify', template: 'reminder', emailId: 'dun:acct-1:1:1:1' },
    ],
    currency: 'USD',
    pastDue: 10000,
    nextStep: 2,
    nextStepDate: '2025-03-11',
  },
};

const step2: DunningCaseEvent = {
  type: 'DunningStepAdvanced',
  data: {
    accountId: A,
    caseId: CASE,
    processId: 'standard',
    processVersion: 1,
    step: 2,
    ordinal: 2,
    date: '2025-03-11',
    actions: [
      { type: 'lateFee', feeId: 'fee:acct-1:1:2:0', amount: 500, currency: 'USD', flat: null, percent: '5', basis: 10000 },
      { type: 'setStatus', target: 'account', targetId: A, status: 'suspended' },
      { type: 'notify', template: 'reminder', emailId: 'dun:acct-1:1:2:2' },
    ],
    currency: 'USD',
    pastDue: 10000,
    nextStep: 3,
    nextStepDate: '2025-03-21',
  },
};

const take = (step: number, date: string, f: DunningFacts, process: ProcessVersion | null = PROCESS) => ({
  type: 'TakeDunningStep' as const,
  data: { accountId: A, caseId: CASE, step, date, facts: f, process },
});

describe('Dunning case decider (DOMAIN.md §9)', () => {
  it("the worked example: 100.00 due 2025-03-01 enters on 03-02; retry and email on 03-04; fee 5.00 and suspension on 03-11; termination on 03-21", () => {
    spec.given([]).when({ type: 'CheckDunning', data: { accountId: A, date: '2025-03-02', facts: facts(10000), process: PROCESS } }).then([started]);
    spec.given([started]).when(take(1, '2025-03-04', facts(10000))).then([step1]);
    spec.given([started, step1]).when(take(2, '2025-03-11', facts(10000))).then([step2]);
    const [last] = spec.given([started, step1, step2]).when(take(3, '2025-03-21', facts(10500, { pastDueCharges: 10000 }))).then([
      {
        type: 'DunningStepAdvanced',
        data: {
          accountId: A,
          caseId: CASE,
          processId: 'standard',
          processVersion: 1,
          step: 3,
          ordinal: 3,
          date: '2025-03-21',
          actions: [{ type: 'setStatus', target: 'account', targetId: A, status: 'terminated' }],
          currency: 'USD',
          pastDue: 10500,
          nextStep: null,
          nextStepDate: null,
        },
      },
    ]);
    // After the last step the case stays open until paid.
    expect(fold(dunningCaseDecider, [started, step1, step2, last]).open).toMatchObject({ nextStep: null, statusesSet: [{ target: 'account', targetId: A }] });
  });

  it('the variant: paid in full on 2025-03-12, the next daily run ends dunning and names the statuses to restore', () => {
    spec.given([started, step1, step2]).when({ type: 'ReviewDunning', data: { accountId: A, date: '2025-03-13', facts: facts(0) } }).then([
      { type: 'DunningResolved', data: { accountId: A, caseId: CASE, resolvedOn: '2025-03-13', reason: 'paid', statusesSet: [{ target: 'account', targetId: A }] } },
    ]);
    // Still owing: the review decides nothing; and a step timer of a paid case ends it instead of acting.
    spec.given([started, step1, step2]).when({ type: 'ReviewDunning', data: { accountId: A, date: '2025-03-13', facts: facts(500) } }).then([]);
    spec.given([started, step1, step2]).when(take(3, '2025-03-21', facts(0))).then([
      { type: 'DunningResolved', data: { accountId: A, caseId: CASE, resolvedOn: '2025-03-21', reason: 'paid', statusesSet: [{ target: 'account', targetId: A }] } },
    ]);
  });

  it('thresholds: a past-due balance at or below the threshold never enters; no past-due recurring invoice or no process: nothing', () => {
    const check = (f: DunningFacts, process: ProcessVersion | null = PROCESS) => ({ type: 'CheckDunning' as const, data: { accountId: A, date: '2025-03-02', facts: f, process } });
    spec.given([]).when(check(facts(1000, { threshold: 1000 }))).then([]);
    spec.given([]).when(check(facts(999, { threshold: 1000 }))).then([]);
    expect(spec.given([]).when(check(facts(1001, { threshold: 1000 }))).then([{ ...started, data: { ...started.data, pastDue: 1001, threshold: 1000 } }])).toHaveLength(1);
    spec.given([]).when(check(facts(10000, { oldestPastDue: null }))).then([]);
    spec.given([]).when(check(facts(10000), null)).then([]);
    // Already in dunning: a second check starts nothing.
    spec.given([started]).when(check(facts(20000))).then([]);
  });

  it('takes each step once: a repeated or stale timer decides nothing', () => {
    spec.given([started, step1]).when(take(1, '2025-03-04', facts(10000))).then([]);
    spec.given([started, step1]).when({ ...take(2, '2025-03-11', facts(10000)), data: { ...take(2, '2025-03-11', facts(10000)).data, caseId: 'acct-1:0' } }).then([]);
    spec.given([]).when(take(1, '2025-03-04', facts(10000))).then([]);
  });

  it('the percentage late-fee rule: 10% then 20% of 100.00 add 10.00 and 20.00 (110.00, then 130.00), never a fee on a fee', () => {
    const steps: DunningStep[] = [
      { days: 1, from: 'dueDate', actions: [{ type: 'lateFee', percent: '10' }] },
      { days: 2, from: 'previousStep', actions: [{ type: 'lateFee', percent: '20' }] },
    ];
    const process = { processId: 'fees', version: 1, steps };
    const [start] = spec.given([]).when({ type: 'CheckDunning', data: { accountId: A, date: '2025-03-02', facts: facts(10000), process } }).then([
      { ...started, data: { ...started.data, processId: 'fees', steps, nextStepDate: '2025-03-02' } },
    ]);
    const [first] = dunningCaseDecider.decide({ ...take(1, '2025-03-02', facts(10000), process) }, fold(dunningCaseDecider, [start]));
    expect(first).toMatchObject({ data: { actions: [{ type: 'lateFee', amount: 1000, basis: 10000 }], nextStepDate: '2025-03-04' } });
    // Past due now 110.00, of which 100.00 are charges: the 20% is of the charges alone.
    const [second] = dunningCaseDecider.decide(take(2, '2025-03-04', facts(11000, { pastDueCharges: 10000 }), process), fold(dunningCaseDecider, [start, first]));
    expect(second).toMatchObject({ data: { actions: [{ type: 'lateFee', amount: 2000, basis: 10000 }] } });
    expect(10000 + 1000 + 2000).toBe(13000);
  });

  it('late fees round once to the currency: flat in major units, percent half away from zero; JPY has no minor digits', () => {
    expect(lateFeeAmount({ flat: '5.00' }, 0, 'USD')).toBe(500);
    expect(lateFeeAmount({ percent: '5' }, 333, 'USD')).toBe(17); // 16.65 cents
    expect(lateFeeAmount({ percent: '2.5' }, 1001, 'JPY')).toBe(25); // 25.025 yen
    expect(lateFeeAmount({ flat: '500' }, 0, 'JPY')).toBe(500);
  });

  it('step dates count from the due date, or from the date the previous step was taken', () => {
    const steps: DunningStep[] = [
      { days: 3, from: 'previousStep', actions: [{ type: 'retryCollection' }] },
      { days: 4, from: 'previousStep', actions: [{ type: 'retryCollection' }] },
      { days: 30, from: 'dueDate', actions: [{ type: 'retryCollection' }] },
    ];
    expect(stepDate(steps, 0, '2025-03-01', null)).toBe('2025-03-04');
    expect(stepDate(steps, 1, '2025-03-01', '2025-03-05')).toBe('2025-03-09');
    expect(stepDate(steps, 2, '2025-03-01', '2025-03-09')).toBe('2025-03-31');
  });

  it('better than the seeds: after a plan switch to a process with fewer steps, the case goes on at the nearest remaining step', () => {
    const short: ProcessVersion = { processId: 'short', version: 4, steps: [STEPS[0], STEPS[2]] };
    const events = spec.given([started, step1, step2]).when(take(3, '2025-03-21', facts(10000), short)).then([
      {
        type: 'DunningMigrated',
        data: { accountId: A, caseId: CASE, processId: 'short', processVersion: 4, steps: short.steps, reason: 'planSwitch', nextStep: 2, nextStepDate: '2025-03-21', migratedOn: '2025-03-21' },
      },
      {
        type: 'DunningStepAdvanced',
        data: {
          accountId: A,
          caseId: CASE,
          processId: 'short',
          processVersion: 4,
          step: 2,
          ordinal: 3,
          date: '2025-03-21',
          actions: [{ type: 'setStatus', target: 'account', targetId: A, status: 'terminated' }],
          currency: 'USD',
          pastDue: 10000,
          nextStep: null,
          nextStepDate: null,
        },
      },
    ]);
    expect(events).toHaveLength(2);
    expect(nearestStep(5, 2)).toBe(2);
    expect(nearestStep(1, 3)).toBe(1);
    expect(nearestStep(1, 0)).toBeNull();
  });

  it('versions: a case finishes the version it started, unless an operator migrates it; an operator may end it', () => {
    const v2: ProcessVersion = { processId: 'standard', version: 2, steps: [STEPS[0], { ...STEPS[1], days: 12 }] };
    // The same process in a newer version at step time: the case keeps its own version's steps.
    spec.given([started, step1]).when(take(2, '2025-03-11', facts(10000), v2)).then([step2]);
    spec.given([started, step1]).when({ type: 'MigrateDunning', data: { accountId: A, date: '2025-03-05', process: v2 } }).then([
      {
        type: 'DunningMigrated',
        data: { accountId: A, caseId: CASE, processId: 'standard', processVersion: 2, steps: v2.steps, reason: 'operator', nextStep: 2, nextStepDate: '2025-03-13', migratedOn: '2025-03-05' },
      },
    ]);
    spec.given([started]).when({ type: 'MigrateDunning', data: { accountId: A, date: '2025-03-05', process: PROCESS } }).then([]);
    spec.given([]).when({ type: 'MigrateDunning', data: { accountId: A, date: '2025-03-05', process: v2 } }).thenThrows(RuleViolationError, /not in dunning/);
    spec.given([started]).when({ type: 'EndDunning', data: { accountId: A, date: '2025-03-05' } }).then([
      { type: 'DunningResolved', data: { accountId: A, caseId: CASE, resolvedOn: '2025-03-05', reason: 'operator', statusesSet: [] } },
    ]);
  });

  it('action ids stay valid ids (at most 64 characters) for the longest account ids', () => {
    const long = 'a'.repeat(64);
    const [first] = dunningCaseDecider.decide(
      { type: 'CheckDunning', data: { accountId: long, date: '2025-03-02', facts: facts(10000), process: PROCESS } },
      fold(dunningCaseDecider, []),
    );
    const [step] = dunningCaseDecider.decide({ type: 'TakeDunningStep', data: { accountId: long, caseId: `${long}:1`, step: 1, date: '2025-03-04', facts: facts(10000), process: PROCESS } }, fold(dunningCaseDecider, [first]));
    const ids = (step.data as { actions: { paymentId?: string; emailId?: string }[] }).actions.map((a) => a.paymentId ?? a.emailId ?? '');
    expect(ids).toEqual([expect.stringMatching(/^dun:[0-9a-f-]{36}$/), expect.stringMatching(/^dun:[0-9a-f-]{36}$/)]);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('a second case after the first ended has its own id', () => {
    const ended: DunningCaseEvent = { type: 'DunningResolved', data: { accountId: A, caseId: CASE, resolvedOn: '2025-03-13', reason: 'paid', statusesSet: [] } };
    const [again] = dunningCaseDecider.decide({ type: 'CheckDunning', data: { accountId: A, date: '2025-04-02', facts: facts(10000), process: PROCESS } }, fold(dunningCaseDecider, [started, ended]));
    expect(again).toMatchObject({ type: 'DunningStarted', data: { caseId: 'acct-1:2' } });
  });
});
