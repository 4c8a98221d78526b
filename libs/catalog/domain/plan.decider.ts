import { parseCurrency } from '../../shared-kernel/currency';
import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { optional, text, validateAll } from '../../shared-kernel/validation';
import { taxCategoryOf } from './tax-rate';
import { at, integerIn, listOf, objectWith, oneOf } from './input';
import { ChangePlanMetadata, CreatePlan, PlanCommand, PlanDefinitionInput, RevisePlan } from './plan.commands';
import { Metadata, parseMetadata, patchMetadata } from '../../shared-kernel/metadata';
import { BILLING_INTERVAL_UNITS, BillingInterval, PlanDefinition, PlanEvent, PlanService, SERVICE_TYPES } from './plan.events';
import { parsePricing } from './pricing';
import { streamName } from '../../shared-kernel/streams';

/** One version of a plan, as GET /v1/plans/{id} (the current one) and /versions/{n} show it. */
export interface Plan extends PlanDefinition {
  id: string;
  version: number;
}

/**
 * `versions[n - 1]` is version n: every version stays readable, because a plan instance keeps the
 * version it was assigned. null until the plan is created.
 */
export type PlanState = { current: Plan; versions: Plan[]; /** Outside the versions; absent when none (issue 22). */ metadata?: Metadata } | null;

/** The most intervals a period may span: three years of months, a year of weeks. */
export const MAX_INTERVAL_COUNT: Record<BillingInterval['unit'], number> = { month: 36, week: 52 };
export const MAX_SERVICES = 100;

export const planDecider: Decider<PlanCommand, PlanEvent, PlanState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreatePlan':
        return createPlan(command.data, state);
      case 'RevisePlan':
        return revisePlan(command.data, state);
      case 'ChangePlanMetadata':
        return changeMetadata(command.data, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PlanCreated':
        return { current: planOf(event.data), versions: [planOf(event.data)], ...(event.data.metadata ? { metadata: event.data.metadata } : {}) };
      case 'PlanRevised': {
        if (state === null) throw new Error(`PlanRevised before PlanCreated for plan ${event.data.planId}`);
        const plan = planOf(event.data);
        return { ...state, current: plan, versions: [...state.versions, plan] };
      }
      case 'PlanMetadataChanged': {
        if (state === null) throw new Error(`PlanMetadataChanged before PlanCreated for plan ${event.data.planId}`);
        const { metadata: _before, ...plan } = state;
        return Object.keys(event.data.metadata).length > 0 ? { ...plan, metadata: event.data.metadata } : plan;
      }
      default:
        return assertNever(event);
    }
  },
};

function createPlan(data: CreatePlan['data'], state: PlanState): PlanEvent[] {
  if (state !== null) throw new ConflictError(`plan ${data.planId} already exists`);
  const { planId, definition, metadata } = validateAll({
    planId: () => validId(data.planId, 'id'),
    definition: () => parseDefinition(data),
    metadata: () => parseMetadata(data.metadata),
  });
  return [{ type: 'PlanCreated', data: { planId, version: 1, ...definition, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) } }];
}

/** Patch semantics, no new version; a change that leaves the metadata as it was decides nothing. */
function changeMetadata(data: ChangePlanMetadata['data'], state: PlanState): PlanEvent[] {
  if (state === null) throw new NotFoundError('Plan', data.planId);
  const { metadata, changed } = patchMetadata(state.metadata ?? {}, data.metadata);
  if (Object.keys(changed).length === 0) return [];
  return [{ type: 'PlanMetadataChanged', data: { planId: state.current.id, metadata, changed } }];
}

/** Validation first (400), then the rules against the current version (422), then the no-op check. */
function revisePlan(data: RevisePlan['data'], state: PlanState): PlanEvent[] {
  if (state === null) throw new NotFoundError('Plan', data.planId);
  const definition = parseDefinition(data);
  const { current } = state;
  if (definition.currency !== current.currency) {
    const message = `currency is fixed once a plan exists: plan ${current.id} is in ${current.currency}, not ${definition.currency}; create a new plan for another currency`;
    throw new RuleViolationError(message, [{ field: 'currency', rule: 'currencyFixed', message }]);
  }
  if (sameDefinition(definition, current)) return [];
  return [{ type: 'PlanRevised', data: { planId: current.id, version: current.version + 1, ...definition } }];
}

/** The whole definition, every field checked, all errors reported together; field order is fixed. */
function parseDefinition(input: PlanDefinitionInput): PlanDefinition {
  return validateAll({
    name: () => text(input.name, 'name', 200),
    currency: () => parseCurrency(input.currency, 'currency'),
    billingInterval: () => parseInterval(input.billingInterval, 'billingInterval'),
    services: () => parseServices(input.services, 'services'),
  });
}

function parseInterval(value: unknown, field: string): BillingInterval {
  const input = objectWith(value, field, ['unit', 'count']);
  const unit = oneOf(input.unit, at(field, 'unit'), BILLING_INTERVAL_UNITS);
  return { unit, count: integerIn(input.count, at(field, 'count'), 1, MAX_INTERVAL_COUNT[unit]) };
}

function parseServices(value: unknown, field: string): PlanService[] {
  const items = listOf(value, field, MAX_SERVICES);
  const services = Object.values(
    validateAll(Object.fromEntries(items.map((item, i) => [String(i), () => parseService(item, `${field}[${i}]`)]))),
  ) as PlanService[];
  assertUniqueIds(services, field);
  return services;
}

function parseService(value: unknown, field: string): PlanService {
  const input = objectWith(value, field, ['id', 'name', 'type', 'pricing', 'taxCategory']);
  const service = validateAll({
    id: () => validId(input.id, at(field, 'id')),
    name: () => text(input.name, at(field, 'name'), 200),
    type: () => oneOf(input.type, at(field, 'type'), SERVICE_TYPES),
    pricing: () => parsePricing(input.pricing, at(field, 'pricing')),
    taxCategory: () => optional(input.taxCategory, at(field, 'taxCategory'), taxCategoryOf),
  });
  // Absent unless given, so plans defined before tax categories keep their exact shape (and revisions compare equal).
  const { taxCategory, ...rest } = service;
  return taxCategory === null ? rest : { ...rest, taxCategory };
}

/** Usage and overrides name a service by id, so ids are unique within a plan; the error is on the repeat. */
function assertUniqueIds(services: PlanService[], field: string): void {
  const seen = new Map<string, number>();
  for (const [index, service] of services.entries()) {
    const first = seen.get(service.id);
    if (first !== undefined) {
      throw InvalidInputError.forField(
        `${field}[${index}].id`,
        'unique',
        `${field}[${index}].id "${service.id}" is already the id of ${field}[${first}]; service ids must be unique within a plan`,
      );
    }
    seen.set(service.id, index);
  }
}

/** Compared by canonical JSON (sorted keys): key order in a stored event does not make a change. */
function sameDefinition(next: PlanDefinition, current: Plan): boolean {
  const { id: _id, version: _version, ...definition } = current;
  return canonicalJson(next) === canonicalJson(definition);
}

function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}

function planOf(data: { planId: string; version: number } & PlanDefinition): Plan {
  const { planId, version, name, currency, billingInterval, services } = data;
  return { id: planId, name, currency, billingInterval, services, version };
}

function validId(id: unknown, field: string): string {
  assertValidId(id, field);
  return id;
}

export function planStream(tenantId: string, planId: string): string {
  return streamName('plan', tenantId, planId);
}
