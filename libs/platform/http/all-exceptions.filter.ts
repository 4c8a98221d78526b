import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { DomainError, ErrorDetail } from '../../shared-kernel/errors';
import { WrongExpectedRevisionError } from '../event-store/event-store.port';
import { errorBody, ErrorBody } from './error-body';
import { TooManyFailuresException } from './auth-failure-limiter';
import { redactUrl } from '../logging/redact-url';

/**
 * Every error leaves as the API's error body. Domain errors keep their status and details; anything
 * unexpected is a 500 that shows only the correlation id, while the log keeps the stack.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const body = toErrorBody(exception, String(request.id));
    if (body.statusCode >= 500) {
      this.logger.error({ err: exception, correlationId: request.id, method: request.method, url: redactUrl(request.url) }, 'request failed');
    }
    if (exception instanceof TooManyFailuresException) void reply.header('retry-after', String(exception.retryAfterSeconds));
    void reply.status(body.statusCode).send(body);
  }
}

/** The API's error body for any exception (also written as the last line of a streamed answer). */
export function toErrorBody(exception: unknown, correlationId: string): ErrorBody {
  if (exception instanceof DomainError) return errorBody(exception.status, exception.message, exception.details);
  if (exception instanceof WrongExpectedRevisionError) {
    return errorBody(409, 'The entity was changed by a concurrent request; retry', [
      { field: 'request', rule: 'concurrency', message: exception.message },
    ]);
  }
  if (exception instanceof HttpException) return fromHttpException(exception);
  return errorBody(500, `Internal error; quote correlation id ${correlationId} when reporting it`, [], correlationId);
}

function fromHttpException(exception: HttpException): ErrorBody {
  const status = exception.getStatus();
  const response = exception.getResponse();
  const message =
    typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
  // Our code raises DomainErrors; a bare 400 comes from the framework reading the body (malformed or empty JSON).
  if (status === 400) {
    const json = /JSON/i.test(message);
    return errorBody(400, json ? `The request body is not valid JSON: ${message}` : message, [
      { field: 'body', rule: json ? 'json' : 'request', message },
    ]);
  }
  // An exception raised with the error shape's details (e.g. /health's 503 naming the store that is down) keeps them.
  const details = (response as { details?: unknown }).details;
  return errorBody(status, message, Array.isArray(details) ? (details as ErrorDetail[]) : []);
}
