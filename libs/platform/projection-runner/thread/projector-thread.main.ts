/**
 * The projector thread (a worker_threads Worker started by ProjectorThread): the projectors on their own
 * connections to the SQLite files, on the second core, while the main thread runs commands and process
 * managers. Positions are posted after each batch's commit, so read-your-writes stays exact.
 */
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { PROJECTOR_RECENT_EVENTS, SQLITE_EVENTS_FILE, SqliteEventStore } from '../../event-store';
import { READ_STORE_FILE, SqliteReadStore } from '../../read-store';
import { createLogger } from '../../logging/logger';
import { ConsumerRunner } from '../../subscriptions/consumer-runner';
import { Projector } from '../projector';
import { projectionConsumer, PROJECTOR_BATCH_SIZE } from '../projection-consumer';
import { withInjectedFailure } from '../../subscriptions/injected-failure';
import { FromThread, ThreadOptions, ToThread } from './messages';

async function main(port: NonNullable<typeof parentPort>, options: ThreadOptions): Promise<void> {
  const logger = createLogger(options.logLevel).child({ thread: 'projectors' });
  const post = (message: FromThread) => port.postMessage(message);
  const events = new SqliteEventStore({ file: join(options.dataDir, SQLITE_EVENTS_FILE), pollIntervalMs: options.pollIntervalMs, recentEvents: PROJECTOR_RECENT_EVENTS });
  // The main thread's store runs the WAL's checkpoints (readStoreConfig), so this thread's commits never do.
  // Everything this connection writes the log rebuilds (read models, their checkpoints, parked events), so its
  // commits skip the fsync: a write's answer waits for one fsync, its append's (decision 0025).
  const store = new SqliteReadStore({ file: join(options.dataDir, READ_STORE_FILE), walCheckpoints: 'another-store', durability: 'log-derived' });
  const projectors = options.projectorModules.flatMap((file) => loadProjectors(file));
  const consumers = withInjectedFailure(projectors.map((projector) => projectionConsumer(projector, store, PROJECTOR_BATCH_SIZE)), options.fault);
  const runner = new ConsumerRunner(events, store, consumers, logger, undefined, options.parking);

  let stopping: Promise<void> | null = null;
  port.on('message', (message: ToThread) => {
    if (message.type === 'appended') events.wakeSubscriptions();
    if (message.type === 'stop') {
      stopping ??= (async () => {
        await runner.stop();
        await events.close();
        await store.close();
        logger.info('projector thread stopped; its stores are closed');
        post({ type: 'stopped', positions: runner.positions(), stats: { ...store.stats, failedBatches: runner.failedBatches } });
        port.close();
      })();
    }
  });

  // One message per turn however many consumers moved in it; it names the projectors that handled events of their
  // types, so the main thread's caches of read models (API keys) drop what they hold before the waiters are told.
  let reportScheduled = false;
  let changed = new Set<string>();
  runner.onChange((name) => changed.add(name));
  runner.onMove(() => {
    if (reportScheduled) return;
    reportScheduled = true;
    queueMicrotask(() => {
      reportScheduled = false;
      const names = [...changed];
      changed = new Set();
      if (!stopping) post({ type: 'positions', positions: runner.positions(), stats: { ...store.stats, failedBatches: runner.failedBatches }, ...(names.length > 0 ? { changed: names } : {}) });
    });
  });

  await runner.start();
  post({ type: 'ready', positions: runner.positions() });
  logger.debug({ consumers: runner.names }, 'projector thread running');
}

/** The modules are the app's to name (each context's read-model door), so they are loaded at run time. */
function loadProjectors(file: string): Projector[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { projectors } = require(file) as { projectors?: Projector[] };
  if (!Array.isArray(projectors)) throw new Error(`${file} exports no projectors`);
  return projectors;
}

if (!parentPort) throw new Error('projector-thread.main runs as a worker thread (see ProjectorThread)');
void main(parentPort, workerData as ThreadOptions).catch((error: unknown) => {
  // Uncaught, so the main thread's 'error' handler logs it and restarts the thread.
  setImmediate(() => {
    throw error;
  });
});
