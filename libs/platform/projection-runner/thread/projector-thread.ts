import { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { SqliteEventStore } from '../../event-store';
import { PositionSource, ReportedPositions } from '../../subscriptions/position-source';
import { threadEntryFile } from './entry-file';
import { FromThread, ThreadOptions, ThreadStats, ToThread } from './messages';

const RESTART_DELAY_MS = 1000;
/** How long stop() lets the thread finish its batch in flight before terminating it. */
const STOP_TIMEOUT_MS = 30_000;

export interface ProjectorThreadOptions extends ThreadOptions {
  /** The projectors' names (what the thread runs and reports). */
  names: string[];
  /** The main thread's event store: each of its commits wakes the thread's subscriptions at once. */
  events: SqliteEventStore;
  logger: Logger;
}

/**
 * The projectors on a worker thread (embedded SQLite, all-in-one): the main thread keeps commands and process
 * managers, the thread projects on the second core. Implements PositionSource from the positions the thread
 * posts after each batch's COMMIT, so read-your-writes and the sandbox clock wait exactly as with a local
 * runner. If the thread dies (a bug outside a batch: a failing batch is retried inside it, from its
 * checkpoint), it is logged and started again from the checkpoints.
 */
export class ProjectorThread implements PositionSource {
  private readonly reported: ReportedPositions;
  private worker: Worker | null = null;
  private exited: Promise<void> = Promise.resolve();
  private stopping = false;
  private unwatch: (() => void) | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private threadStats: ThreadStats = { commits: 0, applies: 0, failedBatches: 0 };

  constructor(private readonly options: ProjectorThreadOptions) {
    this.reported = new ReportedPositions(options.names);
  }

  get names(): string[] {
    return this.reported.names;
  }

  /** The thread's read-store group commits (applies) and failed batches as last reported; since the thread last started. */
  get stats(): ThreadStats {
    return { ...this.threadStats };
  }

  positions(): Record<string, number> {
    return this.reported.positions();
  }

  position(names?: readonly string[]): number {
    return this.reported.position(names);
  }

  waitFor(position: number, timeoutMs: number, names?: readonly string[]): Promise<boolean> {
    return this.reported.waitFor(position, timeoutMs, names);
  }

  onChange(listener: (name: string) => void): () => void {
    return this.reported.onChange(listener);
  }

  /** Resolves once the thread has prepared its projectors and read their checkpoints. */
  async start(): Promise<void> {
    this.unwatch = this.options.events.onCommitted(() => this.send({ type: 'appended' }));
    await this.spawn();
  }

  /**
   * The thread finishes its batches in flight (committed with their checkpoints), closes its stores and exits.
   * A thread that has not exited after `timeoutMs` (a hung projector) is terminated, so shutdown cannot hang:
   * a batch cut short is not committed, and its projector resumes from its checkpoint at the next start.
   */
  async stop(timeoutMs = STOP_TIMEOUT_MS): Promise<void> {
    this.stopping = true;
    this.unwatch?.();
    if (this.restartTimer) clearTimeout(this.restartTimer);
    this.send({ type: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), timeoutMs)));
    if ((await Promise.race([this.exited, late])) === 'late') {
      this.options.logger.error({ timeoutMs }, 'projector thread did not stop in time; terminating it');
      await this.worker?.terminate();
      await this.exited;
    }
    clearTimeout(timer);
    this.reported.close();
  }

  private spawn(): Promise<void> {
    const { projectorModules, dataDir, logLevel, pollIntervalMs, parking, fault, logger } = this.options;
    const workerData: ThreadOptions = { projectorModules, dataDir, logLevel, pollIntervalMs, parking, fault };
    const worker = new Worker(threadEntryFile(), { workerData, name: 'projectors' });
    this.worker = worker;
    return new Promise<void>((resolve, reject) => {
      let ready = false;
      worker.on('message', (message: FromThread) => {
        if (message.type === 'ready') {
          ready = true;
          resolve();
        }
        if (message.type !== 'ready') this.threadStats = message.stats;
        // A (re)started thread may have committed batches it never reported (it died in between): every read model
        // counts as changed then.
        this.reported.report(message.positions, message.type === 'ready' ? this.reported.names : message.type === 'positions' ? message.changed : undefined);
      });
      worker.on('error', (error) => {
        logger.error({ err: error }, 'projector thread failed');
        if (!ready) reject(error);
      });
      this.exited = new Promise<void>((exited) =>
        worker.on('exit', (code) => {
          this.worker = null;
          exited();
          if (!ready) reject(new Error(`projector thread exited (code ${code}) before it was ready`));
          else if (!this.stopping) this.restartLater(code);
        }),
      );
    });
  }

  private restartLater(code: number): void {
    this.options.logger.error({ code }, `projector thread exited; starting it again in ${RESTART_DELAY_MS} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (this.stopping) return;
      this.spawn().catch((error: unknown) => {
        this.options.logger.error({ err: error }, 'projector thread did not start again');
        if (!this.stopping) this.restartLater(-1);
      });
    }, RESTART_DELAY_MS);
  }

  private send(message: ToThread): void {
    this.worker?.postMessage(message);
  }
}
