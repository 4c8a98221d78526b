import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { PmCommand, ProcessManager } from '../../platform/process-manager-runtime/process-manager';
import { COMMAND_CHUNK_SIZE } from '../../platform/process-manager-runtime/process-manager-consumer';
import { addDays } from '../../shared-kernel/calendar-date';
import { deterministicUuid } from '../../shared-kernel/ids';
import { PaymentFailed, ReceivablePosted } from '../domain';
import { MAX_COLLECTION_ATTEMPTS, parseCollectionPaymentId } from '../commands/collect-payment';
import { PAYMENT_METHODS, PaymentMethodDoc, paymentMethodsProjection } from '../read-model';
import { ReadStore } from '../../platform/read-store/read-store.port';

/** True only when the read model surely knows: it reached the posting's position, and the account has no default method. */
async function onNetTerms(store: ReadStore, recorded: RecordedEvent, accountId: string): Promise<boolean> {
  if (((await store.getCheckpoint(paymentMethodsProjection.name)) ?? 0) < recorded.position) return false;
  const methods = await store.find<PaymentMethodDoc>(PAYMENT_METHODS, recorded.metadata.tenantId, { filter: { accountId }, limit: 1000 });
  return !methods.items.some((method) => method.isDefault && method.status === 'active');
}

/**
 * Automatic collection (DOMAIN.md §8): when an invoice's share posts to an account's ledger, try to collect the
 * account's balance (the handler decides whether: a default payment method, a balance at least the tenant's
 * threshold). A collection that failed with a retryable gateway error is tried again on a durable timer, one day
 * later, then two, up to MAX_COLLECTION_ATTEMPTS; a decline is not retried (dunning takes it from there).
 *
 * An account on net terms is passed over here, without a command (in a bill run most accounts may be, and a command
 * each doubled the run's cost): when the payment-methods read model has reached the posting's position and shows
 * no default method. Otherwise the command goes, and its handler decides from the account's stream.
 */
export const collectionProcessManager: ProcessManager = {
  name: 'collection',
  // Accounts are independent: one lane each, across the batch's events, all in flight (as the bill run's commands are),
  // so a bill run's postings share a few group commits; 32 at a time made 3,293 commits of 100,000 and woke the
  // projectors for each, which then projected in small batches.
  lanesAcrossEvents: true,
  concurrency: COMMAND_CHUNK_SIZE,
  eventTypes: ['ReceivablePosted', 'PaymentFailed'],
  async react(recorded, context): Promise<PmCommand[]> {
    const event = recorded as unknown as RecordedEvent & (ReceivablePosted | PaymentFailed);
    switch (event.type) {
      case 'ReceivablePosted': {
        const { accountId, invoiceId, amount, kind } = event.data;
        // A late fee posts in a dunning step; the step's own retry (if it has one) collects it.
        if (amount <= 0 || kind === 'fee') return [];
        if (await onNetTerms(context.store, recorded, accountId)) return [];
        // A one-time order is collected only when the tenant says so (autoCollectOnOrder): the handler reads the setting.
        const order = kind === 'order' ? { order: true } : {};
        return [{ type: 'CollectPayment', data: { accountId, invoiceId, attempt: 1, ...order }, key: `collect:${accountId}:${invoiceId}:1`, lane: accountId }];
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
