import { lookup } from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import { isPrivateAddress, isPrivateHost } from '../domain/webhook-url';

export interface PostResult {
  status: number | null;
  body: string | null;
  error: string | null;
  durationMs: number;
}

const SNIPPET_BYTES = 500;

/**
 * One POST with a hard deadline: no redirects (a 3xx is an answer like any non-2xx), at most the first 500 bytes of
 * the answer kept. With `allowPrivate` false, the address a DNS name resolves to is checked as it is connected to,
 * so a name pointing at a private address is refused (also one that changes its answer after the check).
 */
export function postJson(url: string, body: string, headers: Record<string, string>, options: { timeoutMs: number; allowPrivate: boolean; signal?: AbortSignal }): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (result: Omit<PostResult, 'durationMs'>) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...result, durationMs: elapsed() });
    };
    const target = new URL(url);
    if (!options.allowPrivate && isPrivateHost(target.hostname)) {
      return done({ status: null, body: null, error: `${target.hostname} is a private address: refused for a production tenant` });
    }
    const client = target.protocol === 'https:' ? https : http;
    const request = client.request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'billing-webhooks/1', ...headers },
        ...(options.allowPrivate ? {} : { lookup: publicOnlyLookup }),
        signal: options.signal,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < SNIPPET_BYTES) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('end', () => done({ status: response.statusCode ?? null, body: Buffer.concat(chunks).toString('utf8').slice(0, SNIPPET_BYTES), error: null }));
        response.on('error', (error) => done({ status: response.statusCode ?? null, body: null, error: error.message }));
      },
    );
    timer = setTimeout(() => {
      request.destroy(new Error(`timed out after ${options.timeoutMs} ms`));
    }, options.timeoutMs);
    request.on('error', (error) => done({ status: null, body: null, error: error.message }));
    request.end(body);
  });
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | { address: string; family: number }[], family?: number) => void;

// Node asks for one address or (autoSelectFamily) all of them; every address it may connect to must be public.
function publicOnlyLookup(hostname: string, options: { all?: boolean }, callback: LookupCallback): void {
  lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.find((entry) => isPrivateAddress(entry.address));
    if (refused) return callback(new Error(`${hostname} resolves to ${refused.address}, a private address: refused for a production tenant`), '', 0);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0].address, addresses[0].family);
  });
}
