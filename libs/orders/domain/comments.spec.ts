import { installmentCreatedComment, installmentStatusUpdatedComment, InstallmentCommentSubject } from './comments';

const subject = (change: Partial<InstallmentCommentSubject> = {}): InstallmentCommentSubject => ({
  scheduleType: 'independent',
  installmentNo: 'sched-1',
  serviceName: 'Phone X',
  serviceNo: 'phone-x',
  invoiceNo: 'INV-7',
  ...change,
});

describe('account comments (seed 002, DOMAIN.md §10)', () => {
  it.each<[Partial<InstallmentCommentSubject>, string]>([
    [{}, 'Independent installment sched-1 created for Phone X - phone-x on invoice INV-7'],
    [{ scheduleType: 'aligned', installmentNo: '1042', serviceName: 'Setup fee', serviceNo: 'setup', invoiceNo: '88' }, 'Aligned installment 1042 created for Setup fee - setup on invoice 88'],
  ])('created: %j', (change, text) => {
    expect(installmentCreatedComment(subject(change))).toBe(text);
  });

  it.each<['active' | 'completed' | 'cancelled', string]>([
    ['active', 'Independent installment sched-1 status for Phone X - phone-x on invoice INV-7 was updated to: Active'],
    ['completed', 'Independent installment sched-1 status for Phone X - phone-x on invoice INV-7 was updated to: Completed'],
    ['cancelled', 'Independent installment sched-1 status for Phone X - phone-x on invoice INV-7 was updated to: Cancelled'],
  ])('status updated to %s', (status, text) => {
    expect(installmentStatusUpdatedComment(subject(), status)).toBe(text);
  });

  it('follows the seed’s placeholders word for word', () => {
    const placeholders: InstallmentCommentSubject = {
      scheduleType: 'aligned',
      installmentNo: '<installment_no>',
      serviceName: '<service_name>',
      serviceNo: '<service_no>',
      invoiceNo: '<invoice_no>',
    };
    expect(installmentCreatedComment(placeholders)).toBe('Aligned installment <installment_no> created for <service_name> - <service_no> on invoice <invoice_no>');
    expect(installmentStatusUpdatedComment(placeholders, 'cancelled')).toBe(
      'Aligned installment <installment_no> status for <service_name> - <service_no> on invoice <invoice_no> was updated to: Cancelled',
    );
  });
});
