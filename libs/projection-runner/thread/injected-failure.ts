import { Consumer } from '../../subscriptions/consumer-runner';

/**
 * Crash tests only (BILLING_FAULT=projector-throws:<n>): the n-th batch handled by these consumers (counted
 * across all of them) throws before it projects anything, once, as a projector bug or a lost disk would.
 * Any other value (or none) leaves the consumers as they are.
 */
export function withInjectedFailure(consumers: Consumer[], fault: string | undefined): Consumer[] {
  const match = /^projector-throws:(\d+)$/.exec(fault ?? '');
  if (!match) return consumers;
  const at = Number(match[1]);
  let batches = 0;
  return consumers.map((consumer) => ({
    ...consumer,
    handleBatch: async (events) => {
      batches++;
      if (batches === at) throw new Error(`injected failure: batch ${at} of ${consumer.name} (BILLING_FAULT=${fault})`);
      await consumer.handleBatch(events);
    },
  }));
}
