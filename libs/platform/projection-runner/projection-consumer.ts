import { ReadStore } from '../read-store/read-store.port';
import { Consumer } from '../subscriptions/consumer-runner';
import { projectBatch, projectEvents } from './project-batch';
import { Projector } from './projector';

/**
 * Events per projector batch in the running app. A batch is one read-store transaction, and a bill run's
 * random instance, invoice and statement ids dirty pages all over the file: the more invoices share a commit,
 * the more of them share each dirty page, so the fewer pages are written. At 20,000 instances 2,000 (against
 * 500) cut read-store commits 41 -> 12-15 and raised the day's rate by a fifth to a third (decision 0008, third
 * round) for 50-100 MB more RSS while a bill run catches up. Once commits no longer checkpointed the WAL
 * (fourth round), 4,000 gave 5,324-5,453 invoices/s at 100,000 against 4,799-5,109 (1,000: 4,784; 8,000:
 * 5,362), for about 150-250 MB more RSS during the day.
 */
export const PROJECTOR_BATCH_SIZE = 4000;

/** A projector as a log consumer: each batch's documents commit together with its checkpoint. */
export function projectionConsumer(projector: Projector, store: ReadStore, batchSize?: number): Consumer {
  return {
    name: projector.name,
    eventTypes: projector.eventTypes,
    ...(batchSize !== undefined ? { batchSize } : {}),
    prepare: () => store.ensureCollections(projector.collections),
    handleBatch: async (events) => {
      await projectBatch(projector, events, store);
    },
    // The writes, guarded by position as always, without the checkpoint (the runner moves it after the batch).
    handleEvents: async (events) => {
      await store.apply(await projectEvents(projector, events, store));
    },
  };
}
