import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { PostThread } from './post-thread';

/** Answers `/ok` with 201 and a body, holds `/hang` until the test ends. */
async function receiver() {
  const received: { path: string; body: string; signature: string }[] = [];
  const hanging: ServerResponse[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({ path: request.url ?? '', body: Buffer.concat(chunks).toString('utf8'), signature: String(request.headers['billing-signature']) });
      if (request.url === '/hang') hanging.push(response);
      else response.writeHead(201, { 'content-type': 'text/plain' }).end('thanks');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    close: async () => {
      for (const response of hanging) response.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

describe('PostThread (the webhook requests on a thread of their own)', () => {
  let hook: Awaited<ReturnType<typeof receiver>>;
  let thread: PostThread;
  beforeEach(async () => {
    hook = await receiver();
    thread = new PostThread();
  });
  afterEach(async () => {
    await thread.close();
    await hook.close();
  });

  const request = (path: string, body: string, timeoutMs = 5_000) => ({ url: `${hook.base}${path}`, body, headers: { 'Billing-Signature': `t=1,v1=${body.length}` }, timeoutMs, allowPrivate: true });

  it('makes each request and answers as postJson does; requests of one turn go together and each gets its own answer', async () => {
    const results = await Promise.all(['a', 'bb', 'ccc'].map((body) => thread.post(request('/ok', JSON.stringify({ body })))));
    expect(results.map(({ status, body, error }) => ({ status, body, error }))).toEqual(Array(3).fill({ status: 201, body: 'thanks', error: null }));
    expect(hook.received.map(({ body, signature }) => [JSON.parse(body).body, signature])).toEqual(
      expect.arrayContaining([['a', 't=1,v1=12'], ['bb', 't=1,v1=13'], ['ccc', 't=1,v1=14']]),
    );
  });

  it("ends a request at its timeout with the timeout as its error (the endpoint's answer, not the thread's failure)", async () => {
    const result = await thread.post(request('/hang', '{}', 200));
    expect(result).toMatchObject({ status: null, body: null });
    expect(result.error).toContain('timed out after 200 ms');
    expect(result.durationMs).toBeGreaterThanOrEqual(150);
  });

  it('abortAll cuts the requests in flight short, each answered with an error; later requests are made again', async () => {
    const hanging = thread.post(request('/hang', '{}'));
    while (hook.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    thread.abortAll();
    const cut = await hanging;
    expect(cut.status).toBeNull();
    expect(cut.error).toMatch(/abort/i);
    expect(await thread.post(request('/ok', '{}'))).toMatchObject({ status: 201 });
  });

  it('once closed (or failed), rejects what was out and what comes after, and says it failed', async () => {
    const hanging = thread.post(request('/hang', '{}')).then(
      () => 'answered',
      (error: Error) => error.message,
    );
    while (hook.received.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await thread.close();
    expect(await hanging).toBe('the webhook post thread is closed');
    await expect(thread.post(request('/ok', '{}'))).rejects.toThrow('the webhook post thread is closed');
    expect(thread.failed).toBe(true);
  });
});
