import { Decider, DomainCommand, DomainEvent, fold } from '../decider';

/**
 * Given/when/then specifications for deciders (Jest only; excluded from the build):
 *
 *   const spec = specFor(accountDecider);
 *   spec.given([accountCreated]).when(updateContact).then([contactUpdated]);
 *   spec.given([]).when(updateContact).thenThrows(NotFoundError, /was not found/);
 *
 * `then` compares with toStrictEqual: an event must not carry `undefined` fields, which JSON would drop.
 */
export function specFor<Command extends DomainCommand, Event extends DomainEvent, State>(
  decider: Decider<Command, Event, State>,
) {
  return {
    given(events: readonly Event[]) {
      return {
        when(command: Command) {
          const decide = (): Event[] => decider.decide(command, fold(decider, events));
          return {
            /** Asserts the events decided; returns them for further checks. */
            then(expected: readonly Event[]): Event[] {
              const actual = decide();
              expect(actual).toStrictEqual(expected);
              return actual;
            },
            /** Asserts the error thrown (and its message, if given); returns it so its details can be checked. */
            thenThrows<E extends Error>(
              errorClass: abstract new (...args: never[]) => E,
              message?: string | RegExp,
            ): E {
              let events: Event[];
              try {
                events = decide();
              } catch (error: unknown) {
                expect(error).toBeInstanceOf(errorClass);
                if (message !== undefined) expect((error as Error).message).toMatch(message);
                return error as E;
              }
              throw new Error(`expected ${errorClass.name} to be thrown, but decide returned ${JSON.stringify(events)}`);
            },
          };
        },
      };
    },
  };
}
