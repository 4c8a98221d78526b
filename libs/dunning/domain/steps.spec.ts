import { InvalidInputError } from '../../shared-kernel/errors';
import { DunningStep } from './dunning-process';
import { NO_EXTRA_VOCABULARY, parseSteps, stepOffsets, StepVocabulary, mentionedTemplates } from './steps';

const retry = { type: 'retryCollection' };
const step = (fields: Record<string, unknown> = {}) => ({ days: 3, actions: [retry], ...fields });
const tenantVocabulary: StepVocabulary = { templates: ['finalWarning'], statuses: ['collections'] };

function errorOf(steps: unknown, vocabulary: StepVocabulary = NO_EXTRA_VOCABULARY): InvalidInputError {
  try {
    parseSteps(steps, 'steps', vocabulary);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return error as InvalidInputError;
  }
  throw new Error('expected the steps to be refused');
}

describe('dunning steps: accepted', () => {
  it('normalises: from defaults to dueDate, each action keeps only its own fields', () => {
    const steps = parseSteps(
      [
        { days: 3, actions: [retry, { type: 'notify', template: 'dunningNotice' }] },
        { days: 7, from: 'previousStep', actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }] },
        { days: 20, actions: [{ type: 'lateFee', flat: '5.00', percent: null }, { type: 'setStatus', target: 'planInstance', status: 'terminated' }] },
      ],
      'steps',
      NO_EXTRA_VOCABULARY,
    );
    expect(steps).toStrictEqual<DunningStep[]>([
      { days: 3, from: 'dueDate', actions: [{ type: 'retryCollection' }, { type: 'notify', template: 'dunningNotice' }] },
      { days: 7, from: 'previousStep', actions: [{ type: 'lateFee', percent: '5' }, { type: 'setStatus', target: 'account', status: 'suspended' }] },
      { days: 20, from: 'dueDate', actions: [{ type: 'lateFee', flat: '5.00' }, { type: 'setStatus', target: 'planInstance', status: 'terminated' }] },
    ]);
  });

  it("takes the tenant's own templates and custom statuses", () => {
    const steps = parseSteps([step({ actions: [{ type: 'notify', template: 'finalWarning' }, { type: 'setStatus', target: 'account', status: 'collections' }] })], 'steps', tenantVocabulary);
    expect(steps[0].actions).toEqual([{ type: 'notify', template: 'finalWarning' }, { type: 'setStatus', target: 'account', status: 'collections' }]);
  });

  it.each([
    ['0 days, same day as the previous', [step({ days: 0 }), step({ days: 0 })]],
    ['equal dates', [step({ days: 10 }), step({ days: 10 })]],
    ['a dueDate step after previousStep ones, at the same offset', [step({ days: 5 }), step({ days: 5, from: 'previousStep' }), step({ days: 10 })]],
    ['the largest values', [step({ days: 3650, actions: [{ type: 'lateFee', flat: '10000000000.000' }, { type: 'lateFee', percent: '100' }] })]],
    ['a first step from previousStep (counts from the due date)', [step({ from: 'previousStep' })]],
  ])('%s', (_name, steps) => {
    expect(() => parseSteps(steps, 'steps', NO_EXTRA_VOCABULARY)).not.toThrow();
  });
});

describe('dunning steps: refused with the field and the rule', () => {
  // Four columns exactly: a test function with more parameters than a row would be given jest's `done`.
  it.each<[string, unknown, string, string]>([
    ['steps missing', undefined, 'steps', 'required'],
    ['steps not an array', { days: 1 }, 'steps', 'array'],
    ['no steps', [], 'steps', 'notEmpty'],
    ['too many steps', Array.from({ length: 51 }, () => step()), 'steps', 'maxItems'],
    ['a step not an object', [5], 'steps[0]', 'object'],
    ['an unknown step field', [step({ when: 'later' })], 'steps[0].when', 'unknownField'],
    ['days missing', [{ actions: [retry] }], 'steps[0].days', 'range'],
    ['days negative', [step({ days: -1 })], 'steps[0].days', 'range'],
    ['days fractional', [step({ days: 1.5 })], 'steps[0].days', 'range'],
    ['days a string', [step({ days: '3' })], 'steps[0].days', 'range'],
    ['days beyond ten years', [step({ days: 3651 })], 'steps[0].days', 'range'],
    ['from unknown', [step({ from: 'invoiceDate' })], 'steps[0].from', 'oneOf'],
    ['actions missing', [{ days: 3 }], 'steps[0].actions', 'required'],
    ['actions empty (a step that does nothing)', [step({ actions: [] })], 'steps[0].actions', 'notEmpty'],
    ['too many actions', [step({ actions: Array.from({ length: 21 }, () => retry) })], 'steps[0].actions', 'maxItems'],
    ['an action not an object', [step({ actions: ['retry'] })], 'steps[0].actions[0]', 'object'],
    ['an unknown action type', [step({ actions: [{ type: 'sendSms' }] })], 'steps[0].actions[0].type', 'oneOf'],
    ['an action without a type', [step({ actions: [{ template: 'x' }] })], 'steps[0].actions[0].type', 'oneOf'],
    ['an unknown action field', [step({ actions: [{ type: 'retryCollection', times: 2 }] })], 'steps[0].actions[0].times', 'unknownField'],
    ['a field of another action type', [step({ actions: [{ type: 'notify', template: 'dunningNotice', percent: '5' }] })], 'steps[0].actions[0].percent', 'unknownField'],
    ['notify without a template', [step({ actions: [{ type: 'notify' }] })], 'steps[0].actions[0].template', 'required'],
    ['notify with an unknown template', [step({ actions: [{ type: 'notify', template: 'reminder' }] })], 'steps[0].actions[0].template', 'knownTemplate'],
    ['notify with a template of another tenant', [step({ actions: [{ type: 'notify', template: 'finalWarning' }] })], 'steps[0].actions[0].template', 'knownTemplate'],
    ['lateFee with neither', [step({ actions: [{ type: 'lateFee' }] })], 'steps[0].actions[0]', 'flatOrPercent'],
    ['lateFee with both', [step({ actions: [{ type: 'lateFee', flat: '5.00', percent: '5' }] })], 'steps[0].actions[0]', 'flatOrPercent'],
    ['flat not a decimal string', [step({ actions: [{ type: 'lateFee', flat: 5 }] })], 'steps[0].actions[0].flat', 'decimal'],
    ['flat with an exponent', [step({ actions: [{ type: 'lateFee', flat: '1e3' }] })], 'steps[0].actions[0].flat', 'decimal'],
    ['flat zero', [step({ actions: [{ type: 'lateFee', flat: '0.00' }] })], 'steps[0].actions[0].flat', 'positive'],
    ['flat negative', [step({ actions: [{ type: 'lateFee', flat: '-5' }] })], 'steps[0].actions[0].flat', 'positive'],
    ['flat with 4 decimals', [step({ actions: [{ type: 'lateFee', flat: '5.0001' }] })], 'steps[0].actions[0].flat', 'maxDecimalPlaces'],
    ['flat too large', [step({ actions: [{ type: 'lateFee', flat: '10000000000.01' }] })], 'steps[0].actions[0].flat', 'amountRange'],
    ['percent zero', [step({ actions: [{ type: 'lateFee', percent: '0' }] })], 'steps[0].actions[0].percent', 'percentRange'],
    ['percent over 100', [step({ actions: [{ type: 'lateFee', percent: '100.01' }] })], 'steps[0].actions[0].percent', 'percentRange'],
    ['percent a number', [step({ actions: [{ type: 'lateFee', percent: 5 }] })], 'steps[0].actions[0].percent', 'decimal'],
    ['percent too fine', [step({ actions: [{ type: 'lateFee', percent: '1.00001' }] })], 'steps[0].actions[0].percent', 'maxDecimalPlaces'],
    ['setStatus with an unknown target', [step({ actions: [{ type: 'setStatus', target: 'invoice', status: 'suspended' }] })], 'steps[0].actions[0].target', 'oneOf'],
    ['setStatus with an unknown status', [step({ actions: [{ type: 'setStatus', target: 'account', status: 'frozen' }] })], 'steps[0].actions[0].status', 'knownStatus'],
    ['setStatus without a status', [step({ actions: [{ type: 'setStatus', target: 'account' }] })], 'steps[0].actions[0].status', 'knownStatus'],
    ['a dueDate step before the previous one', [step({ days: 10 }), step({ days: 5 })], 'steps[1].days', 'stepsInOrder'],
    ['a dueDate step before the previous step offset', [step({ days: 5 }), step({ days: 5, from: 'previousStep' }), step({ days: 9 })], 'steps[2].days', 'stepsInOrder'],
  ])('%s', (_name, steps, field, rule) => {
    const error = errorOf(steps);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('names the deep path of a bad percent', () => {
    const error = errorOf([step(), step({ days: 5, actions: [retry, { type: 'lateFee', percent: '150' }] })]);
    expect(error.details).toEqual([expect.objectContaining({ field: 'steps[1].actions[1].percent', rule: 'percentRange' })]);
    expect(error.message).toMatch(/greater than 0 and at most 100/);
  });

  it('reports every bad field at once', () => {
    const error = errorOf([step({ days: -1, from: 'x' }), step({ actions: [{ type: 'lateFee' }, { type: 'notify', template: 'nope' }] })]);
    expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual([
      'steps[0].days:range',
      'steps[0].from:oneOf',
      'steps[1].actions[0]:flatOrPercent',
      'steps[1].actions[1].template:knownTemplate',
    ]);
  });
});

describe('step offsets and mentioned templates', () => {
  it('counts previousStep steps from the step before, the first from the due date', () => {
    const steps = [
      { days: 2, from: 'previousStep' as const },
      { days: 3, from: 'previousStep' as const },
      { days: 10, from: 'dueDate' as const },
      { days: 10, from: 'previousStep' as const },
    ];
    expect(stepOffsets(steps)).toEqual([2, 5, 10, 20]);
  });

  it('finds template names in any shape of input, without throwing', () => {
    expect(mentionedTemplates([{ actions: [{ type: 'notify', template: 'a' }, { template: 'b' }, null, 5] }, null, { actions: 'x' }, { actions: [{ template: 'a' }] }])).toEqual(['a', 'b']);
    expect(mentionedTemplates('nope')).toEqual([]);
  });
});
