import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Projector } from '../../platform/projection-runner/projector';
import { Doc, DocWrite } from '../../platform/read-store/read-store.port';
import { CalendarDate } from '../../shared-kernel/calendar-date';
import {
  InstallmentCommentSubject,
  installmentCreatedComment,
  InstallmentScheduleCreated,
  installmentStatusUpdatedComment,
  orderInvoiceId,
  ScheduleStatus,
} from '../domain';

/** Account comments (GET /v1/accounts/{id}/comments), oldest first by `sequence` (the log position that wrote them). */
export const ACCOUNT_COMMENTS = 'accountComments';
/**
 * What a comment names, kept by this projector alone so a replay needs no other read model: per order its first item
 * (`order:<orderId>`, from OrderPlaced), per schedule the whole subject (`schedule:<scheduleId>`).
 */
export const COMMENT_SUBJECTS = 'commentSubjects';

export interface AccountCommentDoc extends Doc {
  accountId: string;
  sequence: number;
  date: CalendarDate;
  text: string;
  actor: 'system';
}

interface OrderSubjectDoc extends Doc {
  serviceName: string;
  serviceNo: string;
}

interface ScheduleSubjectDoc extends Doc, InstallmentCommentSubject {
  accountId: string;
}

/**
 * The comments seed 002 asks for, in its words (domain/comments.ts): one when a schedule is created, one when its
 * status changes (cancelled, completed). `<service name> - <service no>` is the order's first line (the item's name and
 * id, as OrderPlaced names them); `<invoice no>` the order's invoice (orderInvoiceId); `<installment no>` the
 * schedule's id. A schedule whose order this projector never saw (created without OrderPlaced before it) names
 * its order id as the service.
 */
export const accountCommentsProjection: Projector = {
  name: 'account-comments',
  collections: [
    { name: ACCOUNT_COMMENTS, indexes: ['accountId', 'sequence'] },
    { name: COMMENT_SUBJECTS, indexes: [] },
  ],
  eventTypes: ['OrderPlaced', 'InstallmentScheduleCreated', 'InstallmentScheduleCancelled', 'InstallmentScheduleCompleted'],
  prefetch(recorded) {
    const { tenantId } = recorded.metadata;
    const data = recorded.data as { orderId?: string; scheduleId?: string };
    if (recorded.type === 'OrderPlaced') return [];
    if (recorded.type === 'InstallmentScheduleCreated') return [{ collection: COMMENT_SUBJECTS, tenantId, id: `order:${data.orderId}` }];
    return [{ collection: COMMENT_SUBJECTS, tenantId, id: `schedule:${data.scheduleId}` }];
  },
  async project(recorded, view): Promise<DocWrite[]> {
    const { tenantId } = recorded.metadata;
    const position = recorded.position;
    const date = recorded.metadata.businessDate as CalendarDate;
    const comment = (accountId: string, text: string): DocWrite => {
      const doc: AccountCommentDoc = { accountId, sequence: position, date, text, actor: 'system' };
      return { op: 'upsert', collection: ACCOUNT_COMMENTS, tenantId, id: `${recorded.id}`, doc, position };
    };
    switch (recorded.type) {
      case 'OrderPlaced': {
        const subject = orderSubject(recorded);
        if (subject === null) return [];
        return [{ op: 'upsert', collection: COMMENT_SUBJECTS, tenantId, id: `order:${subject.orderId}`, doc: { serviceName: subject.serviceName, serviceNo: subject.serviceNo }, position }];
      }
      case 'InstallmentScheduleCreated': {
        const { scheduleId, accountId, orderId, scheduleType } = (recorded as unknown as InstallmentScheduleCreated).data;
        const order = (await view.get(COMMENT_SUBJECTS, tenantId, `order:${orderId}`)) as OrderSubjectDoc | null;
        const subject: ScheduleSubjectDoc = {
          accountId,
          scheduleType,
          installmentNo: scheduleId,
          serviceName: order?.serviceName ?? orderId,
          serviceNo: order?.serviceNo ?? orderId,
          invoiceNo: orderInvoiceId(orderId),
        };
        return [{ op: 'upsert', collection: COMMENT_SUBJECTS, tenantId, id: `schedule:${scheduleId}`, doc: subject, position }, comment(accountId, installmentCreatedComment(subject))];
      }
      case 'InstallmentScheduleCancelled':
      case 'InstallmentScheduleCompleted': {
        const { scheduleId } = recorded.data as { scheduleId: string };
        const subject = (await view.get(COMMENT_SUBJECTS, tenantId, `schedule:${scheduleId}`)) as ScheduleSubjectDoc | null;
        if (subject === null) return [];
        const status: ScheduleStatus = recorded.type === 'InstallmentScheduleCancelled' ? 'cancelled' : 'completed';
        return [comment(subject.accountId, installmentStatusUpdatedComment(subject, status))];
      }
      default:
        return [];
    }
  },
};

/** The order's first line as OrderPlaced names it (`lines[0]`: the item's `name` and `itemId`); null when it names none. */
function orderSubject(recorded: RecordedEvent): { orderId: string; serviceName: string; serviceNo: string } | null {
  const data = recorded.data as { orderId?: unknown; lines?: unknown; installmentSchedule?: unknown };
  if (data.installmentSchedule === null) return null; // no schedule, so no comment will name it
  if (typeof data.orderId !== 'string' || !Array.isArray(data.lines) || data.lines.length === 0) return null;
  const first = data.lines[0] as { itemId?: unknown; name?: unknown };
  if (typeof first.itemId !== 'string') return null;
  return { orderId: data.orderId, serviceNo: first.itemId, serviceName: typeof first.name === 'string' ? first.name : first.itemId };
}
