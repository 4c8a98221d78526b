import { parseDecimal } from '../../shared-kernel/decimal';
import { ErrorDetail, InvalidInputError } from '../../shared-kernel/errors';
import { DunningAction, DunningStep } from './dunning-process';

/**
 * The steps of a dunning process, checked as they arrive (untyped JSON): every error names the full path
 * (`steps[1].actions[0].percent`) and the rule. What exists outside this context (templates, custom statuses)
 * is told by the caller, so the check stays pure.
 */

export const MAX_STEPS = 50;
export const MAX_ACTIONS = 20;
export const MAX_STEP_DAYS = 3650;
/** Any currency's minor unit has at most 3 places (KWD); a finer fee could not be charged. */
export const MAX_FLAT_DECIMALS = 3;
export const MAX_PERCENT_DECIMALS = 4;
/** As the largest price (catalog): a larger fee could not be posted. */
export const MAX_FLAT_FEE = '10000000000';

export const STEP_ORIGINS = ['dueDate', 'previousStep'] as const;
export const ACTION_TYPES = ['retryCollection', 'notify', 'lateFee', 'setStatus'] as const;
export const STATUS_TARGETS = ['account', 'planInstance'] as const;
/** Templates every tenant has: the notifications context sends a default text when the tenant set none. */
export const BUILT_IN_TEMPLATES = ['dunningNotice'] as const;
export const BUILT_IN_STATUSES = ['active', 'suspended', 'terminated'] as const;

/** What the steps may name besides the built-ins: the templates the tenant set, its custom statuses. */
export interface StepVocabulary {
  templates: readonly string[];
  statuses: readonly string[];
}

export const NO_EXTRA_VOCABULARY: StepVocabulary = { templates: [], statuses: [] };

/** The normalised steps (`from` defaults to dueDate), or one InvalidInputError listing every bad field. */
export function parseSteps(value: unknown, field: string, vocabulary: StepVocabulary): DunningStep[] {
  const items = listOf(value, field, MAX_STEPS);
  const details: ErrorDetail[] = [];
  const steps: DunningStep[] = [];
  items.forEach((item, index) => {
    const step = collect(details, () => parseStep(item, `${field}[${index}]`, vocabulary));
    if (step) steps.push(step);
  });
  if (details.length === 0) collect(details, () => assertInOrder(steps, field));
  throwAll(details);
  return steps;
}

/** The days after the due date each step fires (a first step `from: previousStep` counts from the due date). */
export function stepOffsets(steps: readonly Pick<DunningStep, 'days' | 'from'>[]): number[] {
  const offsets: number[] = [];
  steps.forEach((step, index) => offsets.push(step.from === 'previousStep' && index > 0 ? offsets[index - 1] + step.days : step.days));
  return offsets;
}

/** Dates never go backwards: a case takes its steps one after the other. */
function assertInOrder(steps: DunningStep[], field: string): void {
  const offsets = stepOffsets(steps);
  for (let index = 1; index < steps.length; index++) {
    if (offsets[index] < offsets[index - 1]) {
      const message =
        `${field}[${index}].days: step ${index + 1} would fire ${offsets[index]} days after the due date, before step ${index} ` +
        `(${offsets[index - 1]} days); steps must be in date order (use from: "previousStep" to count from the step before)`;
      throw InvalidInputError.forField(`${field}[${index}].days`, 'stepsInOrder', message);
    }
  }
}

function parseStep(value: unknown, field: string, vocabulary: StepVocabulary): DunningStep {
  const input = objectWith(value, field, ['days', 'from', 'actions']);
  const details: ErrorDetail[] = [];
  const days = collect(details, () => integerIn(input.days, at(field, 'days'), 0, MAX_STEP_DAYS));
  const from = collect(details, () => (input.from === undefined || input.from === null ? 'dueDate' : oneOf(input.from, at(field, 'from'), STEP_ORIGINS)));
  const actions = collect(details, () => parseActions(input.actions, at(field, 'actions'), vocabulary));
  throwAll(details);
  return { days: days!, from: from!, actions: actions! };
}

function parseActions(value: unknown, field: string, vocabulary: StepVocabulary): DunningAction[] {
  if (value === undefined || value === null) throw InvalidInputError.forField(field, 'required', `${field} is required: a step must do something`);
  const items = listOf(value, field, MAX_ACTIONS, 'a step must do something');
  const details: ErrorDetail[] = [];
  const actions: DunningAction[] = [];
  items.forEach((item, index) => {
    const action = collect(details, () => parseAction(item, `${field}[${index}]`, vocabulary));
    if (action) actions.push(action);
  });
  throwAll(details);
  return actions;
}

function parseAction(value: unknown, field: string, vocabulary: StepVocabulary): DunningAction {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw InvalidInputError.forField(field, 'object', `${field} must be an object`);
  const type = oneOf((value as Record<string, unknown>).type, at(field, 'type'), ACTION_TYPES);
  switch (type) {
    case 'retryCollection':
      objectWith(value, field, ['type']);
      return { type };
    case 'notify': {
      const input = objectWith(value, field, ['type', 'template']);
      return { type, template: knownTemplate(input.template, at(field, 'template'), vocabulary) };
    }
    case 'lateFee':
      return lateFee(objectWith(value, field, ['type', 'flat', 'percent']), field);
    case 'setStatus': {
      const input = objectWith(value, field, ['type', 'target', 'status']);
      const details: ErrorDetail[] = [];
      const target = collect(details, () => oneOf(input.target, at(field, 'target'), STATUS_TARGETS));
      const status = collect(details, () => knownStatus(input.status, at(field, 'status'), vocabulary));
      throwAll(details);
      return { type, target: target!, status: status! };
    }
  }
}

function lateFee(input: Record<string, unknown>, field: string): DunningAction {
  const given = (['flat', 'percent'] as const).filter((key) => input[key] !== undefined && input[key] !== null);
  if (given.length !== 1) {
    const message = `${field} must have exactly one of flat (an amount such as "5.00") and percent (such as "5")${given.length === 2 ? ', not both' : ''}`;
    throw InvalidInputError.forField(field, 'flatOrPercent', message);
  }
  if (given[0] === 'flat') {
    const path = at(field, 'flat');
    const amount = parseDecimal(input.flat, path);
    if (amount.lte(0)) throw InvalidInputError.forField(path, 'positive', `${path} must be greater than zero (got "${String(input.flat)}")`);
    if (decimalPlaces(input.flat as string) > MAX_FLAT_DECIMALS) {
      throw InvalidInputError.forField(path, 'maxDecimalPlaces', `${path} may have at most ${MAX_FLAT_DECIMALS} decimal places (the finest minor unit of any currency)`);
    }
    if (amount.gt(MAX_FLAT_FEE)) throw InvalidInputError.forField(path, 'amountRange', `${path} must be at most ${MAX_FLAT_FEE}`);
    return { type: 'lateFee', flat: input.flat as string };
  }
  const path = at(field, 'percent');
  const percent = parseDecimal(input.percent, path);
  if (percent.lte(0) || percent.gt(100)) throw InvalidInputError.forField(path, 'percentRange', `${path} must be greater than 0 and at most 100 (got "${String(input.percent)}")`);
  if (decimalPlaces(input.percent as string) > MAX_PERCENT_DECIMALS) {
    throw InvalidInputError.forField(path, 'maxDecimalPlaces', `${path} may have at most ${MAX_PERCENT_DECIMALS} decimal places`);
  }
  return { type: 'lateFee', percent: input.percent as string };
}

function knownTemplate(value: unknown, field: string, vocabulary: StepVocabulary): string {
  const known = [...BUILT_IN_TEMPLATES, ...vocabulary.templates];
  if (typeof value === 'string' && known.includes(value)) return value;
  if (value === undefined || value === null) throw InvalidInputError.forField(field, 'required', `${field} is required: the email template to send`);
  const message = `${field} must be "dunningNotice" or the name of a template set with PUT /v1/email-templates/{name} (got ${JSON.stringify(value)})`;
  throw InvalidInputError.forField(field, 'knownTemplate', message);
}

function knownStatus(value: unknown, field: string, vocabulary: StepVocabulary): string {
  const known = [...BUILT_IN_STATUSES, ...vocabulary.statuses];
  if (typeof value === 'string' && known.includes(value)) return value;
  const message = `${field} must be one of ${known.map((status) => `"${status}"`).join(', ')} (a custom status is added in the tenant's settings; got ${JSON.stringify(value)})`;
  throw InvalidInputError.forField(field, 'knownStatus', message);
}

/** The template names the steps mention (whatever their shape), so the caller can look up which exist. */
export function mentionedTemplates(steps: unknown): string[] {
  if (!Array.isArray(steps)) return [];
  const names = new Set<string>();
  for (const step of steps.slice(0, MAX_STEPS)) {
    const actions = typeof step === 'object' && step !== null ? (step as Record<string, unknown>).actions : undefined;
    if (!Array.isArray(actions)) continue;
    for (const action of actions.slice(0, MAX_ACTIONS)) {
      const template = typeof action === 'object' && action !== null ? (action as Record<string, unknown>).template : undefined;
      if (typeof template === 'string' && template.length <= 100) names.add(template);
    }
  }
  return [...names];
}

// Small input rules (the catalog has its own; a context uses another's domain only through its door).

/** A JSON object with only the allowed keys (an unknown key is refused, never silently dropped). */
export function objectWith(value: unknown, field: string, allowed: readonly string[]): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw InvalidInputError.forField(field, 'object', `${field} must be an object`);
  const unknown = Object.keys(value).filter((key) => !allowed.includes(key));
  if (unknown.length > 0) {
    const message = `${unknown.map((key) => at(field, key)).join(', ')}: not a field of ${field}; allowed: ${allowed.join(', ')}`;
    throw new InvalidInputError(message, unknown.map((key) => ({ field: at(field, key), rule: 'unknownField', message })));
  }
  return value as Record<string, unknown>;
}

export function listOf(value: unknown, field: string, max: number, why?: string): unknown[] {
  if (value === undefined || value === null) throw InvalidInputError.forField(field, 'required', `${field} is required`);
  if (!Array.isArray(value)) throw InvalidInputError.forField(field, 'array', `${field} must be an array`);
  if (value.length === 0) throw InvalidInputError.forField(field, 'notEmpty', `${field} must have at least one item${why ? `: ${why}` : ''}`);
  if (value.length > max) throw InvalidInputError.forField(field, 'maxItems', `${field} may have at most ${max} items`);
  return value;
}

function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw InvalidInputError.forField(field, 'oneOf', `${field} must be one of ${allowed.map((a) => `"${a}"`).join(', ')} (got ${JSON.stringify(value)})`);
}

function integerIn(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw InvalidInputError.forField(field, 'range', `${field} must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  }
  return value;
}

export function at(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/** Runs a check; an InvalidInputError's details are collected (every bad field is reported together). */
export function collect<T>(details: ErrorDetail[], check: () => T): T | undefined {
  try {
    return check();
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    details.push(...error.details);
    return undefined;
  }
}

export function throwAll(details: ErrorDetail[]): void {
  if (details.length === 1) throw new InvalidInputError(details[0].message, details);
  if (details.length > 1) throw new InvalidInputError(`${details.length} fields are invalid: ${details.map((d) => d.message).join('; ')}`, details);
}

function decimalPlaces(plain: string): number {
  const dot = plain.indexOf('.');
  return dot < 0 ? 0 : plain.length - dot - 1;
}
