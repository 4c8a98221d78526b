import { DynamicModule, Type } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino from 'pino';
import { createApp } from '../../apps/bootstrap';
import { allInOneModules } from '../../apps/all-in-one/all-in-one.module';
import { FixedClock } from '../../libs/platform/clock/clock';
import { loadConfig } from '../../libs/platform/config/config';
import { ReadYourWrites } from '../../libs/platform/app/read-your-writes';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { OpenApiRecorder } from '../../scripts/openapi-recorder';

export const ADMIN_KEY = 'test-admin-key';

export interface HttpResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  key?: string | null;
  body?: unknown;
  /** Sent as is (for malformed JSON). */
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface TestApp {
  url: string;
  dataDir: string;
  app: NestFastifyApplication;
  clock: FixedClock;
  request<T = any>(method: string, route: string, options?: RequestOptions): Promise<HttpResponse<T>>;
  /** Waits until every projector and process manager has caught up and nothing more is being written; the log head. */
  settledHead(): Promise<number>;
  /** Creates a tenant with the admin key and returns its API key and id. */
  createTenant(body?: Record<string, unknown>): Promise<{ id: string; apiKey: string; body: any }>;
  close(options?: { keepData?: boolean }): Promise<void>;
}

export interface TestAppOptions {
  dataDir?: string;
  modules?: Array<Type | DynamicModule>;
  now?: string;
  env?: Record<string, string>;
}

/** The all-in-one app on a temporary SQLite data folder, listening on a random port: tests speak real HTTP. */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const dataDir = options.dataDir ?? mkdtempSync(path.join(tmpdir(), 'billing-test-'));
  // Projectors inline by default (faster to start; test/http/projector-thread.e2e.spec.ts runs them in their thread).
  const config = loadConfig({ DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, LOG_LEVEL: 'silent', PROJECTORS: 'inline', ...options.env });
  const clock = new FixedClock(new Date(options.now ?? '2026-11-22T10:00:00Z'));
  const app = await createApp('test', [...allInOneModules, ...(options.modules ?? [])], {
    config,
    clock,
    logger: pino({ level: 'silent' }),
    print: () => undefined,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const recorder = OpenApiRecorder.fromEnv();
  const request = async <T>(method: string, route: string, opts: RequestOptions = {}): Promise<HttpResponse<T>> => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.key !== null && opts.key !== undefined) headers.authorization = `Bearer ${opts.key}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) body = JSON.stringify(opts.body);
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const response = await fetch(`${url}${route}`, { method, headers, body });
    const text = await response.text();
    await recorder?.record(url, method, route, response.status, response.headers.get('content-type'), text);
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON (e.g. the /docs page)
    }
    return { status: response.status, body: parsed as T, headers: response.headers };
  };

  return {
    url,
    dataDir,
    app,
    clock,
    request,
    async settledHead() {
      const log = app.get<EventStore>(EVENT_STORE);
      const consumers = app.get(ReadYourWrites);
      for (;;) {
        const head = await log.headPosition();
        if (!(await consumers.waitForEverything(head, 10_000))) throw new Error(`consumers did not reach ${head}`);
        if ((await log.headPosition()) === head) return head;
      }
    },
    async createTenant(body = { name: 'Acme' }) {
      const response = await request<any>('POST', '/v1/tenants', { key: ADMIN_KEY, body });
      if (response.status !== 201) throw new Error(`tenant creation failed: ${response.status} ${JSON.stringify(response.body)}`);
      return { id: response.body.id, apiKey: response.body.apiKey, body: response.body };
    },
    async close({ keepData = false } = {}) {
      await app.close();
      if (!keepData && !options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
