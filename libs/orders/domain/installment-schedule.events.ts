import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainEvent } from '../../shared-kernel/decider';
import { ScheduledInstallment } from './installment-schedule';
import { ScheduleType } from './installment-terms';

export const SCHEDULE_STATUSES = ['active', 'completed', 'cancelled'] as const;
/** `active` from the order's invoice; `completed` paid off or written off; `cancelled` (the remainder due at once). */
export type ScheduleStatus = (typeof SCHEDULE_STATUSES)[number];

export const COMPLETION_REASONS = ['paidOff', 'writtenOff'] as const;
export type CompletionReason = (typeof COMPLETION_REASONS)[number];

/** The whole schedule as computed at order time; its stream is `installmentSchedule-<tenant>.<scheduleId>`. */
export type InstallmentScheduleCreated = DomainEvent<
  'InstallmentScheduleCreated',
  {
    scheduleId: string;
    accountId: string;
    orderId: string;
    /** The plan instance the item is tied to (always set for aligned terms): its dunning takes a failed remainder. */
    planInstanceId: string | null;
    termId: string;
    scheduleType: ScheduleType;
    currency: string;
    /** Minor units; the installments' amounts add up to it exactly. */
    total: number;
    orderDate: CalendarDate;
    installments: ScheduledInstallment[];
  }
>;

/**
 * One per row of the schedule, right after InstallmentScheduleCreated (the design card's event): what
 * subscribers that work per installment (comments, statements, the installment timeline) react to.
 */
export type InstallmentCreated = DomainEvent<'InstallmentCreated', { scheduleId: string; accountId: string; currency: string } & ScheduledInstallment>;

/** The business day reached the installment's invoice date and the caller billed it on `invoiceId`. */
/**
 * `accountId`, `currency` and the row's dates let the ledger posting be made from the event alone (no read model to
 * wait for); events recorded before they were added lack them, and the posting reads the schedule instead.
 */
export type InstallmentInvoiced = DomainEvent<
  'InstallmentInvoiced',
  { scheduleId: string; number: number; invoiceId: string; amount: number; accountId?: string; currency?: string; invoiceDate?: CalendarDate; dueDate?: CalendarDate }
>;

/** The installments not billed yet follow the aligned plan instance's new billing interval; amounts unchanged. */
export type InstallmentsRealigned = DomainEvent<
  'InstallmentsRealigned',
  { scheduleId: string; on: CalendarDate; installments: { number: number; invoiceDate: CalendarDate; dueDate: CalendarDate }[] }
>;

/**
 * Cancelled immediately or on a date: every installment not invoiced by then (invoice date on or after
 * `effective`) becomes one line billed and due on `effective`, collected at once. `remainderLine` is null
 * when nothing was left to bill.
 */
export type InstallmentScheduleCancelled = DomainEvent<
  'InstallmentScheduleCancelled',
  {
    scheduleId: string;
    effective: CalendarDate;
    /** The business date the cancellation was asked on (≤ effective). */
    requestedOn: CalendarDate;
    /** Minor units: the sum of the installments moved to the remainder line. */
    remainder: number;
    remainderLine: { invoiceDate: CalendarDate; dueDate: CalendarDate; amount: number; numbers: number[] } | null;
  }
>;

/** Paid off or written off: the caller (payments) says which, and when. */
export type InstallmentScheduleCompleted = DomainEvent<'InstallmentScheduleCompleted', { scheduleId: string; reason: CompletionReason; on: CalendarDate }>;

export type InstallmentScheduleEvent =
  | InstallmentScheduleCreated
  | InstallmentCreated
  | InstallmentInvoiced
  | InstallmentsRealigned
  | InstallmentScheduleCancelled
  | InstallmentScheduleCompleted;
