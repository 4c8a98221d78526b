import { DeciderRunner } from '../command-pipeline/decider-runner';
import { CommandContext } from '../command-pipeline/command-context';
import { Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';

/** Where a command type goes: which aggregate decides it, in which stream, with what data. */
export interface CommandRoute {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  decider: Decider<any, DomainEvent, any>;
  stream(tenantId: string, data: Record<string, unknown>): string;
  /** Completes the data from the context (e.g. the business date a timer fired on). */
  data?(data: Record<string, unknown>, context: CommandContext): Record<string, unknown>;
}

export class UnknownCommandError extends Error {}

/** Runs commands named by type (from process managers and timers) through their aggregate's decider. */
export class CommandDispatcher {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly routes: Record<string, CommandRoute>,
  ) {}

  /** Returns the log position the command wrote (or found already written). */
  async dispatch(command: DomainCommand<string, Record<string, unknown>>, context: CommandContext): Promise<number> {
    const route = this.routes[command.type];
    if (!route) throw new UnknownCommandError(`No aggregate handles commands of type ${command.type}`);
    const data = route.data ? route.data(command.data, context) : command.data;
    const outcome = await this.runner.run(route.decider, route.stream(context.tenantId, data), { type: command.type, data }, context);
    return outcome.position;
  }
}
