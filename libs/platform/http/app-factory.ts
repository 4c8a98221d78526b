import helmet, { FastifyHelmetOptions } from '@fastify/helmet';
import { DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import Fastify, { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { PinoNestLogger } from '../logging/nest-logger';
import { redactUrl } from '../logging/redact-url';
import { registerBodyLimits } from './body-limits';
import { errorBody } from './error-body';
import { createValidationPipe } from './validation';
import { Metrics } from '../metrics/metrics';
import { completeOpenApi, RecordedResponses } from './openapi/openapi';
import recordedResponses from './openapi/responses.json';
import { routeFactsOf } from './openapi/route-facts';
import { bindWithoutDeprecatedProperty } from './async-resource-bind';

const CORRELATION_HEADER = 'x-correlation-id';
const POLLED_ROUTES = new Set(['/health', '/metrics']);
const VALID_CORRELATION_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Builds a NestJS app on Fastify with the API's conventions: correlation ids on every request and log
 * line, JSON bodies only and of bounded depth, DTO validation, the error shape, OpenAPI at /openapi.json
 * and /docs, graceful shutdown.
 */
export async function createHttpApp(root: DynamicModule, logger: Logger, title: string): Promise<NestFastifyApplication> {
  bindWithoutDeprecatedProperty(); // Fastify and Nest bind on every request (./async-resource-bind.ts)
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: 10 * 1024 * 1024,
    // Long path parameters reach the handlers (an unknown id is a 404 in the API's shape) instead of
    // being refused by the router with Fastify's own error body. Ids themselves are at most 64 characters.
    routerOptions: { maxParamLength: 2048 },
    // A path the router cannot decode (an invalid percent-escape such as %FF) is refused in the API's error
    // shape too, not in Fastify's own.
    frameworkErrors: (error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
      const message = error.code === 'FST_ERR_BAD_URL' ? 'The path holds an invalid percent-escape (such as %FF): encode it as UTF-8' : error.message;
      void reply.code(400).send(errorBody(400, message, [{ field: 'path', rule: 'urlEncoding', message }]));
    },
    genReqId: (request: IncomingMessage) => {
      const given = request.headers[CORRELATION_HEADER];
      return typeof given === 'string' && VALID_CORRELATION_ID.test(given) ? given : randomUUID();
    },
  });
  // bodyParser off: Nest would add a form-encoded parser; registerBodyLimits sets the only (JSON) one.
  const app = await NestFactory.create<NestFastifyApplication>(root, adapter, { logger: new PinoNestLogger(logger), bodyParser: false });
  const fastify = app.getHttpAdapter().getInstance();

  const securityHeaders = await helmetHeaders();
  // Callback hooks, not async ones: no promise per request and hook (decision 0019).
  fastify.addHook('onRequest', (request, reply, done) => {
    // Helmet's headers, computed once: set on the raw response as @fastify/helmet does, so a header a route sets
    // on the reply still wins over them (the portal's own Content-Security-Policy).
    for (const [name, value] of securityHeaders) reply.raw.setHeader(name, value);
    void reply.header(CORRELATION_HEADER, request.id);
    // API answers are tenant data, and some carry an API key (a new tenant, a rotated key): never cached.
    if (request.url.startsWith('/v1/')) void reply.header('cache-control', 'no-store');
    done();
  });
  registerBodyLimits(fastify);
  // While shutting down, a request still in flight gets its answer with `Connection: close`, so its
  // keep-alive connection ends with it and the server can close instead of waiting out the idle timeout.
  let closing = false;
  fastify.addHook('preClose', async () => {
    closing = true;
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  // Latency per route pattern and status (GET /metrics); a router 404 has no pattern.
  const metrics = app.get(Metrics, { strict: false });
  fastify.addHook('onResponse', (request, reply, done) => {
    metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
    const line = { correlationId: request.id, method: request.method, url: redactUrl(request.url), status: reply.statusCode, ms: Math.round(reply.elapsedTime) };
    // A monitor's polls of /health and /metrics would drown the requests that matter: at debug, unless they fail.
    if (reply.statusCode < 400 && POLLED_ROUTES.has(request.routeOptions.url ?? '')) logger.debug(line, 'request');
    else logger.info(line, 'request');
    done();
  });
  app.useGlobalPipes(createValidationPipe());
  app.enableShutdownHooks(['SIGTERM', 'SIGINT']);
  setUpOpenApi(app, title);
  return app;
}

/**
 * Helmet's headers on every answer (nosniff, frame options, ...) with a CSP that the JSON answers and the
 * Swagger UI at /docs both live with: the UI's scripts, styles and images come from this server, and its
 * page has inline <style> blocks. No upgrade-insecure-requests: the API may be served over plain HTTP.
 *
 * They are the same for every answer, but @fastify/helmet builds helmet's middleware again on each request (it
 * parses the CSP directives every time: 6% of a GET's CPU). So they are taken once, at start-up, from a
 * throwaway Fastify instance with the real plugin: the headers its answer has that a plain answer has not.
 */
export async function helmetHeaders(): Promise<Array<[string, string]>> {
  const headersOf = async (withHelmet: boolean) => {
    const probe = Fastify({ logger: false });
    if (withHelmet) await probe.register(helmet, HELMET_OPTIONS);
    probe.get('/', async () => ({}));
    const response = await probe.inject({ method: 'GET', url: '/' });
    await probe.close();
    return response.headers;
  };
  const plain = await headersOf(false);
  const secured = await headersOf(true);
  return Object.entries(secured)
    .filter(([name, value]) => !(name in plain) && value !== undefined)
    .map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : String(value)]);
}

const HELMET_OPTIONS: FastifyHelmetOptions = {
  frameguard: { action: 'deny' },
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:'],
      fontSrc: ["'self'", 'data:'],
    },
  },
};

function setUpOpenApi(app: NestFastifyApplication, title: string): void {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(title)
      .setDescription(
        'Subscription billing and account management. Amounts are integers in minor units; prices are decimal strings; ' +
          'dates are YYYY-MM-DD. Authorization: Bearer <key> (admin key for /v1/tenants, a tenant API key elsewhere).',
      )
      .setVersion('0.1.0')
      .setLicense('Apache-2.0', 'https://www.apache.org/licenses/LICENSE-2.0')
      .addServer('/', 'This server')
      .build(),
  );
  completeOpenApi(document, routeFactsOf(app), recordedResponses as RecordedResponses);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', yamlDocumentUrl: 'openapi.yaml' });
}
