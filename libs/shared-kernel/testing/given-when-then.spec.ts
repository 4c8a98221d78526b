import { Decider } from '../decider';
import { ConflictError, NotFoundError } from '../errors';
import { specFor } from './given-when-then';

type CounterEvent = { type: 'Opened'; data: { id: string } } | { type: 'Incremented'; data: { by: number } };
type CounterCommand = { type: 'Open'; data: { id: string } } | { type: 'Increment'; data: { by: number } };
type CounterState = { id: string; count: number } | null;

const counter: Decider<CounterCommand, CounterEvent, CounterState> = {
  initialState: null,
  decide(command, state) {
    if (command.type === 'Open') {
      if (state) throw new ConflictError(`counter ${state.id} already exists`);
      return [{ type: 'Opened', data: command.data }];
    }
    if (!state) throw new NotFoundError('Counter', '?');
    return command.data.by === 0 ? [] : [{ type: 'Incremented', data: command.data }];
  },
  evolve(state, event) {
    if (event.type === 'Opened') return { id: event.data.id, count: 0 };
    return state && { ...state, count: state.count + event.data.by };
  },
};

const spec = specFor(counter);

describe('specFor', () => {
  it('given no events, then the decided events', () => {
    spec.given([]).when({ type: 'Open', data: { id: 'c1' } }).then([{ type: 'Opened', data: { id: 'c1' } }]);
  });

  it('folds the given events before deciding', () => {
    spec
      .given([{ type: 'Opened', data: { id: 'c1' } }])
      .when({ type: 'Increment', data: { by: 2 } })
      .then([{ type: 'Incremented', data: { by: 2 } }]);
  });

  it('then([]) asserts that nothing was decided', () => {
    spec.given([{ type: 'Opened', data: { id: 'c1' } }]).when({ type: 'Increment', data: { by: 0 } }).then([]);
  });

  it('fails when the events differ, including an extra undefined field', () => {
    const when = spec.given([]).when({ type: 'Open', data: { id: 'c1' } });
    expect(() => when.then([{ type: 'Opened', data: { id: 'c2' } }])).toThrow();
    expect(() => when.then([{ type: 'Opened', data: { id: 'c1', extra: undefined } as { id: string } }])).toThrow();
  });

  it('thenThrows checks the class and the message, and returns the error', () => {
    const error = spec
      .given([{ type: 'Opened', data: { id: 'c1' } }])
      .when({ type: 'Open', data: { id: 'c1' } })
      .thenThrows(ConflictError, /c1 already exists/);
    expect(error.status).toBe(409);
    spec.given([]).when({ type: 'Increment', data: { by: 1 } }).thenThrows(NotFoundError);
  });

  it('thenThrows fails on the wrong class, the wrong message, or no error at all', () => {
    const opened = spec.given([{ type: 'Opened', data: { id: 'c1' } }]);
    expect(() => opened.when({ type: 'Open', data: { id: 'c1' } }).thenThrows(NotFoundError)).toThrow();
    expect(() => opened.when({ type: 'Open', data: { id: 'c1' } }).thenThrows(ConflictError, 'c2')).toThrow();
    expect(() => opened.when({ type: 'Increment', data: { by: 1 } }).thenThrows(ConflictError)).toThrow(
      /expected ConflictError to be thrown, but decide returned/,
    );
  });
});
