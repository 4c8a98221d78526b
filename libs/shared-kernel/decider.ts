/**
 * A decider (after event-driven-io/emmett): the whole behaviour of one aggregate as three pure values.
 * `decide` validates a command against the current state and returns the facts it produces (or throws a
 * DomainError); `evolve` folds one fact into the state. No I/O, no clock: the command carries the date.
 */
export interface DomainEvent<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface DomainCommand<Type extends string = string, Data = unknown> {
  type: Type;
  data: Data;
}

export interface Decider<Command extends DomainCommand, Event extends DomainEvent, State> {
  decide(command: Command, state: State): Event[];
  evolve(state: State, event: Event): State;
  initialState: State;
  /**
   * Optional: the same state as reducing `evolve` over the events, built in one pass. For aggregates
   * whose state is large (a tenant's whole hierarchy), where copying it per event would be quadratic.
   */
  fold?(events: readonly Event[]): State;
}

/** Folds a stream's events into the state. */
export function fold<Event extends DomainEvent, State>(
  decider: Pick<Decider<DomainCommand, Event, State>, 'evolve' | 'initialState' | 'fold'>,
  events: readonly Event[],
): State {
  return decider.fold ? decider.fold(events) : events.reduce(decider.evolve, decider.initialState);
}

/** For exhaustive switches: the compiler proves this is unreachable. */
export function assertNever(value: never): never {
  throw new Error(`Unexpected value: ${JSON.stringify(value)}`);
}
