import { assertNever } from '../../shared-kernel/decider';
import { ScheduleStatus } from './installment-schedule.events';
import { ScheduleType } from './installment-terms';

/**
 * The account comments written automatically for installment schedules, in the seed's wording (seed 002,
 * "Account comments"; DOMAIN.md §10):
 *
 *   <installment_type> installment <installment_no> created for <service_name> - <service_no> on invoice <invoice_no>
 *   <installment_type> installment <installment_no> status for <service_name> - <service_no> on invoice <invoice_no> was updated to: <schedule_status>
 *
 * The seed's text lost its spaces around the placeholders in extraction; DOMAIN.md and the issue give them.
 * `installment_type` is the term's schedule type as a word ("Aligned", "Independent"), `installment_no` the
 * schedule's number (the status belongs to the schedule, so one comment per schedule names it), the service the
 * one-time item (its name and id) and the invoice the order's invoice. Statuses read as the seed lists them
 * ("Active", "Completed", "Cancelled").
 */
export interface InstallmentCommentSubject {
  scheduleType: ScheduleType;
  /** The schedule's number or id. */
  installmentNo: string;
  serviceName: string;
  serviceNo: string;
  invoiceNo: string;
}

/** "Independent installment S-1 created for Phone X - phone-x on invoice INV-7" */
export function installmentCreatedComment(subject: InstallmentCommentSubject): string {
  const { installmentNo, serviceName, serviceNo, invoiceNo } = subject;
  return `${typeWord(subject.scheduleType)} installment ${installmentNo} created for ${serviceName} - ${serviceNo} on invoice ${invoiceNo}`;
}

/** "Aligned installment S-1 status for Phone X - phone-x on invoice INV-7 was updated to: Cancelled" */
export function installmentStatusUpdatedComment(subject: InstallmentCommentSubject, status: ScheduleStatus): string {
  const { installmentNo, serviceName, serviceNo, invoiceNo } = subject;
  return `${typeWord(subject.scheduleType)} installment ${installmentNo} status for ${serviceName} - ${serviceNo} on invoice ${invoiceNo} was updated to: ${statusWord(status)}`;
}

export function typeWord(type: ScheduleType): string {
  switch (type) {
    case 'aligned':
      return 'Aligned';
    case 'independent':
      return 'Independent';
    default:
      return assertNever(type);
  }
}

export function statusWord(status: ScheduleStatus): string {
  switch (status) {
    case 'active':
      return 'Active';
    case 'completed':
      return 'Completed';
    case 'cancelled':
      return 'Cancelled';
    default:
      return assertNever(status);
  }
}
