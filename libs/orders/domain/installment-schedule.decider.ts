import { CalendarDate, compareDates } from '../../shared-kernel/calendar-date';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { computeInstallmentSchedule, realignInstallments, ScheduledInstallment } from './installment-schedule';
import {
  CancelInstallmentSchedule,
  CompleteInstallmentSchedule,
  CreateInstallmentSchedule,
  InstallmentScheduleCommand,
  InvoiceInstallment,
  RealignInstallments,
} from './installment-schedule.commands';
import {
  CompletionReason,
  InstallmentCreated,
  InstallmentScheduleCreated,
  InstallmentScheduleEvent,
  ScheduleStatus,
} from './installment-schedule.events';

/** A row of the schedule as it stands: billed on an invoice, moved to a cancellation's remainder line, or still to come. */
export interface InstallmentRow extends ScheduledInstallment {
  invoiceId: string | null;
  /** Billed on the cancellation's remainder line instead of on its own. */
  inRemainder: boolean;
}

export type InstallmentScheduleState = null | {
  header: Omit<InstallmentScheduleCreated['data'], 'installments'>;
  installments: InstallmentRow[];
  status: ScheduleStatus;
  cancellation: { effective: CalendarDate; remainder: number } | null;
  completion: { reason: CompletionReason; on: CalendarDate } | null;
};

/**
 * One stream per schedule (installmentSchedule-<tenant>.<scheduleId>). Every command is idempotent: the same
 * command again (same data, same outcome) decides nothing, so a process manager may repeat it safely.
 */
export const installmentScheduleDecider: Decider<InstallmentScheduleCommand, InstallmentScheduleEvent, InstallmentScheduleState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateInstallmentSchedule':
        return createSchedule(command.data, state);
      case 'InvoiceInstallment':
        return invoiceInstallment(command.data, state);
      case 'RealignInstallments':
        return realign(command.data, state);
      case 'CancelInstallmentSchedule':
        return cancelSchedule(command.data, state);
      case 'CompleteInstallmentSchedule':
        return completeSchedule(command.data, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'InstallmentScheduleCreated': {
        const { installments, ...header } = event.data;
        return {
          header,
          installments: installments.map((row) => ({ ...row, invoiceId: null, inRemainder: false })),
          status: 'active',
          cancellation: null,
          completion: null,
        };
      }
      case 'InstallmentCreated':
        return state; // its row is already in InstallmentScheduleCreated
      case 'InstallmentInvoiced': {
        const current = existing(state, event.type);
        const { number, invoiceId } = event.data;
        return { ...current, installments: current.installments.map((row) => (row.number === number ? { ...row, invoiceId } : row)) };
      }
      case 'InstallmentsRealigned': {
        const current = existing(state, event.type);
        const moved = new Map(event.data.installments.map((row) => [row.number, row]));
        return {
          ...current,
          installments: current.installments.map((row) => {
            const to = moved.get(row.number);
            return to === undefined ? row : { ...row, invoiceDate: to.invoiceDate, dueDate: to.dueDate };
          }),
        };
      }
      case 'InstallmentScheduleCancelled': {
        const current = existing(state, event.type);
        const moved = new Set(event.data.remainderLine?.numbers ?? []);
        return {
          ...current,
          status: 'cancelled',
          cancellation: { effective: event.data.effective, remainder: event.data.remainder },
          installments: current.installments.map((row) => (moved.has(row.number) ? { ...row, inRemainder: true } : row)),
        };
      }
      case 'InstallmentScheduleCompleted': {
        const current = existing(state, event.type);
        return { ...current, status: 'completed', completion: { reason: event.data.reason, on: event.data.on } };
      }
      default:
        return assertNever(event);
    }
  },
};

function createSchedule(data: CreateInstallmentSchedule['data'], state: InstallmentScheduleState): InstallmentScheduleEvent[] {
  const { scheduleId, accountId, orderId, planInstanceId, term, currency, total, orderDate, daysUntilDue, upcomingInvoiceDates } = data;
  if (term.schedule === 'aligned' && planInstanceId === null) {
    const message = `installment term ${term.id} is aligned: the order must name the plan instance whose invoice dates the installments follow (planInstanceId)`;
    throw new RuleViolationError(message, [{ field: 'planInstanceId', rule: 'requiredForAligned', message }]);
  }
  const installments = computeInstallmentSchedule({ total, currency, term, orderDate, daysUntilDue, upcomingInvoiceDates });
  const created: InstallmentScheduleCreated = {
    type: 'InstallmentScheduleCreated',
    data: { scheduleId, accountId, orderId, planInstanceId, termId: term.id, scheduleType: term.schedule, currency, total, orderDate, installments },
  };
  if (state !== null) {
    if (JSON.stringify(state.header) === JSON.stringify(headerOf(created)) && sameRows(state.installments, installments)) return [];
    throw new ConflictError(`installment schedule ${scheduleId} already exists for order ${state.header.orderId}`);
  }
  const rows = installments.map((row): InstallmentCreated => ({ type: 'InstallmentCreated', data: { scheduleId, accountId, currency, ...row } }));
  return [created, ...rows];
}

function invoiceInstallment(data: InvoiceInstallment['data'], state: InstallmentScheduleState): InstallmentScheduleEvent[] {
  const current = found(state, data.scheduleId);
  const row = current.installments.find((r) => r.number === data.number);
  if (row === undefined) {
    const message = `installment schedule ${data.scheduleId} has no installment ${data.number}; it has ${current.installments.map((r) => r.number).join(', ')}`;
    throw new RuleViolationError(message, [{ field: 'number', rule: 'installmentExists', message }]);
  }
  if (row.invoiceId === data.invoiceId) return [];
  if (row.invoiceId !== null) {
    throw new ConflictError(`installment ${data.number} of schedule ${data.scheduleId} is already billed on invoice ${row.invoiceId}`);
  }
  // Moved to a cancellation's remainder line, or the schedule was settled early: nothing is left to bill on its own.
  if (row.inRemainder || current.status === 'completed') return [];
  const { accountId, currency } = current.header;
  const { number, amount, invoiceDate, dueDate } = row;
  return [{ type: 'InstallmentInvoiced', data: { scheduleId: data.scheduleId, number, invoiceId: data.invoiceId, amount, accountId, currency, invoiceDate, dueDate } }];
}

function realign(data: RealignInstallments['data'], state: InstallmentScheduleState): InstallmentScheduleEvent[] {
  const current = found(state, data.scheduleId);
  if (current.header.scheduleType !== 'aligned') {
    const message = `installment schedule ${data.scheduleId} is independent: only an aligned schedule follows its plan instance's invoice dates`;
    throw new RuleViolationError(message, [{ field: 'id', rule: 'alignedOnly', message }]);
  }
  // A settled schedule has nothing left to move; nothing to decide rather than an error, so the caller may broadcast.
  if (current.status !== 'active') return [];
  const unbilled = notYetInvoiced(current);
  const moved = realignInstallments(unbilled, data.upcomingInvoiceDates, data.on).filter((row) => {
    const before = unbilled.find((r) => r.number === row.number);
    return before?.invoiceDate !== row.invoiceDate || before.dueDate !== row.dueDate;
  });
  if (moved.length === 0) return [];
  const installments = moved.map(({ number, invoiceDate, dueDate }) => ({ number, invoiceDate, dueDate }));
  return [{ type: 'InstallmentsRealigned', data: { scheduleId: data.scheduleId, on: data.on, installments } }];
}

function cancelSchedule(data: CancelInstallmentSchedule['data'], state: InstallmentScheduleState): InstallmentScheduleEvent[] {
  const current = found(state, data.scheduleId);
  const { scheduleId, effective, requestedOn } = data;
  if (current.status === 'cancelled' && current.cancellation?.effective === effective) return [];
  assertActive(current.status, scheduleId, 'cancelled');
  if (compareDates(effective, requestedOn) < 0) {
    const message = `effective must be today (${requestedOn}) or later, not ${effective}: a cancellation cannot be backdated`;
    throw new RuleViolationError(message, [{ field: 'effective', rule: 'notInPast', message }]);
  }
  const moved = current.installments.filter((row) => row.invoiceId === null && compareDates(row.invoiceDate, effective) >= 0);
  const remainder = moved.reduce((sum, row) => sum + row.amount, 0);
  return [
    {
      type: 'InstallmentScheduleCancelled',
      data: {
        scheduleId,
        effective,
        requestedOn,
        remainder,
        remainderLine: moved.length === 0 ? null : { invoiceDate: effective, dueDate: effective, amount: remainder, numbers: moved.map((row) => row.number) },
      },
    },
  ];
}

function completeSchedule(data: CompleteInstallmentSchedule['data'], state: InstallmentScheduleState): InstallmentScheduleEvent[] {
  const current = found(state, data.scheduleId);
  if (current.status === 'completed' && current.completion?.reason === data.reason) return [];
  assertActive(current.status, data.scheduleId, 'completed');
  return [{ type: 'InstallmentScheduleCompleted', data: { scheduleId: data.scheduleId, reason: data.reason, on: data.on } }];
}

/** 422 with field `id` and rule `activeSchedule`: only an active schedule can be cancelled or completed. */
function assertActive(status: ScheduleStatus, scheduleId: string, asked: 'cancelled' | 'completed'): void {
  if (status === 'active') return;
  const message = `installment schedule ${scheduleId} is ${status}; only an active schedule can be ${asked}`;
  throw new RuleViolationError(message, [{ field: 'id', rule: 'activeSchedule', message }]);
}

function found(state: InstallmentScheduleState, scheduleId: string): NonNullable<InstallmentScheduleState> {
  if (state === null) throw new NotFoundError('Installment schedule', scheduleId);
  return state;
}

function existing(state: InstallmentScheduleState, eventType: string): NonNullable<InstallmentScheduleState> {
  if (state === null) throw new Error(`${eventType} before InstallmentScheduleCreated`);
  return state;
}

function headerOf(event: InstallmentScheduleCreated): Omit<InstallmentScheduleCreated['data'], 'installments'> {
  const { installments: _installments, ...header } = event.data;
  return header;
}

function sameRows(rows: readonly InstallmentRow[], computed: readonly ScheduledInstallment[]): boolean {
  const strip = ({ number, kind, invoiceDate, dueDate, amount }: ScheduledInstallment) => ({ number, kind, invoiceDate, dueDate, amount });
  return JSON.stringify(rows.map(strip)) === JSON.stringify(computed.map(strip));
}

/** What is still owed to the schedule: rows neither billed on their own nor moved to a remainder line. */
export function notYetInvoiced(state: NonNullable<InstallmentScheduleState>): InstallmentRow[] {
  return state.installments.filter((row) => row.invoiceId === null && !row.inRemainder);
}

export function installmentScheduleStream(tenantId: string, scheduleId: string): string {
  return streamName('installmentSchedule', tenantId, scheduleId);
}
