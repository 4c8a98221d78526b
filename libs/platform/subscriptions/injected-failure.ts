import { EventBatch, RecordedEvent } from '../event-store/event-store.port';
import { FaultInjector } from '../process-manager-runtime/faults';
import { Consumer } from './consumer-runner';

/**
 * Crash and isolation tests only (BILLING_FAULT); any other value, or none, leaves the consumers as they are.
 * - `projector-throws:<n>`: the n-th batch handled by these consumers (counted across all of them) throws
 *   before it handles anything, once, as a projector bug or a lost disk would.
 * - `poison-entity:<id>`: every consumer throws on any event of a stream whose entity id is `<id>` (e.g. an
 *   account a test created with that id), every time: one tenant's bad data, to be parked.
 */
export function withInjectedFailure(consumers: Consumer[], fault: string | undefined): Consumer[] {
  if (fault?.startsWith('poison-entity:')) return consumers.map((consumer) => poisoned(consumer, fault.slice('poison-entity:'.length)));
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

function poisoned(consumer: Consumer, entityId: string): Consumer {
  const check = (events: EventBatch | RecordedEvent[]) => {
    const bad = events.find((event) => event.streamName.endsWith(`.${entityId}`));
    if (bad) throw new Error(`injected failure: ${consumer.name} cannot handle ${bad.type} of ${bad.streamName} (BILLING_FAULT=poison-entity:${entityId})`);
  };
  return {
    ...consumer,
    handleBatch: async (events) => {
      check(events);
      await consumer.handleBatch(events);
    },
    handleEvents: async (events) => {
      check(events);
      await consumer.handleEvents(events);
    },
  };
}
