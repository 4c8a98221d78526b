import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { fold } from '../../shared-kernel/decider';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { DunningProcessCommand, dunningProcessDecider, DunningProcessEvent, dunningProcessStream } from './dunning-process.decider';
import { NO_EXTRA_VOCABULARY } from './steps';

const spec = specFor(dunningProcessDecider);
const inputSteps = [
  { days: 3, actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'dunningNotice' }] },
  { days: 10, actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }] },
];
const steps = [
  { days: 3, from: 'dueDate', actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'dunningNotice' }] },
  { days: 10, from: 'dueDate', actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }] },
] as const;

const create = (data: Record<string, unknown> = {}): DunningProcessCommand => ({
  type: 'CreateDunningProcess',
  data: { processId: 'standard', name: 'Standard', steps: inputSteps, vocabulary: NO_EXTRA_VOCABULARY, on: '2025-03-01', ...data },
});
const revise = (data: Record<string, unknown> = {}): DunningProcessCommand => ({ ...create(data), type: 'ReviseDunningProcess' });
const defined = (version: number, data: Record<string, unknown> = {}): DunningProcessEvent => ({
  type: 'DunningProcessDefined',
  data: { processId: 'standard', name: 'Standard', version, steps: steps as never, definedOn: '2025-03-01', ...data },
});

describe('dunning process decider', () => {
  it('defines version 1 with normalised steps', () => {
    spec.given([]).when(create()).then([defined(1)]);
  });

  it('refuses an id that exists (409)', () => {
    const error = spec.given([defined(1)]).when(create()).thenThrows(ConflictError, /already exists/);
    expect(error.details[0]).toMatchObject({ field: 'id', rule: 'unique' });
  });

  it('a revision is a new version with the whole definition', () => {
    const third = [{ days: 20, from: 'dueDate', actions: [{ type: 'setStatus', target: 'account', status: 'terminated' }] }];
    spec
      .given([defined(1)])
      .when(revise({ name: 'Strict', steps: [...inputSteps, third[0]], on: '2025-04-01' }))
      .then([defined(2, { name: 'Strict', steps: [...steps, third[0]], definedOn: '2025-04-01' })]);
  });

  it('the same content decides nothing, whatever the key order or the defaults given', () => {
    const reordered = inputSteps.map((step) => ({ actions: step.actions, from: 'dueDate', days: step.days }));
    spec.given([defined(1), defined(2, { name: 'Other' }), defined(3)]).when(revise({ steps: reordered })).then([]);
  });

  it('a name change alone is a new version', () => {
    spec.given([defined(1)]).when(revise({ name: 'Renamed' })).then([defined(2, { name: 'Renamed' })]);
  });

  it('cannot revise a process that does not exist (404)', () => {
    spec.given([]).when(revise()).thenThrows(NotFoundError);
  });

  it('refuses bad input with every field named, before writing anything', () => {
    const error = spec.given([]).when(create({ processId: 'bad id', name: ' ', steps: [] })).thenThrows(InvalidInputError);
    expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual(['id:id', 'name:notBlank', 'steps:notEmpty']);
  });

  it('checks a revision with the same rules', () => {
    const error = spec.given([defined(1)]).when(revise({ steps: [{ days: 10, actions: [{ type: 'retryCollection' }] }, { days: 3, actions: [{ type: 'retryCollection' }] }] })).thenThrows(InvalidInputError);
    expect(error.details).toEqual([expect.objectContaining({ field: 'steps[1].days', rule: 'stepsInOrder' })]);
  });

  it('keeps every version readable in the state', () => {
    const state = fold(dunningProcessDecider, [defined(1), defined(2, { name: 'Two', definedOn: '2025-05-01' })]);
    expect(state?.current).toMatchObject({ id: 'standard', name: 'Two', version: 2, createdOn: '2025-05-01' });
    expect(state?.versions.map((version) => version.version)).toEqual([1, 2]);
  });

  it('one stream per process and tenant', () => {
    expect(dunningProcessStream('t1', 'standard')).toBe('dunningProcess-t1.standard');
  });
});
