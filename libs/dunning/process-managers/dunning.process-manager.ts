import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager, ProcessManagerContext } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { ReadModelAt } from '../../platform/process-manager-runtime/read-model-at';
import { RECEIVABLE_ITEMS, ReceivableItemDoc } from '../../payments/read-model';
import { addDays, CalendarDate } from '../../shared-kernel/calendar-date';
import { deterministicUuid } from '../../shared-kernel/ids';
import { DunningActionTaken, DunningCaseEvent } from '../domain/dunning-case.events';
import { accountsInDunning, dunningCasesProjection } from '../read-model/dunning-cases.projection';

const PAGE = 1000;

/**
 * Dunning's entry (DOMAIN.md §9): on each business day, every account with a recurring invoice (or a cancelled
 * installment schedule's remainder) that became past due that day (due yesterday, still owed) gets a CheckDunning; its handler decides from the ledger whether the
 * past-due balance is above the threshold. One query per tenant and day, on the receivables' due-date index.
 */
export const dunningEntryProcessManager: ProcessManager = {
  name: 'dunning-entry',
  eventTypes: ['BusinessDayStarted'],
  concurrency: COMMAND_CHUNK_SIZE,
  react(recorded, context) {
    return accountsNewlyPastDue(recorded, context);
  },
};

async function* accountsNewlyPastDue(recorded: RecordedEvent, context: ProcessManagerContext): AsyncGenerator<PmCommand> {
  const { tenantId, date } = recorded.data as { tenantId: string; date: CalendarDate };
  await context.readModelsAt(recorded.position); // every invoice posted before this day is in the read model
  const seen = new Set<string>();
  let cursor: string | undefined;
  do {
    const page = await context.store.find<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, { filter: { dueDate: addDays(date, -1) }, limit: PAGE, cursor });
    for (const item of page.items) {
      if ((item.kind !== 'charge' && item.kind !== 'remainder') || item.balance <= 0 || seen.has(item.accountId)) continue;
      seen.add(item.accountId);
      yield { type: 'CheckDunning', data: { accountId: item.accountId }, key: `enter:${item.accountId}:${date}`, businessDate: date, lane: item.accountId };
    }
    cursor = page.nextCursor;
  } while (cursor);
}

/** Which accounts are in dunning, as of a read-model position at least the event's (asked again once events pass it). */
const inDunning = new ReadModelAt(dunningCasesProjection.name, accountsInDunning);

/** The next step: at once when its date has come (a step 0 days after the due date, a migration), else on a durable timer. */
function nextStep(event: RecordedEvent, accountId: string, caseId: string, step: number | null, stepDate: CalendarDate | null): PmCommand[] {
  if (step === null || stepDate === null) return [];
  const today = event.metadata.businessDate as CalendarDate;
  const command = { type: 'TakeDunningStep', data: { accountId, caseId, step } };
  if (stepDate <= today) return [{ ...command, key: `step:${event.id}`, lane: accountId }];
  // The date is part of the id: a migration may move a step that already has a timer.
  const timerId = deterministicUuid(caseId, 'step', String(step), stepDate);
  return [{ type: 'ScheduleTimer', data: { timerId, dueDate: stepDate, command }, key: `timer:${timerId}`, lane: accountId }];
}

/** What each action of a step asks of other contexts (notices are the notifications context's to send, from the event). */
function actionCommands(event: RecordedEvent, accountId: string, caseId: string, step: number, processId: string, date: CalendarDate, action: DunningActionTaken, index: number): PmCommand[] {
  // Keys name the command among everything this process manager ever issues in the tenant: the event's id makes them so.
  const key = `action:${event.id}:${index}`;
  const reason = `dunning: step ${step} of process ${processId}`;
  switch (action.type) {
    case 'retryCollection':
      return [{ type: 'CollectPayment', data: { accountId, invoiceId: caseId, attempt: step, paymentId: action.paymentId }, key, lane: accountId }];
    case 'lateFee': {
      if (action.amount <= 0) return [];
      const fee = { accountId, invoiceId: action.feeId, invoiceNumber: null, invoiceDate: date, dueDate: date, currency: action.currency, amount: action.amount, kind: 'fee' };
      return [{ type: 'PostReceivable', data: fee, key, lane: accountId }];
    }
    case 'setStatus':
      return action.target === 'account'
        ? [{ type: 'ChangeAccountStatus', data: { accountId, status: action.status, reason, dunningCaseId: caseId }, key, lane: accountId }]
        : [{ type: 'ChangePlanInstanceStatus', data: { planInstanceId: action.targetId, status: action.status, reason, dunningCaseId: caseId }, key, lane: accountId }];
    case 'notify':
      return [];
  }
}

/**
 * A dunning case's timeline on durable timers (DOMAIN.md §9): each step is a timer (or, when due already, a command)
 * whose handler decides the step once; a step's actions become commands with ids derived from the case and step (a
 * collection attempt, a fee posted to the ledger, status changes), in the step's order, so a crash re-issues them and
 * each is recognised as done. Money coming in for an account in dunning schedules a review the next day (DOMAIN.md:
 * "the next daily run"); a resolved case restores the statuses it set, unless an operator changed them since.
 * A new default payment method for an account in dunning (from net terms, or another card) is charged the balance
 * at once (seed 001's note: collect the outstanding balance with the new method); if it pays, the review ends the
 * case. Going the other way, to net terms, changes nothing but the threshold the next step or review applies.
 */
export const dunningProcessManager: ProcessManager = {
  name: 'dunning',
  lanesAcrossEvents: true,
  concurrency: COMMAND_CHUNK_SIZE,
  eventTypes: ['DunningStarted', 'DunningStepAdvanced', 'DunningMigrated', 'DunningResolved', 'PaymentRecorded', 'CreditApplied', 'CreditMemoIssued', 'InvoiceWrittenOff', 'DefaultPaymentMethodChanged'],
  async react(recorded, context): Promise<PmCommand[]> {
    const event = recorded as unknown as RecordedEvent & DunningCaseEvent;
    switch (event.type) {
      case 'DunningStarted':
      case 'DunningMigrated': {
        const { accountId, caseId, nextStep: step, nextStepDate } = event.data;
        return nextStep(recorded, accountId, caseId, step, nextStepDate);
      }
      case 'DunningStepAdvanced': {
        const { accountId, caseId, step, processId, date, actions, nextStep: next, nextStepDate } = event.data;
        return [...actions.flatMap((action, index) => actionCommands(recorded, accountId, caseId, step, processId, date, action, index)), ...nextStep(recorded, accountId, caseId, next, nextStepDate)];
      }
      case 'DunningResolved': {
        const { caseId, statusesSet } = event.data;
        return statusesSet.map(({ target, targetId }) =>
          target === 'account'
            ? { type: 'RestoreAccountStatusAfterDunning', data: { accountId: targetId, caseId }, key: `restore:${recorded.id}:${target}:${targetId}`, lane: event.data.accountId }
            : { type: 'RestorePlanInstanceStatusAfterDunning', data: { planInstanceId: targetId, caseId }, key: `restore:${recorded.id}:${target}:${targetId}`, lane: event.data.accountId },
        );
      }
      default: {
        const accountId = (recorded.data as { accountId: string }).accountId;
        const accounts = await inDunning.at(context.store, recorded.metadata.tenantId, recorded.position);
        if (!accounts.has(accountId)) return [];
        if (recorded.type === 'DefaultPaymentMethodChanged') {
          if ((recorded.data as { to: string | null }).to === null) return [];
          const paymentId = `dun:${accountId}:method:${recorded.id}`;
          return [{ type: 'CollectPayment', data: { accountId, invoiceId: 'dunning', attempt: 1, paymentId }, key: `method:${recorded.id}`, lane: accountId }];
        }
        // Money in (a payment, credit applied, a credit memo, a write-off): review the case on the next business day.
        const dueDate = addDays(recorded.metadata.businessDate as CalendarDate, 1);
        const timerId = deterministicUuid(accountId, 'dunning-review', dueDate);
        return [{ type: 'ScheduleTimer', data: { timerId, dueDate, command: { type: 'ReviewDunning', data: { accountId } } }, key: `review:${timerId}`, lane: accountId }];
      }
    }
  },
};
