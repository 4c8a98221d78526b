import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { addDays } from '../../shared-kernel/calendar-date';
import { deterministicUuid } from '../../shared-kernel/ids';
import { PaymentFailed, ReceivablePosted } from '../domain';
import { MAX_COLLECTION_ATTEMPTS, parseCollectionPaymentId } from '../commands/collect-payment';

/**
 * Automatic collection (DOMAIN.md §8): when an invoice's share posts to an account's ledger, try to collect the
 * account's balance (the handler decides whether: a default payment method, a balance at least the tenant's
 * threshold). A collection that failed with a retryable gateway error is tried again on a durable timer, one day
 * later, then two, up to MAX_COLLECTION_ATTEMPTS; a decline is not retried (dunning takes it from there).
 */
export const collectionProcessManager: ProcessManager = {
  name: 'collection',
  // Accounts are independent: one lane each, across the batch's events, so a bill run's postings share group commits.
  lanesAcrossEvents: true,
  eventTypes: ['ReceivablePosted', 'PaymentFailed'],
  react(recorded): PmCommand[] {
    const event = recorded as unknown as RecordedEvent & (ReceivablePosted | PaymentFailed);
    switch (event.type) {
      case 'ReceivablePosted': {
        const { accountId, invoiceId, amount } = event.data;
        if (amount <= 0) return [];
        return [{ type: 'CollectPayment', data: { accountId, invoiceId, attempt: 1 }, key: `collect:${accountId}:${invoiceId}:1`, lane: accountId }];
      }
      case 'PaymentFailed': {
        const { accountId, paymentId, retryable } = event.data;
        const collection = parseCollectionPaymentId(paymentId);
        if (!retryable || !collection || collection.attempt >= MAX_COLLECTION_ATTEMPTS) return [];
        const attempt = collection.attempt + 1;
        const dueDate = addDays(event.metadata.businessDate, 2 ** (collection.attempt - 1));
        const command = { type: 'CollectPayment', data: { accountId, invoiceId: collection.invoiceId, attempt } };
        const timerId = deterministicUuid(accountId, collection.invoiceId, String(attempt));
        return [{ type: 'ScheduleTimer', data: { timerId, dueDate, command }, key: `retry:${timerId}`, lane: accountId }];
      }
    }
  },
};
