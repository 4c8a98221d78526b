import { createConfig, lintFromString } from '@redocly/openapi-core';
import { isBare } from '../../libs/platform/http/openapi/openapi';
import { startTestApp, TestApp } from '../support/test-app';

type Operation = { operationId: string; security?: unknown[]; parameters?: Array<{ $ref?: string; name?: string; in?: string }>; responses: Record<string, any> };

/**
 * The OpenAPI document is the contract (issue 22, Must have 1): every operation documents who may call it, its
 * headers, its success answers (schema and example) and its error answers; no request field is a bare `object`;
 * Redocly's recommended rules pass. Its security is checked against the server: each operation called without a
 * key answers 401 exactly when the document says a key is needed.
 */
describe('the OpenAPI document', () => {
  let t: TestApp;
  let document: any;
  const operations: Array<{ method: string; path: string; operation: Operation }> = [];
  beforeAll(async () => {
    // Every operation is called once without a key below: no 429 for that many failures.
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: '0' } });
    document = (await t.request('GET', '/openapi.json')).body;
    for (const [path, item] of Object.entries<Record<string, Operation>>(document.paths)) {
      for (const [method, operation] of Object.entries(item)) operations.push({ method, path, operation });
    }
  });
  afterAll(() => t.close());

  it('documents every operation’s success answer with a schema and an example', () => {
    expect(operations.length).toBeGreaterThan(100);
    const missing = operations
      .filter(({ operation }) => {
        const successes = Object.entries(operation.responses).filter(([status]) => status.startsWith('2'));
        return !successes.some(([, response]) =>
          Object.entries<any>(response.content ?? {}).some(([type, content]) => content.schema && (type !== 'application/json' || content.example !== undefined)),
        );
      })
      .map(({ method, path }) => `${method.toUpperCase()} ${path}`);
    // An operation listed here has no answer recorded: run `npm run openapi:record` (after adding an HTTP test that calls it).
    expect(missing).toEqual([]);
  });

  it('documents the error answers in the one error shape, and the headers every route honours', () => {
    const problems: string[] = [];
    for (const { method, path, operation } of operations) {
      const name = `${method.toUpperCase()} ${path}`;
      const statuses = Object.keys(operation.responses);
      if (!statuses.includes('400') || !statuses.includes('500')) problems.push(`${name}: no 400/500`);
      if (operation.security?.length && !statuses.includes('401')) problems.push(`${name}: needs a key but documents no 401`);
      if (path.includes('{') && !statuses.includes('404')) problems.push(`${name}: has ids but no 404`);
      const headers = (operation.parameters ?? []).map((parameter) => parameter.$ref ?? parameter.name);
      if (!headers.includes('#/components/parameters/CorrelationId')) problems.push(`${name}: no X-Correlation-Id`);
      if (path.startsWith('/v1/') && ['post', 'put', 'patch'].includes(method) && !headers.includes('#/components/parameters/IdempotencyKey')) problems.push(`${name}: no Idempotency-Key`);
    }
    expect(problems).toEqual([]);
    expect(document.components.responses.BadRequest.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/ErrorBody' });
    expect(document.paths['/v1/accounts/{id}'].get.parameters).toContainEqual({ $ref: '#/components/parameters/MinPosition' });
    expect(document.paths['/v1/accounts'].post.responses['201'].headers['X-Log-Position']).toEqual({ $ref: '#/components/headers/LogPosition' });
  });

  it('types every request field (no bare object where a type is known)', () => {
    const bare = Object.entries<any>(document.components.schemas).flatMap(([schema, definition]) =>
      Object.entries<any>(definition.properties ?? {})
        .filter(([, property]) => isBare(property))
        .map(([property]) => `${schema}.${property}`),
    );
    expect(bare).toEqual([]);
    expect(document.components.schemas.AssignPlanDto.properties.planId.type).toBe('string');
    expect(document.components.schemas.AssignPlanDto.properties.quantity.type).toBe('integer');
    expect(document.components.schemas.ContactDto.properties.email.type).toBe('string');
  });

  it('says who may call each operation, as the server enforces it', async () => {
    expect(Object.keys(document.components.securitySchemes).sort()).toEqual(['adminKey', 'apiKey', 'customerSession']);
    expect(document.components.securitySchemes.apiKey.bearerFormat).not.toMatch(/JWT/);
    expect(document.paths['/health'].get.security).toEqual([]);
    expect(document.paths['/v1/tenants'].post.security).toEqual([{ adminKey: [] }]);
    expect(document.paths['/v1/accounts/{id}'].get.security).toEqual([{ apiKey: [] }, { customerSession: [] }]);
    const wrong: string[] = [];
    for (const { method, path, operation } of operations) {
      const route = path.replace(/\{[^}]+\}/g, 'x');
      const answer = await t.request(method.toUpperCase(), route, { key: null, ...(method === 'get' || method === 'delete' ? {} : { body: {} }) });
      const needsKey = (operation.security ?? []).length > 0;
      if (needsKey !== (answer.status === 401)) wrong.push(`${method.toUpperCase()} ${path}: documented ${needsKey ? 'with' : 'without'} a key, answered ${answer.status} without one`);
    }
    expect(wrong).toEqual([]);
  });

  it("passes Redocly's recommended rules", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: JSON.stringify(document), absoluteRef: 'openapi.json', config });
    expect(problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location?.[0]?.pointer}`)).toEqual([]);
  });
});
