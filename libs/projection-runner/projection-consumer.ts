import { ReadStore } from '../read-store/read-store.port';
import { Consumer } from '../subscriptions/consumer-runner';
import { projectBatch } from './project-batch';
import { Projector } from './projector';

/** A projector as a log consumer: each batch's documents commit together with its checkpoint. */
export function projectionConsumer(projector: Projector, store: ReadStore): Consumer {
  return {
    name: projector.name,
    eventTypes: projector.eventTypes,
    prepare: () => store.ensureCollections(projector.collections),
    handleBatch: async (events) => {
      await projectBatch(projector, events, store);
    },
  };
}
