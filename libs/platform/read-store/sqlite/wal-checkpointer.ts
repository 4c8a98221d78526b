/**
 * A worker thread that copies a SQLite file's WAL back into the database file (`wal_checkpoint(PASSIVE)`)
 * on its own connection, so that the connections writing the file never do it inside a commit.
 *
 * Why: with SQLite's automatic checkpoint, the commit that takes the WAL past its threshold writes every page
 * changed since the last checkpoint into the database file and fsyncs it, and its caller waits. In the bill
 * run the projector thread's commits waited that way about a fifth of the day (decision 0008, fourth round).
 * A PASSIVE checkpoint never blocks writers or readers; durability is unchanged (commits still fsync the WAL).
 */
import { Worker } from 'node:worker_threads';

/** How often the thread checkpoints. One with nothing new to copy only reads the WAL's header. */
export const WAL_CHECKPOINT_INTERVAL_MS = 50;

export interface WalCheckpointerStats {
  /** Checkpoints that copied pages into the database file. */
  checkpoints: number;
  /** Pages (WAL frames) they copied. */
  frames: number;
}

// Plain JavaScript run with `eval`: no entry file to build, so it runs the same under Jest and from dist/.
const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 1000');
let copied = 0;
const timer = setInterval(() => {
  const [result] = db.pragma('wal_checkpoint(PASSIVE)');
  // 'checkpointed' counts from the start of the WAL, and writers start the WAL again once it is all copied.
  const frames = result.checkpointed >= copied ? result.checkpointed - copied : result.checkpointed;
  if (frames > 0) parentPort.postMessage({ frames });
  copied = result.checkpointed;
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export class WalCheckpointer {
  private readonly worker: Worker;
  private readonly counters: WalCheckpointerStats = { checkpoints: 0, frames: 0 };
  private readonly exited: Promise<void>;

  /** `onFailure`: the thread stopped on an error (its connection could not checkpoint); the caller falls back. */
  constructor(file: string, onFailure: (error: Error) => void, intervalMs = WAL_CHECKPOINT_INTERVAL_MS) {
    this.worker = new Worker(THREAD_SCRIPT, {
      eval: true,
      name: 'wal-checkpointer',
      workerData: { file, intervalMs, driver: require.resolve('better-sqlite3') },
    });
    // Never what keeps a process alive; close() stops it.
    this.worker.unref();
    this.worker.on('message', ({ frames }: { frames: number }) => {
      this.counters.checkpoints += 1;
      this.counters.frames += frames;
    });
    this.worker.on('error', onFailure);
    this.exited = new Promise((resolve) => this.worker.once('exit', () => resolve()));
  }

  get stats(): WalCheckpointerStats {
    return { ...this.counters };
  }

  /** Stops the thread after its current checkpoint and closes its connection. */
  async stop(): Promise<void> {
    // Referenced again while stopping: an unreferenced thread's exit would not keep the process waiting for it.
    this.worker.ref();
    this.worker.postMessage('stop');
    await this.exited;
  }
}
