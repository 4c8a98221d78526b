import { FaultInjector } from '../../process-manager-runtime/faults';
import { Consumer } from '../../subscriptions/consumer-runner';

/**
 * Crash tests only (BILLING_FAULT=projector-throws:<n>): the n-th batch handled by these consumers (counted
 * across all of them) throws before it projects anything, once, as a projector bug or a lost disk would.
 * Any other value (or none) leaves the consumers as they are.
 */
export function withInjectedFailure(consumers: Consumer[], fault: string | undefined): Consumer[] {
  if (!fault?.startsWith('projector-throws:')) return consumers;
  const faults = new FaultInjector(fault);
  return consumers.map((consumer) => ({
    ...consumer,
    handleBatch: async (events) => {
      if (faults.reached('projector-throws')) throw new Error(`injected failure: a batch of ${consumer.name} (BILLING_FAULT=${fault})`);
      await consumer.handleBatch(events);
    },
  }));
}
