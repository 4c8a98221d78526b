import { CalendarDate } from '../../shared-kernel/calendar-date';
import { DomainCommand } from '../../shared-kernel/decider';
import { InstallmentTerm } from './installment-terms';
import { CompletionReason } from './installment-schedule.events';

/**
 * Made by the order's handler once the order is invoiced; the schedule is computed in decide from the term
 * (already parsed by the catalog) and the dates the caller gathered.
 */
export type CreateInstallmentSchedule = DomainCommand<
  'CreateInstallmentSchedule',
  {
    scheduleId: string;
    accountId: string;
    orderId: string;
    /** Required for aligned terms (rule `requiredForAligned`). */
    planInstanceId: string | null;
    term: InstallmentTerm;
    currency: string;
    total: number;
    orderDate: CalendarDate;
    /** Resolved: the term's own, else the payment term's or method's. */
    daysUntilDue: number;
    /** Aligned terms: the plan instance's invoice dates after the order date, ascending. */
    upcomingInvoiceDates: CalendarDate[];
  }
>;

/** The business day reached installment `number`'s invoice date and the caller billed it on `invoiceId`. */
export type InvoiceInstallment = DomainCommand<'InvoiceInstallment', { scheduleId: string; number: number; invoiceId: string }>;

/** `effective` is the caller's resolution of "now" (the business date) or the date asked for. */
export type CancelInstallmentSchedule = DomainCommand<
  'CancelInstallmentSchedule',
  { scheduleId: string; effective: CalendarDate; requestedOn: CalendarDate }
>;

export type CompleteInstallmentSchedule = DomainCommand<
  'CompleteInstallmentSchedule',
  { scheduleId: string; reason: CompletionReason; on: CalendarDate }
>;

/**
 * The aligned plan instance's billing interval changed: `upcomingInvoiceDates` are its new invoice dates after
 * `on` (the business date), ascending, as the caller estimates them.
 */
export type RealignInstallments = DomainCommand<
  'RealignInstallments',
  { scheduleId: string; on: CalendarDate; upcomingInvoiceDates: CalendarDate[] }
>;

export type InstallmentScheduleCommand =
  | CreateInstallmentSchedule
  | InvoiceInstallment
  | RealignInstallments
  | CancelInstallmentSchedule
  | CompleteInstallmentSchedule;
