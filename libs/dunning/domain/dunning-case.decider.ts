import { CalendarDate } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { RuleViolationError } from '../../shared-kernel/errors';
import { deterministicUuid, ID_PATTERN } from '../../shared-kernel/ids';
import { streamName } from '../../shared-kernel/streams';
import { lateFeeAmount, nearestStep, stepDate } from './case-rules';
import { DunningCaseCommand, DunningFacts, ProcessVersion } from './dunning-case.commands';
import { DunningActionTaken, DunningCaseEvent, DunningMigrated, DunningResolved, DunningStarted, DunningStepAdvanced } from './dunning-case.events';
import { DunningStep } from './dunning-process';

export interface OpenCase {
  caseId: string;
  processId: string;
  processVersion: number;
  steps: DunningStep[];
  planInstanceId: string | null;
  dueDate: CalendarDate;
  currency: string;
  nextStep: number | null;
  nextStepDate: CalendarDate | null;
  lastStepDate: CalendarDate | null;
  /** Steps taken so far: a migration may take a step number again, so ids derive from this count, not the number. */
  taken: number;
  /** What dunning changed, once each: restored when the case ends. */
  statusesSet: { target: 'account' | 'planInstance'; targetId: string }[];
}

export interface DunningCaseState {
  casesStarted: number;
  open: OpenCase | null;
}

export const initialDunningCaseState: DunningCaseState = { casesStarted: 0, open: null };

/** Above the threshold that admits an account, dunning goes on; at or below it, the case is settled. */
function owesAboveThreshold(facts: DunningFacts): boolean {
  return facts.currency !== null && facts.pastDue > facts.threshold;
}

function resolved(accountId: string, open: OpenCase, date: CalendarDate, reason: DunningResolved['data']['reason']): DunningResolved {
  return { type: 'DunningResolved', data: { accountId, caseId: open.caseId, resolvedOn: date, reason, statusesSet: open.statusesSet } };
}

/**
 * An id that says what it is (`fee:<caseId>:<n>:<i>`) while it fits ids' 64 characters; a long account id makes it a
 * UUID of the same parts after the prefix, still the same every time.
 */
export function actionId(prefix: string, ...parts: string[]): string {
  const legible = [prefix, ...parts].join(':');
  return ID_PATTERN.test(legible) ? legible : `${prefix}:${deterministicUuid(...parts)}`;
}

/** What each action of a step does today; ids derive from the case and step, so a repeat is recognised downstream. */
function actionsOf(step: DunningStep, ordinal: number, accountId: string, open: OpenCase, facts: DunningFacts): DunningActionTaken[] {
  const n = String(ordinal);
  return step.actions.flatMap((action, index): DunningActionTaken[] => {
    switch (action.type) {
      case 'retryCollection':
        return [{ type: 'retryCollection', paymentId: actionId('dun', open.caseId, n) }];
      case 'notify':
        return [{ type: 'notify', template: action.template, emailId: actionId('dun', open.caseId, n, String(index)) }];
      case 'lateFee': {
        const amount = lateFeeAmount(action, facts.pastDueCharges, open.currency);
        const fee = { flat: action.flat ?? null, percent: action.percent ?? null, basis: facts.pastDueCharges };
        return [{ type: 'lateFee', feeId: actionId('fee', open.caseId, n, String(index)), amount, currency: open.currency, ...fee }];
      }
      case 'setStatus': {
        const targetId = action.target === 'account' ? accountId : open.planInstanceId;
        // A pool's invoice has no plan instance: there is nothing to set.
        return targetId === null ? [] : [{ type: 'setStatus', target: action.target, targetId, status: action.status }];
      }
      default:
        return assertNever(action);
    }
  });
}

function takeStep(accountId: string, open: OpenCase, stepNumber: number, date: CalendarDate, facts: DunningFacts): DunningStepAdvanced {
  const index = stepNumber - 1;
  const next = stepNumber < open.steps.length ? stepNumber + 1 : null;
  return {
    type: 'DunningStepAdvanced',
    data: {
      accountId,
      caseId: open.caseId,
      processId: open.processId,
      processVersion: open.processVersion,
      step: stepNumber,
      ordinal: open.taken + 1,
      date,
      actions: actionsOf(open.steps[index], open.taken + 1, accountId, open, facts),
      currency: open.currency,
      pastDue: facts.pastDue,
      nextStep: next,
      nextStepDate: next === null ? null : stepDate(open.steps, next - 1, open.dueDate, date),
    },
  };
}

function migrated(accountId: string, open: OpenCase, process: ProcessVersion, date: CalendarDate, reason: DunningMigrated['data']['reason']): DunningMigrated {
  const nextStep = open.nextStep === null ? null : nearestStep(open.nextStep, process.steps.length);
  return {
    type: 'DunningMigrated',
    data: {
      accountId,
      caseId: open.caseId,
      processId: process.processId,
      processVersion: process.version,
      steps: process.steps,
      reason,
      nextStep,
      nextStepDate: nextStep === null ? null : stepDate(process.steps, nextStep - 1, open.dueDate, open.lastStepDate),
      migratedOn: date,
    },
  };
}

function openCase(state: DunningCaseState): OpenCase {
  if (!state.open) throw new RuleViolationError('the account is not in dunning', [{ field: 'accountId', rule: 'inDunning', message: 'the account is not in dunning' }]);
  return state.open;
}

/**
 * One account's dunning (DOMAIN.md §9). The handler reads the facts (the ledger's past-due balance, the threshold,
 * the process that applies) and the decider decides: enter, take a step, move to another process, or end. A step
 * is taken once: a timer that fires again, or late, for a step already taken decides nothing.
 */
export const dunningCaseDecider: Decider<DunningCaseCommand, DunningCaseEvent, DunningCaseState> = {
  initialState: initialDunningCaseState,
  decide(command, state) {
    switch (command.type) {
      case 'CheckDunning': {
        const { accountId, date, facts, process } = command.data;
        if (state.open || !facts.oldestPastDue || !owesAboveThreshold(facts) || !process || process.steps.length === 0) return [];
        const { invoiceId, dueDate, planInstanceId } = facts.oldestPastDue;
        const started: DunningStarted = {
          type: 'DunningStarted',
          data: {
            accountId,
            caseId: `${accountId}:${state.casesStarted + 1}`,
            processId: process.processId,
            processVersion: process.version,
            steps: process.steps,
            planInstanceId,
            invoiceId,
            dueDate,
            currency: facts.currency as string,
            pastDue: facts.pastDue,
            threshold: facts.threshold,
            startedOn: date,
            nextStep: 1,
            nextStepDate: stepDate(process.steps, 0, dueDate, null),
          },
        };
        return [started];
      }
      case 'TakeDunningStep': {
        const { accountId, caseId, step, date, facts, process } = command.data;
        const open = state.open;
        // A timer of another schedule (before a migration moved the step's date) decides nothing.
        if (!open || open.caseId !== caseId || open.nextStep !== step || open.nextStepDate === null || date < open.nextStepDate) return [];
        if (!owesAboveThreshold(facts)) return [resolved(accountId, open, date, 'paid')];
        if (process && process.processId !== open.processId) {
          const switched = migrated(accountId, open, process, date, 'planSwitch');
          const after = evolveCase(open, switched);
          return after.nextStep === null ? [switched] : [switched, takeStep(accountId, after, after.nextStep, date, facts)];
        }
        return [takeStep(accountId, open, step, date, facts)];
      }
      case 'ReviewDunning': {
        const { accountId, date, facts } = command.data;
        if (!state.open || owesAboveThreshold(facts)) return [];
        return [resolved(accountId, state.open, date, 'paid')];
      }
      case 'MigrateDunning': {
        const { accountId, date, process } = command.data;
        const open = openCase(state);
        if (open.processId === process.processId && open.processVersion === process.version) return [];
        return [migrated(accountId, open, process, date, 'operator')];
      }
      case 'EndDunning': {
        const { accountId, date } = command.data;
        return [resolved(accountId, openCase(state), date, 'operator')];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DunningStarted': {
        const { caseId, processId, processVersion, steps, planInstanceId, dueDate, currency, nextStep, nextStepDate } = event.data;
        const open: OpenCase = { caseId, processId, processVersion, steps, planInstanceId, dueDate, currency, nextStep, nextStepDate, lastStepDate: null, taken: 0, statusesSet: [] };
        return { casesStarted: state.casesStarted + 1, open };
      }
      case 'DunningStepAdvanced':
      case 'DunningMigrated':
        return state.open ? { ...state, open: evolveCase(state.open, event) } : state;
      case 'DunningResolved':
        return { ...state, open: null };
      default:
        return assertNever(event);
    }
  },
};

function evolveCase(open: OpenCase, event: DunningStepAdvanced | DunningMigrated): OpenCase {
  if (event.type === 'DunningMigrated') {
    const { processId, processVersion, steps, nextStep, nextStepDate } = event.data;
    return { ...open, processId, processVersion, steps, nextStep, nextStepDate };
  }
  const { actions, date, nextStep, nextStepDate } = event.data;
  const statusesSet = [...open.statusesSet];
  for (const action of actions) {
    if (action.type !== 'setStatus') continue;
    if (!statusesSet.some((s) => s.target === action.target && s.targetId === action.targetId)) statusesSet.push({ target: action.target, targetId: action.targetId });
  }
  return { ...open, nextStep, nextStepDate, lastStepDate: date, taken: open.taken + 1, statusesSet };
}

export function dunningCaseStream(tenantId: string, accountId: string): string {
  return streamName('dunning', tenantId, accountId);
}
