import { getMetadataStorage } from 'class-validator';
import type { ValidationMetadata } from 'class-validator/types/metadata/ValidationMetadata';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { Access } from '../access';
import { inferSchema, InferredSchema, tidySchema } from './schema-inference';

/**
 * The OpenAPI document as the contract (issue 22, Must have 1). Nest's generator knows routes and request DTOs;
 * this completes what it cannot see, in one place instead of decorators on every route:
 * - who may call each operation (the route's access marker: public, admin key, tenant key, customer session);
 * - the headers every route honours (Idempotency-Key, X-Min-Position, X-Correlation-Id, X-Log-Position);
 * - the error answers each can give, in the one error shape, with examples;
 * - the success answers, with a schema and an example, from what the server really answered in the HTTP tests
 *   (responses.json, made by `npm run openapi:record`);
 * - the types of request fields Nest shows as a bare `object` (fields the domain checks, declared `unknown`).
 */

/** Per operation (`GET /v1/accounts/{id}`), per status, per content type: the documented answer. */
export type RecordedResponses = Record<string, Record<string, Record<string, { schema?: InferredSchema; example?: unknown }>>>;

/** What the routes declare, by operation id (`<Controller>_<method>`, Nest's default). */
export interface RouteFacts {
  access: Access;
  /** Marked `@CustomerMay`: a customer session may call it too, for its own account. */
  customerMay: boolean;
  /** Honours X-Min-Position (the query waits for the read models to reach it). */
  minPosition: boolean;
  /** Honours Idempotency-Key on POST, PUT and PATCH (its controller has the IdempotencyInterceptor). */
  idempotent: boolean;
}

type Operation = {
  operationId?: string;
  parameters?: Array<Record<string, unknown>>;
  requestBody?: unknown;
  responses: Record<string, { description: string; content?: Record<string, unknown>; headers?: Record<string, unknown> }>;
  security?: Array<Record<string, string[]>>;
};

const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

export function completeOpenApi(document: OpenAPIObject, routes: ReadonlyMap<string, RouteFacts>, recorded: RecordedResponses): OpenAPIObject {
  // Plain JSON from here: the shapes below are OpenAPI 3.0 objects, checked by the linter in test/http/openapi.
  const components = (document.components ??= {}) as Record<string, Record<string, unknown> | undefined>;
  components.securitySchemes = SECURITY_SCHEMES;
  components.schemas = { ...components.schemas, ErrorBody: ERROR_BODY_SCHEMA };
  components.responses = { ...components.responses, ...ERROR_RESPONSES };
  components.headers = { ...components.headers, ...RESPONSE_HEADERS };
  components.parameters = { ...components.parameters, ...REQUEST_HEADERS };
  delete document.security;
  for (const [route, item] of Object.entries(document.paths)) {
    for (const [method, value] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = value as Operation;
      const facts = routes.get(operation.operationId ?? '') ?? { access: 'tenant', customerMay: false, minPosition: false, idempotent: false };
      operation.security = securityOf(facts);
      operation.parameters = [...(operation.parameters ?? []), ...headerParameters(method, route, facts)];
      operation.responses = responsesOf(method, route, facts, operation.responses, recorded[`${method.toUpperCase()} ${route}`]);
    }
  }
  typeBareProperties(components.schemas as Record<string, SchemaObject>);
  return document;
}

function securityOf(facts: RouteFacts): Array<Record<string, string[]>> {
  switch (facts.access) {
    case 'public':
      return [];
    case 'admin':
      return [{ adminKey: [] }];
    case 'customer':
      return [{ customerSession: [] }];
    case 'tenant':
      return facts.customerMay ? [{ apiKey: [] }, { customerSession: [] }] : [{ apiKey: [] }];
  }
}

function headerParameters(method: string, route: string, facts: RouteFacts): Array<Record<string, unknown>> {
  const headers = [{ $ref: '#/components/parameters/CorrelationId' }];
  if (!route.startsWith('/v1/')) return headers;
  // Documented only where honoured: a write route without the interceptor then fails test/http/openapi.
  if (['post', 'put', 'patch'].includes(method) && facts.idempotent) headers.push({ $ref: '#/components/parameters/IdempotencyKey' });
  if (method === 'get' && facts.minPosition) headers.push({ $ref: '#/components/parameters/MinPosition' });
  return headers;
}

function responsesOf(method: string, route: string, facts: RouteFacts, generated: Operation['responses'], recorded: RecordedResponses[string] | undefined): Operation['responses'] {
  const responses: Operation['responses'] = {};
  const success = recorded && Object.keys(recorded).length > 0 ? recorded : null;
  if (success) {
    for (const [status, contents] of Object.entries(success)) {
      responses[status] = {
        description: successDescription(method, status, generated[status]?.description),
        content: Object.fromEntries(Object.entries(contents).map(([type, answer]) => [type, contentOf(type, answer)])),
      };
    }
  } else {
    for (const [status, response] of Object.entries(generated)) if (status.startsWith('2')) responses[status] = response;
  }
  const writes = WRITE_METHODS.has(method) && route.startsWith('/v1/');
  for (const response of Object.values(responses)) {
    response.headers = { 'X-Correlation-Id': { $ref: '#/components/headers/CorrelationId' }, ...(writes ? { 'X-Log-Position': { $ref: '#/components/headers/LogPosition' } } : {}) };
  }
  const errors: Array<[string, string]> = [['400', 'BadRequest']];
  if (facts.access !== 'public') errors.push(['401', 'Unauthorized'], ['403', 'Forbidden'], ['429', 'TooManyRequests']);
  if (route.includes('{') || facts.customerMay) errors.push(['404', 'NotFound']);
  if (writes) errors.push(['409', 'Conflict'], ['422', 'Unprocessable']);
  errors.push(['500', 'ServerError']);
  if (route === '/health') errors.push(['503', 'Unavailable']);
  for (const [status, name] of errors.sort(([a], [b]) => a.localeCompare(b))) responses[status] ??= { $ref: `#/components/responses/${name}` } as never;
  return responses;
}

function successDescription(method: string, status: string, generated: string | undefined): string {
  if (generated) return generated;
  if (status === '201') return 'Created (or, with the same Idempotency-Key and body, the first answer again)';
  if (status === '200' && method === 'post') return 'Done; or, with `doWrite: false`, the preview of what the call would do (nothing written)';
  if (status === '204') return 'Done; no body';
  return 'OK';
}

function contentOf(type: string, answer: { schema?: InferredSchema; example?: unknown }): Record<string, unknown> {
  if (type === 'application/json') return { schema: answer.schema ?? {}, ...(answer.example !== undefined ? { example: answer.example } : {}) };
  if (type.startsWith('text/')) return { schema: { type: 'string' } };
  return { schema: { type: 'string', format: 'binary' } };
}

type SchemaObject = { properties?: Record<string, Record<string, unknown>>; required?: string[] };

/**
 * Request fields shown as a bare `object`: typed from their class-validator decorators, else from their example or
 * default (fields the domain checks are declared `unknown` in the DTO, with an example), else from the API's
 * naming (API.md "Conventions": `id`, `…Id` are strings, `…Ids` lists of them; texts and secrets are strings).
 */
function typeBareProperties(schemas: Record<string, SchemaObject>): void {
  const validations = validationsByClassName();
  for (const [name, schema] of Object.entries(schemas)) {
    for (const [property, definition] of Object.entries(schema.properties ?? {})) {
      if (!isBare(definition)) continue;
      const typed =
        typeFromValidations(validations.get(name)?.filter((rule) => rule.propertyName === property) ?? []) ??
        typeFromValue(definition.example ?? definition.default) ??
        typeFromName(property);
      if (typed) Object.assign(definition, typed);
    }
  }
}

export function isBare(definition: Record<string, unknown>): boolean {
  return definition.type === 'object' && !definition.properties && !definition.additionalProperties && !definition.$ref && !definition.allOf && !definition.oneOf;
}

function validationsByClassName(): Map<string, ValidationMetadata[]> {
  // class-validator keeps its rules per class in a private map; read by name here (the DTOs' class names are the schemas' names).
  const storage = getMetadataStorage() as unknown as { validationMetadatas?: Map<{ name: string }, ValidationMetadata[]> };
  const byName = new Map<string, ValidationMetadata[]>();
  if (!(storage.validationMetadatas instanceof Map)) return byName;
  for (const [target, rules] of storage.validationMetadatas) byName.set(target.name, [...(byName.get(target.name) ?? []), ...rules]);
  return byName;
}

function typeFromValidations(rules: ValidationMetadata[]): Record<string, unknown> | null {
  const names = new Set(rules.map((rule) => rule.name ?? ''));
  const isIn = rules.find((rule) => rule.name === 'isIn');
  if (isIn && Array.isArray(isIn.constraints?.[0])) return { type: 'string', enum: isIn.constraints[0] };
  if (names.has('isInt')) return { type: 'integer' };
  if (names.has('isNumber')) return { type: 'number' };
  if (names.has('isBoolean')) return { type: 'boolean' };
  if (names.has('isArray')) return { type: 'array', items: {} };
  if (names.has('isObject')) return { type: 'object', additionalProperties: true };
  if (names.has('isISO8601') || names.has('isDateString')) return { type: 'string', format: 'date' };
  if ([...names].some((name) => /^is(String|Email|EmailAddress|Url|Uuid)|^matches$|^(max|min)Length$/.test(name))) return { type: 'string' };
  return null;
}

function typeFromName(property: string): Record<string, unknown> | null {
  if (property === 'id' || property.endsWith('Id')) return { type: 'string' };
  if (property.endsWith('Ids')) return { type: 'array', items: { type: 'string' } };
  if (/^(version|installments)$/.test(property)) return { type: 'integer' };
  if (/(password|Password|token|description|html|text|subject|reason)$/.test(property)) return { type: 'string' };
  return null;
}

function typeFromValue(value: unknown): Record<string, unknown> | null {
  if (value === undefined || value === null) return null;
  const inferred = inferSchema(value);
  if (inferred.type === undefined) return null;
  // An example object shows the fields, not which are required.
  if (inferred.type === 'object') return { type: 'object', properties: tidySchema({ ...inferred, required: [] }).properties };
  if (inferred.type === 'array') return { type: 'array', items: inferred.items?.type ? { type: inferred.items.type } : {} };
  return { type: inferred.type, ...(inferred.format ? { format: inferred.format } : {}) };
}

const SECURITY_SCHEMES = {
  apiKey: { type: 'http', scheme: 'bearer', bearerFormat: 'bk_… (a tenant API key: opaque, shown once)', description: "A tenant's API key: `Authorization: Bearer bk_…`" },
  adminKey: { type: 'http', scheme: 'bearer', bearerFormat: 'opaque', description: 'The admin key (tenant management, parked events): `Authorization: Bearer <BILLING_ADMIN_KEY>`' },
  customerSession: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'cs_… (a customer session token)',
    description: 'A customer session (POST /v1/self-service/sessions), on the routes customers may use, for their own account only',
  },
};

const ERROR_BODY_SCHEMA = {
  type: 'object',
  required: ['statusCode', 'error', 'message', 'details'],
  properties: {
    statusCode: { type: 'integer', example: 400 },
    error: { type: 'string', example: 'Bad Request' },
    message: { type: 'string' },
    details: {
      type: 'array',
      items: {
        type: 'object',
        required: ['field', 'rule', 'message'],
        properties: { field: { type: 'string', description: 'The field, parameter or header at fault (`records[3].quantity`)' }, rule: { type: 'string' }, message: { type: 'string' } },
      },
    },
    correlationId: { type: 'string', description: 'On 500: the id the log carries with the stack' },
  },
};

function errorResponse(statusCode: number, error: string, description: string, message: string, details: unknown[] = []): Record<string, unknown> {
  return { description, content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: { statusCode, error, message, details } } } };
}

const ERROR_RESPONSES = {
  BadRequest: errorResponse(400, 'Bad Request', 'Bad input: a field, query parameter or header breaks a rule (named in `details`); nothing was written', 'currency must be an ISO 4217 code such as USD', [
    { field: 'currency', rule: 'isoCurrency', message: 'currency must be an ISO 4217 code such as USD' },
  ]),
  Unavailable: errorResponse(503, 'Service Unavailable', 'A store does not answer: the process cannot serve (named in `details`)', 'eventStore does not answer: disk I/O error', [
    { field: 'eventStore', rule: 'answers', message: 'eventStore does not answer: disk I/O error' },
  ]),
  Unauthorized: errorResponse(401, 'Unauthorized', 'No key, or an unknown, rotated or revoked key or session', 'A valid API key is required: Authorization: Bearer <key>'),
  Forbidden: errorResponse(403, 'Forbidden', 'The key or session may not use this route (e.g. a customer session on an operator route)', 'This route is not open to customer sessions'),
  NotFound: errorResponse(404, 'Not Found', "No such resource in this tenant (another tenant's or account's ids answer the same)", 'Account acme-hq was not found'),
  Conflict: errorResponse(409, 'Conflict', 'The request conflicts with the current state, or an Idempotency-Key was reused with another body', 'Idempotency-Key signup-42 was used with another request body'),
  Unprocessable: errorResponse(422, 'Unprocessable Entity', 'Well-formed, but a business rule refuses it (named in `details`); nothing was written', 'The plan instance is cancelled', [
    { field: 'planInstanceId', rule: 'notCancelled', message: 'The plan instance is cancelled' },
  ]),
  TooManyRequests: {
    ...errorResponse(429, 'Too Many Requests', 'Too many failed authentications from this address or with this key (AUTH_FAILURE_LIMIT); see Retry-After', 'Too many failed authentications: retry later'),
    headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'Seconds until the window ends' } },
  },
  ServerError: {
    description: 'An unexpected failure: the answer carries only the correlation id; the log has the details',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' }, example: { statusCode: 500, error: 'Internal Server Error', message: 'Internal server error', details: [], correlationId: '5f0c…' } } },
  },
};

const REQUEST_HEADERS = {
  CorrelationId: { name: 'X-Correlation-Id', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,100}$' }, description: 'Your id for the request (sent back, and on every log line); generated when absent' },
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', maxLength: 255 },
    description: 'The first answer is kept: a repeat with the same key and body returns it and writes nothing; the same key with another body is 409',
  },
  MinPosition: {
    name: 'X-Min-Position',
    in: 'header',
    required: false,
    schema: { type: 'integer', minimum: 0 },
    description: "A command's X-Log-Position: the answer waits (bounded by READ_YOUR_WRITES_TIMEOUT_MS) until the read models reach it",
  },
};

const RESPONSE_HEADERS = {
  CorrelationId: { schema: { type: 'string' }, description: "The request's correlation id (yours, or generated)" },
  LogPosition: { schema: { type: 'integer' }, description: 'The log position of what this command wrote: send it as X-Min-Position on a query to read your write (split deployments)' },
};
