/** What the main thread and the projector thread say to each other (structured-clone plain objects). */

export interface ThreadOptions {
  /** Built JavaScript modules, each exporting `projectors`: what the thread runs, in order (the app tells it). */
  projectorModules: string[];
  /** The data folder both stores live in (the same files the main thread has open). */
  dataDir: string;
  /** pino level of the thread's logger (the main logger's level). */
  logLevel: string;
  /** How often an idle subscription polls if a wake-up were missed. */
  pollIntervalMs?: number;
  /** Back-off of parked events' automatic retries (AppConfig.parkedRetryBaseMs / parkedRetryMaxMs). */
  parking?: { retryBaseMs: number; retryMaxMs: number };
  /** Crash tests only: `projector-throws:<n>` makes the n-th batch of the thread's projectors throw (BILLING_FAULT). */
  fault?: string;
}

export type ToThread =
  /** The main thread committed appends: read now instead of waiting for the poll. */
  | { type: 'appended' }
  /** Finish the batches in flight, commit, close the stores, exit. */
  | { type: 'stop' };

/** The thread's read-store group commits so far (for the benchmarks) and its failed (retried) batches. */
export interface ThreadStats {
  commits: number;
  applies: number;
  failedBatches: number;
}

export type FromThread =
  /** Projectors prepared and checkpoints read; their positions. */
  | { type: 'ready'; positions: Record<string, number> }
  /** Positions after batches committed (checkpoints included); `changed`: projectors that wrote since the last report. */
  | { type: 'positions'; positions: Record<string, number>; stats: ThreadStats; changed?: string[] }
  /** Stopped cleanly: the last positions, stores closed. */
  | { type: 'stopped'; positions: Record<string, number>; stats: ThreadStats };
