/**
 * The deliverer's HTTP requests on a thread of their own (post-thread.main.ts): Node's HTTP client (building the
 * request, writing it, parsing the answer, handing the socket back to the agent) was a sixth of the main thread
 * while it delivered, and the main thread is the one that appends and serves requests. Requests cross in batches,
 * one message per turn of either event loop; each comes back as the same PostResult `postJson` gives.
 */
import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import { builtJavaScript } from '../../platform/projection-runner/thread/entry-file';
import type { PostResult } from './http-post';

export interface PostRequest {
  id: number;
  url: string;
  body: string;
  headers: Record<string, string>;
  timeoutMs: number;
  allowPrivate: boolean;
}

export type ToPostThread = { type: 'post'; requests: PostRequest[] } | { type: 'abort' };
export type FromPostThread = { type: 'answers'; answers: [number, PostResult][] };

interface Waiting {
  resolve(result: PostResult): void;
  reject(error: Error): void;
}

export class PostThread {
  private readonly worker: Worker;
  private readonly waiting = new Map<number, Waiting>();
  private outbox: PostRequest[] = [];
  private flushScheduled = false;
  private nextId = 1;
  private failure: Error | null = null;

  constructor() {
    this.worker = new Worker(builtJavaScript(path.join(__dirname, `post-thread.main${path.extname(__filename)}`)), { name: 'webhook-posts' });
    // Referenced only while requests are out (see post): an idle thread never keeps the process alive.
    this.worker.unref();
    this.worker.on('message', (message: FromPostThread) => {
      for (const [id, result] of message.answers) {
        this.waiting.get(id)?.resolve(result);
        this.waiting.delete(id);
      }
      if (this.waiting.size === 0) this.worker.unref();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`the webhook post thread exited (code ${code})`)));
  }

  /** The thread is gone (it failed or was closed): the caller posts in its own thread from now on. */
  get failed(): boolean {
    return this.failure !== null;
  }

  /** As `postJson`; rejects only when the thread itself failed (the request's outcome is then unknown). */
  post(request: Omit<PostRequest, 'id'>): Promise<PostResult> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    this.outbox.push({ id, ...request });
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
    this.worker.ref();
    return new Promise<PostResult>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
  }

  /** Cuts every request out short: each is answered as `postJson` answers an aborted request. */
  abortAll(): void {
    this.flush();
    if (!this.failure) this.worker.postMessage({ type: 'abort' } satisfies ToPostThread);
  }

  /** Ends the thread; requests still out are rejected. */
  async close(): Promise<void> {
    if (this.failure) return;
    this.fail(new Error('the webhook post thread is closed'));
    await this.worker.terminate(); // resolves once the thread has exited
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.outbox.length === 0 || this.failure) return;
    this.worker.postMessage({ type: 'post', requests: this.outbox } satisfies ToPostThread);
    this.outbox = [];
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    for (const waiting of this.waiting.values()) waiting.reject(error);
    this.waiting.clear();
    this.outbox = [];
  }
}
