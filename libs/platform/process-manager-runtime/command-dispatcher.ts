import { CommandBus } from '@nestjs/cqrs';
import { CommandContext } from '../command-pipeline/command-context';
import { Command, CommandOutcome, NamedCommandClass } from '../command-pipeline/command';

/** Issues a command named by type (what process managers and timers hold) and tells the log position it wrote. */
export interface CommandDispatcher {
  dispatch(command: { type: string; data: Record<string, unknown> }, context: CommandContext): Promise<number>;
}

export class UnknownCommandError extends Error {}

/**
 * Process managers' and timers' commands go the way HTTP commands go: built as the named command class and
 * sent through the CommandBus to its handler. The contexts' manifests name the classes (`commands`).
 */
export class CommandBusDispatcher implements CommandDispatcher {
  constructor(
    private readonly bus: CommandBus,
    private readonly commands: Readonly<Record<string, NamedCommandClass>>,
  ) {}

  /** Returns the log position the command wrote (or found already written). */
  async dispatch(command: { type: string; data: Record<string, unknown> }, context: CommandContext): Promise<number> {
    const Named = Object.hasOwn(this.commands, command.type) ? this.commands[command.type] : undefined;
    if (!Named) throw new UnknownCommandError(`No handler takes commands of type ${command.type}`);
    const outcome = await this.bus.execute<Command<unknown>, CommandOutcome<unknown>>(new Named(command.data, context));
    return outcome.position;
  }
}
