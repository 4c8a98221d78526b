import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { from, mergeMap, Observable } from 'rxjs';
import { ReadYourWrites } from '../app/read-your-writes';
import { InvalidInputError } from '../../shared-kernel/errors';

/**
 * `X-Min-Position: <n>` (the `X-Log-Position` a command answered with) makes a query wait, briefly and
 * bounded, until the read models reflect that position. If they do not in time, the answer carries
 * `X-Read-Model-Behind: true` instead of failing.
 */
@Injectable()
export class MinPositionInterceptor implements NestInterceptor {
  constructor(private readonly readYourWrites: ReadYourWrites) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const raw = request.headers['x-min-position'];
    if (raw === undefined) return next.handle();
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!/^\d{1,15}$/.test(value)) {
      throw InvalidInputError.forField('X-Min-Position', 'nonNegativeInteger', 'X-Min-Position must be a log position (a whole number)');
    }
    return from(this.readYourWrites.waitFor(Number(value))).pipe(
      mergeMap((reached) => {
        if (!reached) void context.switchToHttp().getResponse<FastifyReply>().header('x-read-model-behind', 'true');
        return next.handle();
      }),
    );
  }
}
