import { Decider, DomainCommand, DomainEvent, fold } from '../../shared-kernel/decider';
import { deterministicUuid } from '../../shared-kernel/ids';
import { EventStore, NewEvent, RecordedEvent, WrongExpectedRevisionError } from '../event-store/event-store.port';
import { CommandContext, eventMetadata } from './command-context';
import { ConcurrencyConflictError } from './concurrency-conflict.error';
import { CachedStream, StreamStateCache } from './stream-state-cache';
import { BatchingStreamLoader } from './stream-loader';

export interface DeciderOutcome<State, Event extends DomainEvent> {
  /** State after the command (after the earlier run's events when the command was already applied). */
  state: State;
  /** Events this command produced ([] when it changed nothing or was already applied). */
  events: Event[];
  /** Log position of the command's last event; for a no-op, the stream's last position (0 if none). */
  position: number;
  /** Last revision of the stream after the command (-1 if the stream does not exist). */
  revision: number;
  /** True when an earlier command with the same id already wrote its events: nothing new was written. */
  alreadyApplied: boolean;
}

const DEFAULT_MAX_ATTEMPTS = 8;

/**
 * The write path of every aggregate: read its stream, fold `evolve`, `decide`, append with the exact
 * expected revision, and await the append. On a revision conflict, reload and decide again (bounded),
 * so no update is ever lost. A command id already present in the stream makes the command a no-op.
 */
export interface RunOptions {
  /**
   * For long, busy streams such as a tenant's hierarchy: keep the folded state between commands, and
   * queue this process's commands on the stream one after the other, so they do not conflict with each
   * other (a conflict with another process is still retried).
   */
  cache?: boolean;
}

export class DeciderRunner {
  private readonly cache = new StreamStateCache();
  private readonly queues = new Map<string, Promise<unknown>>();
  private readonly loader: BatchingStreamLoader;

  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts = DEFAULT_MAX_ATTEMPTS,
  ) {
    this.loader = new BatchingStreamLoader(store);
  }

  async run<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    stream: string,
    command: Command,
    context: CommandContext,
    options: RunOptions = {},
  ): Promise<DeciderOutcome<State, Event>> {
    if (!options.cache) return this.decideAndAppend(decider, stream, command, context, false);
    const mine = (this.queues.get(stream) ?? Promise.resolve()).then(() => this.decideAndAppend(decider, stream, command, context, true));
    const tail = mine.catch(() => undefined);
    this.queues.set(stream, tail);
    try {
      return await mine;
    } finally {
      if (this.queues.get(stream) === tail) this.queues.delete(stream);
    }
  }

  /**
   * What `run` would decide at this moment, without writing anything: the state and events a commit now
   * would produce (`doWrite: false`). Position 0: there is nothing for read models to catch up with.
   */
  async preview<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    stream: string,
    command: Command,
  ): Promise<DeciderOutcome<State, Event>> {
    const { state, revision } = await this.load(decider, stream, false);
    const events = decider.decide(command, state);
    return { state: events.reduce(decider.evolve, state), events, position: 0, revision, alreadyApplied: false };
  }

  private async decideAndAppend<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    stream: string,
    command: Command,
    context: CommandContext,
    useCache: boolean,
  ): Promise<DeciderOutcome<State, Event>> {
    for (let attempt = 1; ; attempt++) {
      const known = await this.load(decider, stream, useCache);
      const { state, revision, lastPosition } = known;

      const earlier = known.commandIds.get(context.commandId);
      if (earlier !== undefined) return { state, events: [], position: earlier, revision, alreadyApplied: true };

      const events = decider.decide(command, state);
      if (events.length === 0) return { state, events, position: lastPosition, revision, alreadyApplied: false };

      try {
        const result = await this.store.appendToStream(
          stream,
          events.map((event, index) => toNewEvent(event, index, stream, context)),
          revision < 0 ? 'no_stream' : revision,
        );
        const next = events.reduce(decider.evolve, state);
        if (useCache) {
          // In place: the queue lets one command at a time use a cached stream, and copying a map of every
          // command id per append made busy streams quadratic.
          const commandIds = known.commandIds.set(context.commandId, result.position);
          this.cache.set(stream, { revision: result.nextExpectedRevision, lastPosition: result.position, state: next, commandIds });
        }
        return { state: next, events, position: result.position, revision: result.nextExpectedRevision, alreadyApplied: false };
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) throw new ConcurrencyConflictError(stream, attempt);
      }
    }
  }

  /** The stream's state: folded from the start, or from the cached state with only the newer events. */
  private async load<Event extends DomainEvent, State>(
    decider: Decider<DomainCommand, Event, State>,
    stream: string,
    useCache: boolean,
  ): Promise<CachedStream<State>> {
    const cached = useCache ? this.cache.get<State>(stream) : undefined;
    // A whole stream goes through the batching loader (commands started together, one read); the rest of a
    // cached one is read on its own.
    const recorded = cached ? await this.store.readStream(stream, { fromRevision: cached.revision + 1 }) : await this.loader.load(stream);
    if (cached && recorded.length === 0) return cached;
    const events = recorded.map(toDomainEvent) as Event[];
    const commandIds = cached?.commandIds ?? new Map<string, number>(); // the cached map grows in place (see above)
    for (const event of recorded) commandIds.set(event.metadata.commandId, event.position);
    const last = recorded[recorded.length - 1];
    const entry: CachedStream<State> = {
      revision: last ? last.revision : -1,
      lastPosition: last ? last.position : 0,
      state: cached ? events.reduce(decider.evolve, cached.state) : fold(decider, events),
      commandIds,
    };
    if (useCache) this.cache.set(stream, entry);
    return entry;
  }
}

export function toDomainEvent(event: RecordedEvent): DomainEvent {
  return { type: event.type, data: event.data };
}

/** Event ids derive from the command id, the stream and the index: a retried command produces the same ids. */
function toNewEvent(event: DomainEvent, index: number, stream: string, context: CommandContext): NewEvent {
  return {
    id: deterministicUuid(context.commandId, stream, String(index)),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: eventMetadata(context),
  };
}
