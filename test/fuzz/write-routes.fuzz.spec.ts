/**
 * Issue 15, "Must have 7" (the fuzz half): property-based requests over every write route of the app's own
 * OpenAPI document (new routes are covered without editing this file).
 *
 * Properties, for every request: never a 5xx; a 4xx is in the API's error format without a stack trace; a 4xx
 * writes nothing (the log head is the same before and after, both taken once every consumer has settled).
 *
 * Bounded for `npm test` (fixed seed, FUZZ_RUNS runs per route). To run longer or replay a failure:
 *   FUZZ_RUNS=5000 npx jest test/fuzz
 *   FUZZ_SEED=<seed from the report> FUZZ_ROUTE='POST /v1/usage' npx jest test/fuzz
 * fast-check's report prints the seed, the path and the failing request.
 */
import fc from 'fast-check';
import { ADMIN_KEY, HttpResponse, startTestApp, TestApp } from '../support/test-app';

const RUNS = Number(process.env.FUZZ_RUNS ?? 400); // per route: ~7,000 requests, ~20 s here
const SEED = Number(process.env.FUZZ_SEED ?? 15);
// Longer runs need longer tests; jest's default of 30 s is for the bounded run.
const TIMEOUT = Math.max(120_000, RUNS * 70 * 20); // ~20 ms a request (more on a loaded machine), ~70 write routes, with room

type Schema = Record<string, any>;
type FuzzRequest =
  | { kind: 'json'; body: unknown; contentType?: string }
  | { kind: 'raw'; rawBody: string; contentType?: string }
  | { kind: 'none' };

// ---- values -------------------------------------------------------------------------------------------------

const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\ude00b', '\udc00\ud800'];
const EDGE_STRINGS = [
  '', ' ', '\t\n', 'NaN', '-NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '1e-400', '0x10', '-0', '+1', '1_000', '١٢٣',
  'null', 'undefined', 'true', '[]', '{}', '0000-01-01', '9999-12-31', '2019-02-29', '2024-02-30', '1899-12-31',
  '1900-01-01', '2200-01-01', '2019-13-01', '2019-00-10', '2019-2-1', '20190210', '2019-02-10T25:00:00Z',
  '+002019-02-10', '-000001-01-01', '\u0000', '\u001f', '😀', '👨‍👩‍👧‍👦', '\u202eevil\u202c', 'مرحبا', 'שלום', '\u200b', '\ufeff',
  'e\u0301', '../..', '%00', '%', '<script>', "'; DROP TABLE events;--", '__proto__', 'constructor', 'USD\u0000',
  '99999999999999999999', '-99999999999999999999', '0.00000000001', '1.', '.5', '1,5', ' 1 ', '1e3',
  ...LONE_SURROGATES,
];
const EDGE_NUMBERS = [
  0, -0, 1, -1, 0.5, 1.5, 31, 32, 365, 366, 2 ** 31, -(2 ** 31), Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2,
  -Number.MAX_SAFE_INTEGER - 2, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE, 1e21, 1e-7,
];

const loneSurrogateString = fc.array(fc.oneof(fc.constantFrom(...LONE_SURROGATES), fc.string({ maxLength: 3 })), { maxLength: 4 }).map((parts) => parts.join(''));
const longString = fc.tuple(fc.constantFrom('x', '9', 'é', '😀', '\u200b'), fc.integer({ min: 300, max: 120_000 })).map(([c, n]) => c.repeat(n));

/** A value of any type: the wrong type for most fields. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: fc.jsonValue({ maxDepth: 4 }), weight: 3 },
  { arbitrary: fc.constantFrom<unknown>(null, true, false, ...EDGE_NUMBERS, ...EDGE_STRINGS), weight: 4 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: loneSurrogateString, weight: 1 },
  { arbitrary: longString, weight: 1 },
  { arbitrary: fc.double(), weight: 1 },
  { arbitrary: fc.integer(), weight: 1 },
);

/**
 * Values that pass, by field name, so that a request with one wrong field gets past every other check. Amounts and
 * quantities include ones near the edge of what can be represented (issue 15, Must have 3).
 */
const GOOD: Record<string, unknown[]> = {
  name: ['Fuzz', 'Ünïcødé 😀'], currency: ['USD'], planId: ['data'], accountId: ['acct', 'kid'],
  serviceId: ['gb', 'base'], payerAccountId: ['acct'], parentAccountId: ['acct', null], to: ['2024-01-15', '2024-02-01'],
  occurredAt: ['2024-01-05', '2024-01-31', '2024-02-01'], effectiveDate: ['2024-01-01', '2024-02-01'], retroactiveStartDate: ['2023-12-01', '2023-01-01'],
  quantity: ['1', '3', 2, '0.5', '1000000', '1000000000000', '1000000000001', '9007199254740993'], unitPrice: ['5.00', '0.0035', '99999999999.99', '1e3'],
  flatPrice: ['0.00', '10'], upTo: ['10', null], percent: ['100', '50', 100], discountPercent: ['10', null], email: ['a@b.co'],
  country: ['US', 'XK', 'ZZ'], language: ['en', 'pt-BR'], paymentTermsDays: [30, 0, 365], idempotencyKey: ['k1', 'k2'],
  sandbox: [true], businessDate: ['2024-01-01', '1900-01-01', '2199-12-31'], timeZone: ['UTC', 'Europe/Paris', 'Mars/Olympus'],
  members: ['descendants', ['kid']], doWrite: [false, true],
  billingInterval: [{ unit: 'month', count: 1 }, { unit: 'week', count: 2 }, { unit: 'month', count: 36 }],
  pricing: [
    { model: 'perUnit', unitPrice: '5.00' },
    { model: 'perUnit', unitPrice: '90071992547409.91' },
    { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '5.00', flatPrice: '1' }, { upTo: null, unitPrice: '0.0001' }] },
    { model: 'volume', tiers: [{ upTo: '1e12', unitPrice: '99999999' }, { upTo: null, unitPrice: '1.00' }] },
  ],
};

/** An object whose fields pass, but for one chosen at random that gets a wrong type, size or encoding. */
function oneFieldWrong(schema: Schema, ids: string[]): fc.Arbitrary<unknown> {
  const names = Object.keys(schema.properties ?? {});
  if (names.length === 0) return weird;
  const goodFields = Object.fromEntries(names.map((name) => [name, good(name, schema.properties[name], ids, 1)]));
  const required: string[] = schema.required ?? [];
  return fc
    .tuple(fc.record(goodFields, { requiredKeys: required.filter((r) => names.includes(r)) }), fc.constantFrom(...names), weird)
    .map(([base, name, value]) => ({ ...base, [name]: value }));
}

function good(name: string, schema: Schema, ids: string[], depth: number): fc.Arbitrary<unknown> {
  // Fresh ids, so creations do not all answer 409 after the first.
  if (name === 'id') return fc.stringMatching(/^[a-z][a-z0-9]{2,8}$/);
  if (GOOD[name]) return fc.oneof({ arbitrary: fc.constantFrom(...GOOD[name]), weight: 4 }, { arbitrary: plausible(schema, ids, depth), weight: 1 });
  if (schema.type === 'object' && schema.properties && depth < 4) {
    const fields = Object.fromEntries(Object.entries<Schema>(schema.properties).map(([n, s]) => [n, good(n, s, ids, depth + 1)]));
    return fc.record(fields, { requiredKeys: (schema.required ?? []).filter((r: string) => r in fields) });
  }
  if (schema.type === 'array' && schema.items && depth < 4) return fc.array(good(name, schema.items, ids, depth + 1), { minLength: 1, maxLength: 3 });
  return plausible(schema, ids, depth);
}

/** Values that pass or nearly pass a field's schema, so that requests get past the first check to deeper ones. */
function plausible(schema: Schema, ids: string[], depth: number): fc.Arbitrary<unknown> {
  if (schema.enum) return fc.constantFrom(...schema.enum);
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.example !== undefined) options.push(fc.constant(schema.example));
  if (schema.default !== undefined) options.push(fc.constant(schema.default));
  if (schema.oneOf) options.push(...schema.oneOf.map((s: Schema) => plausible(s, ids, depth)));
  if (schema.allOf) options.push(plausible(Object.assign({}, ...schema.allOf), ids, depth));
  switch (schema.type) {
    case 'object':
      if (schema.properties && depth < 4) options.push(objectOf(schema, ids, depth + 1));
      else options.push(fc.constantFrom<unknown>(...ids, '2024-01-15', '1', 1, 2, 'US', 'a@b.co'));
      break;
    case 'array':
      if (depth < 4) options.push(fc.array(field(schema.items ?? {}, ids, depth + 1), { maxLength: 3 }));
      break;
    case 'string':
      options.push(fc.constantFrom(...ids, '2024-01-15', '2024-02-01', '2024-01-01', 'USD', 'EUR', 'JPY', '1', '10.00', '0.0035', '100', 'US', 'en'));
      options.push(fc.string({ maxLength: 12 }));
      break;
    case 'number':
    case 'integer': {
      const bounds = [schema.minimum, schema.maximum].filter((b) => typeof b === 'number');
      options.push(fc.constantFrom(...bounds.flatMap((b) => [b - 1, b, b + 1]), 1, 2, 10));
      options.push(fc.integer({ min: -5, max: 400 }));
      break;
    }
    case 'boolean':
      options.push(fc.boolean());
      break;
  }
  if (options.length === 0) options.push(weird);
  return schema.nullable ? fc.oneof(fc.constant(null), ...options) : fc.oneof(...options);
}

/** One field: mostly plausible, sometimes a wrong type, size or encoding. */
function field(schema: Schema, ids: string[], depth: number): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: plausible(schema, ids, depth), weight: 3 }, { arbitrary: weird, weight: 1 });
}

/** An object of the schema's fields, any of them absent, sometimes with unknown extra keys. */
function objectOf(schema: Schema, ids: string[], depth: number): fc.Arbitrary<Record<string, unknown>> {
  const fields = Object.fromEntries(Object.entries<Schema>(schema.properties ?? {}).map(([name, s]) => [name, field(s, ids, depth)]));
  const extra = fc.oneof(
    { arbitrary: fc.constant({}), weight: 4 },
    { arbitrary: fc.dictionary(fc.constantFrom('__proto__', 'constructor', 'extra', '', '😀', 'a'.repeat(300)), weird, { maxKeys: 2 }), weight: 1 },
  );
  return fc.tuple(fc.record(fields, { requiredKeys: [] }), extra).map(([known, more]) => ({ ...more, ...known }));
}

/** Replaces every $ref with its schema (the DTO schemas are not recursive). */
function resolve(schema: unknown, components: Record<string, Schema>, depth = 0): any {
  if (depth > 10 || schema === null || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map((s) => resolve(s, components, depth + 1));
  const ref = (schema as Schema).$ref;
  if (typeof ref === 'string') return resolve(components[ref.split('/').pop()!], components, depth + 1);
  return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, resolve(v, components, depth + 1)]));
}

const RAW_TEXTS = [
  '', ' ', '{', '}', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', 'NaN', 'Infinity', '1e999', '-', 'null', 'true', '"x"', '[]',
  '[1,2', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"polluted":1}}}', '{"a":"\\ud800"}',
  '{"a":"\\u0000"}', '{"a":"\\x41"}', '{"a":01}', '{"a":.5}', '{"a":+1}', '{"a":1e99999}', '{"a":-0}', 'a=1&b=2',
  '<xml/>', '\u0000\u0000', '{"a":1}\u0000', '{"a":"' + 'x'.repeat(2_000_000) + '"}',
];
const CONTENT_TYPES = [
  'application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'application/json; charset=latin1',
  'application/json; charset=utf-16', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/xml', 'application/merge-patch+json', 'application/octet-stream', 'application/json, text/plain', '', '*/*',
];

function requests(bodySchema: Schema | undefined, ids: string[]): fc.Arbitrary<FuzzRequest> {
  const jsonBody = fc.oneof(
    { arbitrary: bodySchema ? objectOf(bodySchema, ids, 0) : weird, weight: 3 },
    { arbitrary: bodySchema ? oneFieldWrong(bodySchema, ids) : weird, weight: 3 },
    { arbitrary: bodySchema ? good('', bodySchema, ids, 0) : weird, weight: 1 },
    { arbitrary: weird, weight: 2 },
    { arbitrary: fc.constantFrom<unknown>({}, [], null, 0, '', [{}], { '': '' }), weight: 1 },
  );
  return fc.oneof(
    { arbitrary: jsonBody.map((body): FuzzRequest => ({ kind: 'json', body })), weight: 8 },
    { arbitrary: fc.tuple(jsonBody, fc.constantFrom(...CONTENT_TYPES)).map(([body, contentType]): FuzzRequest => ({ kind: 'json', body, contentType })), weight: 1 },
    {
      arbitrary: fc
        .tuple(fc.oneof(fc.constantFrom(...RAW_TEXTS), fc.string({ unit: 'binary', maxLength: 60 }), fc.json().map((s) => s.slice(0, -1))), fc.constantFrom(...CONTENT_TYPES))
        .map(([rawBody, contentType]): FuzzRequest => ({ kind: 'raw', rawBody, contentType })),
      weight: 2,
    },
    { arbitrary: fc.constant<FuzzRequest>({ kind: 'none' }), weight: 1 },
  );
}

/** A path segment: an existing id, or anything (percent-encoded, including invalid UTF-8 escapes). */
function segment(existing: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { arbitrary: fc.constantFrom(...existing), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).map(encodeURIComponent), weight: 2 },
    { arbitrary: fc.constantFrom('%ED%A0%80', '%FF', '%00', '..', '.', '%2F', '%252F', 'a'.repeat(2000), '%F0%9F%98%80', ' ', '%20'), weight: 1 },
  );
}

// ---- the suite ----------------------------------------------------------------------------------------------

describe('Fuzzed write routes (issue 15, Must have 7)', () => {
  let t: TestApp;
  let key: string;
  let openapi: any;
  const existing: Record<string, string[]> = {};
  const statuses: Record<number, number> = {};

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key } = await t.createTenant({ name: 'Fuzz', sandbox: true, businessDate: '2024-01-01' }));
    // The api-key route rotates the key of the tenant it names: it gets a spare tenant, not ours.
    const spare = await t.createTenant({ name: 'Spare', sandbox: true, businessDate: '2024-01-01' });
    const ok = async (method: string, route: string, body: unknown) => {
      const response = await t.request(method, route, { key, body });
      if (response.status >= 300) throw new Error(`${method} ${route}: ${response.status} ${JSON.stringify(response.body)}`);
      return response.body;
    };
    const perUnit = (unitPrice: string) => ({ model: 'perUnit', unitPrice });
    await ok('POST', '/v1/plans', {
      id: 'data', name: 'Data', currency: 'USD', billingInterval: { unit: 'month', count: 1 },
      services: [
        { id: 'base', name: 'Line', type: 'recurring', pricing: perUnit('1.00') },
        { id: 'gb', name: 'GB', type: 'usage', pricing: { model: 'tiered', tiers: [{ upTo: '10', unitPrice: '5.00' }, { upTo: null, unitPrice: '1.00' }] } },
      ],
    });
    await ok('POST', '/v1/accounts', { id: 'acct', name: 'Acct', currency: 'USD' });
    await ok('POST', '/v1/accounts', { id: 'kid', name: 'Kid', currency: 'USD', parentAccountId: 'acct' });
    const instances = [];
    for (const [account, id] of [['acct', 'pi-a'], ['kid', 'pi-b'], ['acct', 'pi-c']]) {
      instances.push((await ok('POST', `/v1/accounts/${account}/plan-instances`, { id, planId: 'data' })).id);
    }
    await ok('PUT', '/v1/accounts/acct/usage-pools/gb', {});
    Object.assign(existing, {
      accounts: ['acct', 'kid'],
      plans: ['data'],
      'plan-instances': instances,
      tenants: [spare.id],
      'usage-pools': ['gb', 'base'],
    });
    openapi = (await t.request('GET', '/openapi.json')).body;
  }, 60_000);
  afterAll(() => t?.close());

  const checkAnswer = (request: string, response: HttpResponse, before: number, after: number) => {
    const context = `${request} -> ${response.status} ${JSON.stringify(response.body)?.slice(0, 500)}`;
    if (response.status >= 500) throw new Error(`5xx: ${context}`);
    if (response.status < 400) return;
    const body = response.body;
    const detailsOk =
      Array.isArray(body?.details) &&
      body.details.every((d: any) => d && typeof d === 'object' && typeof d.field === 'string' && typeof d.rule === 'string' && typeof d.message === 'string');
    if (!(body && body.statusCode === response.status && typeof body.error === 'string' && typeof body.message === 'string' && detailsOk)) {
      throw new Error(`4xx not in the error format: ${context}`);
    }
    if (/"stack"|\\n\s+at |\.(ts|js):\d+:\d+|node_modules/.test(JSON.stringify(body))) throw new Error(`stack trace in a 4xx: ${context}`);
    if (after !== before) throw new Error(`a 4xx wrote ${after - before} event(s): ${context}`);
  };

  /** One property per route (so one route's failure does not hide another's); all failures reported together. */
  async function fuzzRoute(method: string, template: string): Promise<{ sent: number; failure?: string }> {
    const params = [...template.matchAll(/\{[^}]+\}/g)].map((m) => {
      // The collection a parameter names is the segment before it ("accounts/{id}", "usage-pools/{serviceId}").
      const collection = template.slice(0, m.index).split('/').filter(Boolean).pop() ?? '';
      return { placeholder: m[0], ids: existing[collection] ?? Object.values(existing).flat() };
    });
    const ids = Object.values(existing).flat();
    const operation = openapi.paths[template][method.toLowerCase()];
    const bodySchema = resolve(operation.requestBody?.content?.['application/json']?.schema, openapi.components?.schemas ?? {});
    const arbitrary = fc.tuple(fc.tuple(...params.map((p) => segment(p.ids))), requests(bodySchema, ids));
    let sent = 0;
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async ([segments, request]) => {
        let path = template;
        params.forEach((p, i) => (path = path.replace(p.placeholder, segments[i])));
        const headers: Record<string, string> = {};
        if (request.kind !== 'none' && request.contentType !== undefined) headers['content-type'] = request.contentType;
        // The log head (what /health shows as logPosition), once every consumer has caught up.
        const before = await t.settledHead();
        const response = await t.request(method, path, {
          key: path.startsWith('/v1/tenants') ? ADMIN_KEY : key,
          headers,
          ...(request.kind === 'json' ? { rawBody: JSON.stringify(request.body) ?? '' } : request.kind === 'raw' ? { rawBody: request.rawBody } : {}),
        });
        sent++;
        statuses[response.status] = (statuses[response.status] ?? 0) + 1;
        // Settled again: a process manager reacting to a wrongly stored event would write a moment later.
        const after = response.status >= 400 ? await t.settledHead() : before;
        const known = knownBug(method, template, request, response);
        if (known) {
          // A known finding skips only the status and format checks of that exact case: it must still write nothing.
          checkAnswer(`${method} ${path} ${describeRequest(request)} (known: ${known})`, { ...response, status: 400, body: KNOWN_OK(400) }, before, after);
          return;
        }
        checkAnswer(`${method} ${path} ${describeRequest(request)}`, response, before, after);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    return { sent, failure: details.failed ? `${method} ${template}: ${(details.errorInstance as Error)?.message}\n${fc.defaultReportMessage(details)}` : undefined };
  }

  it('never a 5xx, always the error format, nothing written on a 4xx, on every write route of /openapi.json', async () => {
    const routes: Array<[string, string]> = [];
    for (const [path, operations] of Object.entries<Record<string, unknown>>(openapi.paths)) {
      for (const method of ['post', 'put', 'patch', 'delete']) if (operations[method]) routes.push([method.toUpperCase(), path]);
    }
    expect(routes.length).toBeGreaterThanOrEqual(18);
    const only = process.env.FUZZ_ROUTE; // e.g. FUZZ_ROUTE='POST /v1/usage' to replay one route
    const failures: string[] = [];
    let total = 0;
    for (const [method, path] of routes) {
      if (only && `${method} ${path}` !== only) continue;
      const { sent, failure } = await fuzzRoute(method, path);
      total += sent;
      if (failure) failures.push(failure);
    }
    // The figure for the issue's note.
    process.stdout.write(`fuzz: ${total} requests over ${routes.length} write routes, seed ${SEED}, ${RUNS} runs a route; statuses ${JSON.stringify(statuses)}\n`);
    if (failures.length) throw new Error(failures.join('\n\n'));
  }, TIMEOUT);
});

/** Known findings, each skipped exactly and no wider, so the suite stays green and catches everything else. */
function knownBug(method: string, path: string, request: FuzzRequest, response: HttpResponse): string | undefined {
  // None known today: the lone-surrogate email (500) and Fastify's own body for a bad percent-escape were fixed.
  return undefined;
}

/** Stands in for the body of a known format finding, so the other checks still run. */
const KNOWN_OK = (status: number) => ({ statusCode: status, error: 'known', message: 'known', details: [] });

function describeRequest(request: FuzzRequest): string {
  const text = request.kind === 'json' ? JSON.stringify(request.body) ?? '' : request.kind === 'raw' ? request.rawBody : '(no body)';
  const type = request.kind === 'none' ? '' : ` [${request.contentType ?? 'application/json'}]`;
  return `${text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text}${type}`;
}

