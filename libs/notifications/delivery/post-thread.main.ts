/**
 * The webhook post thread's entry (post-thread.ts): makes each request it is sent with `postJson`, and answers the
 * results of one turn of its event loop in one message. `abort` cuts every request in flight short.
 */
import { setMaxListeners } from 'node:events';
import { parentPort } from 'node:worker_threads';
import { postJson, PostResult } from './http-post';
import type { FromPostThread, ToPostThread } from './post-thread';

const port = parentPort as NonNullable<typeof parentPort>;
let abort = new AbortController();
setMaxListeners(0, abort.signal);
let answers: [number, PostResult][] = [];

function answer(id: number, result: PostResult): void {
  if (answers.length === 0) {
    setImmediate(() => {
      port.postMessage({ type: 'answers', answers } satisfies FromPostThread);
      answers = [];
    });
  }
  answers.push([id, result]);
}

port.on('message', (message: ToPostThread) => {
  if (message.type === 'abort') {
    abort.abort();
    abort = new AbortController();
    setMaxListeners(0, abort.signal);
    return;
  }
  for (const { id, url, body, headers, timeoutMs, allowPrivate } of message.requests) {
    void postJson(url, body, headers, { timeoutMs, allowPrivate, signal: abort.signal }).then((result) => answer(id, result));
  }
});
