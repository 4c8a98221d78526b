import { UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InvalidInputError } from '../../shared-kernel/errors';
import { errorBody } from './error-body';

/**
 * How deep arrays and objects may nest in a request body. The deepest body of the API today (a plan:
 * services, pricing, tiers) has 6 levels; 32 leaves room for routes to come, while the recursive code the
 * body meets after (class-transformer, class-validator, the Idempotency-Key fingerprint) stays far from the
 * stack limit that 5,000 levels (10 KB) used to reach.
 */
export const MAX_JSON_DEPTH = 32;

export const JSON_MEDIA_TYPE = 'application/json';

/** Methods whose body Fastify never reads, so its type does not matter. */
const BODYLESS = new Set(['GET', 'HEAD']);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN = new Set([0x5b, 0x7b]); // [ {
const CLOSE = new Set([0x5d, 0x7d]); // ] }

/**
 * Whether a JSON text nests arrays and objects deeper than `limit`, read character by character before it
 * is parsed: no recursion (a counter is the whole stack, since JSON.parse checks that brackets match),
 * nothing allocated, and brackets inside strings not counted.
 */
export function nestsDeeperThan(json: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (OPEN.has(code)) {
      if (++depth > limit) return true;
    } else if (CLOSE.has(code)) {
      depth--;
    }
  }
  return false;
}

/**
 * The edge's rules on bodies, before any guard, interceptor, pipe or handler sees them: a body comes as
 * JSON or not at all (415), and its nesting is bounded (400 `maxDepth`). Call before the app starts.
 */
export function registerBodyLimits(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (BODYLESS.has(request.method) || !hasBody(request)) return;
    const sent = request.headers['content-type'];
    if (sent !== undefined && mediaTypeOf(sent) === JSON_MEDIA_TYPE) return;
    return unsupportedMediaType(reply, sent);
  });

  // JSON is the only body the app parses (Nest's form parser is off: see app-factory). Other types reach a
  // parser only when empty, as `curl -X POST -d ''` sends them to routes that take no body.
  fastify.removeAllContentTypeParsers();
  const { onProtoPoisoning, onConstructorPoisoning } = fastify.initialConfig;
  const parseJson = fastify.getDefaultJsonParser(onProtoPoisoning ?? 'error', onConstructorPoisoning ?? 'error');
  fastify.addContentTypeParser(JSON_MEDIA_TYPE, { parseAs: 'string' }, (request, body, done) => {
    if (nestsDeeperThan(body as string, MAX_JSON_DEPTH)) {
      const message = `The request body is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects; no field of this API needs more`;
      done(InvalidInputError.forField('body', 'maxDepth', message), undefined);
      return;
    }
    parseJson(request, body as string, done);
  });
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    // Unreachable with a non-empty body (the hook above answered 415); kept as a refusal all the same.
    if ((body as Buffer).length === 0) done(null, undefined);
    else done(new UnsupportedMediaTypeException(`Send the body as JSON with Content-Type: ${JSON_MEDIA_TYPE}`), undefined);
  });
}

/** As Fastify decides whether to read a body: a length other than 0, or a chunked one. */
function hasBody(request: FastifyRequest): boolean {
  const length = request.headers['content-length'];
  return request.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

function mediaTypeOf(contentType: string): string {
  return contentType.split(';', 1)[0].trim().toLowerCase();
}

function unsupportedMediaType(reply: FastifyReply, sent: string | undefined): FastifyReply {
  const what = sent === undefined ? 'A body was sent with no Content-Type' : `Content-Type ${mediaTypeOf(sent)} is not accepted`;
  const message = `${what}: send the body as JSON with Content-Type: ${JSON_MEDIA_TYPE}`;
  return reply.status(415).send(errorBody(415, message, [{ field: 'Content-Type', rule: 'mediaType', message }]));
}
