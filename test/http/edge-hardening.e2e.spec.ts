import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { createApp } from '../../apps/bootstrap';
import { allInOneModules } from '../../apps/all-in-one/all-in-one.module';
import { FixedClock } from '../../libs/platform/clock/clock';
import { loadConfig } from '../../libs/platform/config/config';
import { redactUrl } from '../../libs/platform/logging/redact-url';
import { ADMIN_KEY, startTestApp, TestApp } from '../support/test-app';

describe('edge hardening: failed authentications are rate limited', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: '3', AUTH_FAILURE_WINDOW_MS: '60000' } });
  });
  afterAll(() => t.close());

  it('answers 401 up to the limit, then 429 with Retry-After in the error shape; valid keys, /health and /docs stay free', async () => {
    const tenant = await t.createTenant();
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await t.request('GET', '/v1/clock', { key: `wrong-${i}` })).status);
    expect(statuses).toEqual([401, 401, 401]);

    const refused = await t.request('GET', '/v1/clock', { key: 'wrong-again' });
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, error: 'Too Many Requests', details: [] });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // No key at all counts as a failure too.
    expect((await t.request('GET', '/v1/clock', { key: null })).status).toBe(429);

    // Never counted, never refused: many valid requests from the same address.
    for (let i = 0; i < 10; i++) {
      expect((await t.request('GET', '/v1/clock', { key: tenant.apiKey })).status).toBe(200);
      expect((await t.request('GET', `/v1/tenants/${tenant.id}`, { key: ADMIN_KEY })).status).toBe(200);
    }
    expect((await t.request('GET', '/health')).status).toBe(200);
    expect((await t.request('GET', '/docs')).status).toBe(200);
  });
});

describe('edge hardening: the limit turned off', () => {
  it('AUTH_FAILURE_LIMIT=0 answers every wrong key 401', async () => {
    const off = await startTestApp({ env: { AUTH_FAILURE_LIMIT: '0' } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await off.request('GET', '/v1/clock', { key: `wrong-${i}` })).status);
      expect(new Set(statuses)).toEqual(new Set([401]));
    } finally {
      await off.close();
    }
  });
});

describe('edge hardening: security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('every answer has nosniff, frame options and a CSP; /v1/ answers (a new API key among them) are no-store', async () => {
    const created = await t.request('POST', '/v1/tenants', { key: ADMIN_KEY, body: { name: 'Acme' } });
    expect(created.status).toBe(201);
    const unauthorized = await t.request('GET', '/v1/clock', { key: 'nope' });
    const missing = await t.request('GET', '/v1/nothing-here', { key: created.body.apiKey });
    for (const response of [created, unauthorized, missing]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
    for (const response of [created, unauthorized, missing, await t.request('GET', '/health')]) {
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
  });

  it('/docs still loads: its page, scripts, styles and the OpenAPI document, under the same CSP', async () => {
    const page = await fetch(`${t.url}/docs`);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    // The page has no inline script (the CSP would block it): all scripts are files of this server.
    expect(html).not.toMatch(/<script>/);

    const assets = [...html.matchAll(/(?:src|href)="([^"]+\.(?:js|css))"/g)].map((match) => match[1]);
    expect(assets.length).toBeGreaterThanOrEqual(4);
    for (const asset of assets) {
      const response = await fetch(new URL(asset, `${t.url}/docs`));
      await response.arrayBuffer();
      expect([asset, response.status]).toEqual([asset, 200]);
      expect(response.headers.get('content-type')).toContain(asset.endsWith('.css') ? 'text/css' : 'javascript');
    }
    const document = await fetch(`${t.url}/openapi.json`);
    expect(document.status).toBe(200);
    expect(((await document.json()) as { openapi: string }).openapi).toMatch(/^3\./);
  });
});

describe('edge hardening: key-like query parameters are redacted in the logs', () => {
  it('redactUrl replaces the values of apiKey, api_key, key, token, access_token in any case, and keeps the rest', () => {
    expect(redactUrl('/v1/accounts?limit=5&apiKey=bk_secret&API_KEY=a&Key=b&token=c&Access_Token=d&cursor=x')).toBe(
      '/v1/accounts?limit=5&apiKey=[REDACTED]&API_KEY=[REDACTED]&Key=[REDACTED]&token=[REDACTED]&Access_Token=[REDACTED]&cursor=x',
    );
    expect(redactUrl('/v1/accounts?api%5Fkey=s')).toBe('/v1/accounts?api%5Fkey=[REDACTED]');
    expect(redactUrl('/health')).toBe('/health');
  });

  it('the request line of a real request does not carry the key', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'billing-test-'));
    const config = loadConfig({ DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN_KEY, PROJECTORS: 'inline' });
    const app = await createApp('test', allInOneModules, {
      config,
      clock: new FixedClock(new Date('2026-11-22T10:00:00Z')),
      logger: pino({ level: 'info' }, sink),
      print: () => undefined,
    });
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const response = await fetch(`http://127.0.0.1:${port}/v1/clock?apiKey=bk_leaked_secret&limit=5`);
      expect(response.status).toBe(401);
      await response.arrayBuffer();
      // The request line is written when the answer has been sent.
      const deadline = Date.now() + 2000;
      while (!lines.some((line) => line.includes('"msg":"request"')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      const requestLine = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'request');
      expect(requestLine).toMatchObject({ url: '/v1/clock?apiKey=[REDACTED]&limit=5', status: 401 });
      expect(lines.join('\n')).not.toContain('bk_leaked_secret');
    } finally {
      await app.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
