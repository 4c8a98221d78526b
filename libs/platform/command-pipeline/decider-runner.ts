import { Decider, DomainCommand, DomainEvent, fold } from '../../shared-kernel/decider';
import { EventStore, NewEvent, RecordedEvent, StreamAppend, WrongExpectedRevisionError } from '../event-store/event-store.port';
import { CommandContext, eventMetadata } from './command-context';
import { ConcurrencyConflictError } from './concurrency-conflict.error';
import { CachedStream, commandEventId, CommandIds, StreamStateCache } from './stream-state-cache';
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
  /**
   * The events this command id wrote: now, or (a repeat) the first time. A repeat's answer is built from these,
   * so a request sent again after a crash that lost its first answer is told what it did (e.g. its invoice).
   */
  written: Event[];
}

/** A stream as a caller knows it: the folded state at `revision` (-1: no stream). */
export interface StreamAt<State> {
  state: State;
  revision: number;
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

/** One stream of a `runMany` and the command decided on it. */
export interface RunTarget<Command> {
  stream: string;
  command: Command;
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
    const [outcome] = await this.runMany(decider, [{ stream, command }], context, options);
    return outcome;
  }

  /**
   * `run` over several streams at once, written together: each stream is loaded and decided, then every
   * stream with new events is appended by ONE `appendToStreams` (one transaction on SQLite, so a crash
   * leaves all or none; see the port for KurrentDB). A conflict on any stream reloads and decides them all
   * again. A stream that already holds the command id is a no-op, as in `run`, so a retry of a cut write
   * (KurrentDB) writes only the streams it lacks. Outcomes in the order of `targets`; streams must differ.
   */
  async runMany<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    targets: readonly RunTarget<Command>[],
    context: CommandContext,
    options: RunOptions = {},
  ): Promise<DeciderOutcome<State, Event>[]> {
    if (!options.cache) return this.decideAndAppend(decider, targets, context, false);
    // Queued behind this process's earlier commands on any of the streams. No deadlock: a command only
    // waits for commands queued before it.
    const streams = targets.map((target) => target.stream);
    const before = streams.map((stream) => this.queues.get(stream)).filter((queued) => queued !== undefined);
    const waited = before.length === 0 ? Promise.resolve() : before.length === 1 ? before[0] : Promise.all(before);
    const mine = waited.then(() => this.decideAndAppend(decider, targets, context, true));
    const tail = mine.catch(() => undefined);
    for (const stream of streams) this.queues.set(stream, tail);
    try {
      return await mine;
    } finally {
      for (const stream of streams) if (this.queues.get(stream) === tail) this.queues.delete(stream);
    }
  }

  /**
   * `run` from a state the caller already holds, without reading the stream again: decided on `from.state` and
   * appended with `from.revision` as the expected revision. Anything another writer appended since makes that append
   * conflict, and then the command is `run` as usual (read, decide again), so nothing is lost. A decision of nothing,
   * or a domain error, on `from.state` is not trusted either (that state may be behind): the command is then `run`.
   * So the outcome is always one `run` could have given; only the read is saved when the command writes. For a caller
   * that just read or wrote the stream (a webhook attempt right after its request). The command's id must not be
   * among the stream's events up to `from.revision`: only `run` recognises a repeat.
   */
  async runFrom<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    stream: string,
    command: Command,
    context: CommandContext,
    from: StreamAt<State>,
  ): Promise<DeciderOutcome<State, Event>> {
    let events: Event[];
    try {
      events = decider.decide(command, from.state);
    } catch {
      return this.run(decider, stream, command, context);
    }
    if (events.length === 0) return this.run(decider, stream, command, context);
    const newEvents = events.map((event, i) => toNewEvent(event, i, stream, context));
    try {
      const { position, nextExpectedRevision } = await this.store.appendToStream(stream, newEvents, from.revision < 0 ? 'no_stream' : from.revision);
      return { state: events.reduce(decider.evolve, from.state), events, position, revision: nextExpectedRevision, alreadyApplied: false, written: events };
    } catch (error) {
      if (!(error instanceof WrongExpectedRevisionError)) throw error;
      return this.run(decider, stream, command, context);
    }
  }

  /**
   * A stream's state now, and its revision, as `run` would load it without a command: read whole (through the
   * batching loader), or with `cache` only the events after the state this runner folded last (the cache `run` uses).
   */
  async stateOf<Event extends DomainEvent, State>(decider: Decider<DomainCommand, Event, State>, stream: string, options: RunOptions = {}): Promise<StreamAt<State>> {
    const { state, revision } = await this.load(decider, stream, options.cache === true);
    return { state, revision };
  }

  /**
   * A whole stream read as `run` reads its own: the streams asked for by one run of synchronous code are read with one
   * query (BatchingStreamLoader), never staler than `EventStore.readStream` at the moment of the call. For the other
   * streams a command reads to decide (a ledger, payment methods) on paths that run a chunk of commands at once: on the
   * bill-run day the collection and dunning checks read three such streams per invoice, one query each (decision 0027).
   */
  readStream(stream: string): Promise<RecordedEvent[]> {
    return this.loader.load(stream);
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
    return { state: events.reduce(decider.evolve, state), events, position: 0, revision, alreadyApplied: false, written: events };
  }

  private async decideAndAppend<Command extends DomainCommand, Event extends DomainEvent, State>(
    decider: Decider<Command, Event, State>,
    targets: readonly RunTarget<Command>[],
    context: CommandContext,
    useCache: boolean,
  ): Promise<DeciderOutcome<State, Event>[]> {
    for (let attempt = 1; ; attempt++) {
      const known = await Promise.all(targets.map(({ stream }) => this.load(decider, stream, useCache)));
      const outcomes: DeciderOutcome<State, Event>[] = [];
      const appends: StreamAppend[] = [];
      const appending: number[] = []; // index in targets of each append
      targets.forEach(({ stream, command }, index) => {
        const { state, revision, lastPosition, commandIds } = known[index];
        const earlier = commandIds.get(context.commandId);
        if (earlier !== undefined) return outcomes.push({ state, events: [], position: earlier, revision, alreadyApplied: true, written: [] });
        const events = decider.decide(command, state);
        outcomes.push({ state, events, position: lastPosition, revision, alreadyApplied: false, written: events });
        if (events.length === 0) return;
        appends.push({
          stream,
          events: events.map((event, i) => toNewEvent(event, i, stream, context)),
          expectedRevision: revision < 0 ? 'no_stream' : revision,
        });
        appending.push(index);
      });
      if (appends.length === 0) return this.withEarlierEvents(outcomes, targets, context);

      try {
        // One stream appends as it always has; several go through the store's multi-stream append.
        const [only] = appends;
        const results =
          appends.length === 1
            ? [await this.store.appendToStream(only.stream, only.events, only.expectedRevision)]
            : await this.store.appendToStreams(appends);
        appending.forEach((index, i) => {
          const { state, events } = outcomes[index];
          const { position, nextExpectedRevision } = results[i];
          const next = events.reduce(decider.evolve, state);
          if (useCache) {
            // In place: the queue lets one command at a time use a cached stream, and copying a map of every
            // command id per append made busy streams quadratic.
            const commandIds = known[index].commandIds.set(context.commandId, position);
            this.cache.set(targets[index].stream, { revision: nextExpectedRevision, lastPosition: position, state: next, commandIds });
          }
          outcomes[index] = { state: next, events, position, revision: nextExpectedRevision, alreadyApplied: false, written: events };
        });
        return this.withEarlierEvents(outcomes, targets, context);
      } catch (error) {
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= this.maxAttempts) throw new ConcurrencyConflictError(error.stream, attempt);
      }
    }
  }

  /** A repeat's `written`: the events its command id wrote the first time, read back from its stream (repeats are rare). */
  private async withEarlierEvents<Command, Event extends DomainEvent, State>(
    outcomes: DeciderOutcome<State, Event>[],
    targets: readonly RunTarget<Command>[],
    context: CommandContext,
  ): Promise<DeciderOutcome<State, Event>[]> {
    for (const [index, outcome] of outcomes.entries()) {
      if (!outcome.alreadyApplied) continue;
      const recorded = await this.store.readStream(targets[index].stream);
      outcome.written = recorded.filter((event) => event.metadata.commandId === context.commandId).map(toDomainEvent) as Event[];
    }
    return outcomes;
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
    const commandIds = cached?.commandIds ?? new CommandIds(stream); // a cached one grows in place (see above)
    commandIds.add(recorded);
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

/**
 * The data is passed on unparsed until the decider reads it: a store parses it on first read, and evolve skips some
 * types without looking (an installment schedule's twelve InstallmentCreated were two thirds of its stream's parsing).
 */
export function toDomainEvent(event: RecordedEvent): DomainEvent {
  return {
    type: event.type,
    get data() {
      return event.data;
    },
  };
}

/**
 * Event ids derive from the command id, the stream and the index: a retried command produces the same ids, and
 * CommandIds recognises a repeat by them.
 */
function toNewEvent(event: DomainEvent, index: number, stream: string, context: CommandContext): NewEvent {
  return {
    id: commandEventId(context.commandId, stream, index),
    type: event.type,
    data: event.data as Record<string, unknown>,
    metadata: eventMetadata(context),
  };
}
