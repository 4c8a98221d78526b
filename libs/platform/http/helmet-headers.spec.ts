import { helmetHeaders } from './app-factory';

describe("helmet's headers, taken once at start-up", () => {
  it("are the plugin's own (a CSP for the JSON answers and /docs, frames denied), without Fastify's answer headers", async () => {
    const headers = Object.fromEntries(await helmetHeaders());
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['content-security-policy']).toBe(
      "default-src 'self';base-uri 'self';form-action 'self';frame-ancestors 'none';object-src 'none';script-src 'self';" +
        "script-src-attr 'none';style-src 'self' 'unsafe-inline';img-src 'self' data:;font-src 'self' data:",
    );
    for (const own of ['content-type', 'content-length', 'date', 'connection']) expect(headers[own]).toBeUndefined();
  });
});
