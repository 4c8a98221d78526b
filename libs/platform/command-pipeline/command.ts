import { CommandContext } from './command-context';

/**
 * The one command shape: what is asked (`data`) and in whose name, when and with which id (`context`). HTTP
 * routes and process managers both build one and send it through @nestjs/cqrs's CommandBus to its handler;
 * the class says which handler. A few commands are issued before a tenant or a day exists (creating a
 * tenant, advancing a clock) and carry only part of the context.
 */
export abstract class Command<Data, Context extends Partial<CommandContext> = CommandContext> {
  constructor(
    readonly data: Data,
    readonly context: Context,
  ) {}
}

/**
 * A command class that process managers and timers may name in the log (`{ type, data }`). The data comes from
 * the log as it was written, so it is taken as is (`any`) and checked by the decider, as HTTP input is.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type NamedCommandClass = new (data: any, context: CommandContext) => Command<unknown>;

/** What every command handler returns: the response body and the log position the command wrote. */
export interface CommandOutcome<Body> {
  body: Body;
  position: number;
}
