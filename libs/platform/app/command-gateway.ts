import { Injectable } from '@nestjs/common';
import { CommandBus, ICommand } from '@nestjs/cqrs';
import type { FastifyReply } from 'fastify';
import { ReadYourWrites } from './read-your-writes';
import { CommandOutcome } from '../command-pipeline/command';


/**
 * Sends a command through the CommandBus, puts the position it wrote in `X-Log-Position`, and in the
 * all-in-one process waits for the read models to reach it so the client reads its own write.
 */
@Injectable()
export class CommandGateway {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  async execute<Body>(command: ICommand, reply: FastifyReply): Promise<Body> {
    const outcome = await this.commandBus.execute<ICommand, CommandOutcome<Body>>(command);
    void reply.header('x-log-position', String(outcome.position));
    if (this.readYourWrites.waitsAfterCommands && outcome.position > 0) {
      await this.readYourWrites.waitFor(outcome.position);
    }
    return outcome.body;
  }
}
