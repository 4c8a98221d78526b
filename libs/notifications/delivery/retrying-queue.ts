import { retryDelayMs } from '../domain';

export interface RetryingQueueOptions<Job> {
  /** Jobs of one lane run at most `concurrency` at a time; lanes run side by side (one per webhook endpoint, say). */
  laneOf(job: Job): string;
  concurrency: number;
  /** A job already waiting (same key) is not queued twice. */
  keyOf(job: Job): string;
  /** One attempt: the attempts made so far when the job is to be tried again later, or null when it is done. */
  attempt(job: Job): Promise<number | null>;
  /** Back-off base (WEBHOOK_RETRY_BASE_MS): base × 2^(n−1), capped, jittered. */
  retryBaseMs: number;
  /** An attempt that threw (its outcome could not be recorded): logged, then tried again after the first back-off. */
  onError(error: unknown, job: Job): void;
}

interface Lane<Job> {
  queue: Job[];
  /** The keys of the queued jobs. */
  waiting: Set<string>;
  running: number;
}

/**
 * In-process background work with retries, off the command path: webhook deliveries and emails. Memory only: the
 * log is the truth (each attempt re-reads its stream), and what a restart drops is handed back by its owner.
 */
export class RetryingQueue<Job> {
  private readonly lanes = new Map<string, Lane<Job>>();
  private readonly retries = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private halted = false;

  constructor(private readonly options: RetryingQueueOptions<Job>) {}

  get stopped(): boolean {
    return this.halted;
  }

  enqueue(job: Job): void {
    if (this.halted) return;
    const key = this.options.laneOf(job);
    let lane = this.lanes.get(key);
    if (!lane) this.lanes.set(key, (lane = { queue: [], waiting: new Set(), running: 0 }));
    // A set, not a scan of the queue: a dead endpoint's lane holds every event published since it died.
    const jobKey = this.options.keyOf(job);
    if (!lane.waiting.has(jobKey)) {
      lane.waiting.add(jobKey);
      lane.queue.push(job);
    }
    this.drain(key, lane);
  }

  /** Stops retrying, lets `cutShort` end the attempts in flight (an abort signal), and waits for them. */
  async stop(cutShort: () => void = () => undefined): Promise<void> {
    this.halted = true;
    for (const timer of this.retries) clearTimeout(timer);
    this.retries.clear();
    cutShort();
    await Promise.allSettled([...this.inFlight]);
  }

  private drain(key: string, lane: Lane<Job>): void {
    while (!this.halted && lane.running < this.options.concurrency && lane.queue.length > 0) {
      const job = lane.queue.shift()!;
      lane.waiting.delete(this.options.keyOf(job));
      lane.running++;
      const running = this.options
        .attempt(job)
        .then((attempts) => {
          if (attempts !== null) this.later(job, attempts);
        })
        .catch((error: unknown) => {
          if (this.halted) return;
          this.options.onError(error, job);
          this.later(job, 1);
        })
        .finally(() => {
          lane.running--;
          this.inFlight.delete(running);
          if (lane.running === 0 && lane.queue.length === 0) this.lanes.delete(key);
          else this.drain(key, lane);
        });
      this.inFlight.add(running);
    }
  }

  private later(job: Job, attempts: number): void {
    if (this.halted) return;
    const timer = setTimeout(() => {
      this.retries.delete(timer);
      this.enqueue(job);
    }, retryDelayMs(attempts, this.options.retryBaseMs, Math.random()));
    timer.unref();
    this.retries.add(timer);
  }
}
