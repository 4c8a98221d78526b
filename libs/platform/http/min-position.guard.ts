import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ReadYourWrites } from '../app/read-your-writes';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';

/**
 * `X-Min-Position: <n>` (the `X-Log-Position` a command answered with) makes a query wait, briefly and
 * bounded, until the read models reflect that position. If they do not in time, the answer carries
 * `X-Read-Model-Behind: true` instead of failing. A position beyond the log's head was never answered by
 * any command (a typo, or another deployment's log): 409 at once, naming the head, instead of waiting in vain.
 * A guard (it runs before the handler and never changes its answer), not an interceptor: see QueryParametersGuard.
 */
@Injectable()
export class MinPositionGuard implements CanActivate {
  constructor(
    private readonly readYourWrites: ReadYourWrites,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const raw = request.headers['x-min-position'];
    if (raw === undefined) return true;
    const value = Array.isArray(raw) ? raw[0] : raw;
    if (!/^\d{1,15}$/.test(value)) {
      throw InvalidInputError.forField('X-Min-Position', 'nonNegativeInteger', 'X-Min-Position must be a log position (a whole number)');
    }
    return this.waitFor(Number(value), context.switchToHttp().getResponse<FastifyReply>());
  }

  private async waitFor(position: number, reply: FastifyReply): Promise<boolean> {
    await this.beyondHead(position);
    if (!(await this.readYourWrites.waitFor(position))) void reply.header('x-read-model-behind', 'true');
    return true;
  }

  /** A command answers with its position only once it is in the log, so one past the head was never answered. */
  private async beyondHead(position: number): Promise<void> {
    const head = await this.events.headPosition();
    if (position <= head) return;
    const message =
      `X-Min-Position ${position} is beyond the end of the log: its current position is ${head}. ` +
      'Send the X-Log-Position a command answered with, or leave the header out';
    throw new ConflictError(message, [{ field: 'X-Min-Position', rule: 'logHead', message }]);
  }
}
