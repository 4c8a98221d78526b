import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { ConflictError, ErrorDetail, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId, isValidId } from '../../shared-kernel/ids';
import { streamName } from '../../shared-kernel/streams';
import { countryCode, languageTag, optional, text } from '../../shared-kernel/validation';
import { canonicalJson } from './dunning-process.decider';
import { collect, throwAll } from './steps';

/**
 * A dunning group (stream `dunningGroup-<tenant>.<id>`): which process applies to which plan instances. The criteria
 * it sets (plans, channel, country, language) must all match; null means "any". A replacement keeps the creation
 * date, which breaks ties between equally specific groups (group-matching.ts).
 */
export interface DunningGroupDefinition {
  name: string | null;
  processId: string;
  /** null: any plan; never empty. */
  planIds: string[] | null;
  channel: string | null;
  country: string | null;
  language: string | null;
}

export type DunningGroupCreated = DomainEvent<'DunningGroupCreated', { groupId: string; createdOn: string } & DunningGroupDefinition>;
export type DunningGroupReplaced = DomainEvent<'DunningGroupReplaced', { groupId: string; replacedOn: string } & DunningGroupDefinition>;
export type DunningGroupEvent = DunningGroupCreated | DunningGroupReplaced;

/**
 * Loosely typed, as the API sends them. What exists elsewhere is told by the caller: whether the named process
 * exists, and which of the named plans do.
 */
export interface DunningGroupInput {
  groupId: string;
  name: unknown;
  processId: unknown;
  planIds: unknown;
  channel: unknown;
  country: unknown;
  language: unknown;
  processExists: boolean;
  knownPlanIds: readonly string[];
  on: string;
}

export type CreateDunningGroup = DomainCommand<'CreateDunningGroup', DunningGroupInput>;
/** PUT: the whole new definition; an identical one decides nothing. */
export type ReplaceDunningGroup = DomainCommand<'ReplaceDunningGroup', DunningGroupInput>;
export type DunningGroupCommand = CreateDunningGroup | ReplaceDunningGroup;

export interface DunningGroup extends DunningGroupDefinition {
  id: string;
  createdOn: string;
}

export type DunningGroupState = DunningGroup | null;

export const MAX_GROUP_PLANS = 1000;
export const CHANNEL_MAX_LENGTH = 50;

export const dunningGroupDecider: Decider<DunningGroupCommand, DunningGroupEvent, DunningGroupState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateDunningGroup': {
        const { groupId, on } = command.data;
        if (state !== null) {
          throw new ConflictError(`dunning group ${groupId} already exists`, [
            { field: 'id', rule: 'unique', message: `dunning group ${groupId} already exists: use PUT /v1/dunning-groups/{id} to replace it, or a new id` },
          ]);
        }
        const definition = parseDefinition(command.data, true);
        return [{ type: 'DunningGroupCreated', data: { groupId, ...definition, createdOn: on } }];
      }
      case 'ReplaceDunningGroup': {
        if (state === null) throw new NotFoundError('Dunning group', command.data.groupId);
        const definition = parseDefinition(command.data, false);
        const { id: _id, createdOn: _createdOn, ...current } = state;
        if (canonicalJson(definition) === canonicalJson(current)) return [];
        return [{ type: 'DunningGroupReplaced', data: { groupId: state.id, ...definition, replacedOn: command.data.on } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DunningGroupCreated': {
        const { groupId, createdOn } = event.data;
        return { id: groupId, ...definitionOf(event.data), createdOn };
      }
      case 'DunningGroupReplaced':
        if (state === null) throw new Error(`DunningGroupReplaced before DunningGroupCreated for group ${event.data.groupId}`);
        return { ...state, ...definitionOf(event.data) };
      default:
        return assertNever(event);
    }
  },
};

export function dunningGroupStream(tenantId: string, groupId: string): string {
  return streamName('dunningGroup', tenantId, groupId);
}

export function definitionOf(data: DunningGroupDefinition): DunningGroupDefinition {
  const { name, processId, planIds, channel, country, language } = data;
  return { name, processId, planIds, channel, country, language };
}

function parseDefinition(input: DunningGroupInput, withId: boolean): DunningGroupDefinition {
  const details: ErrorDetail[] = [];
  if (withId) collect(details, () => assertValidId(input.groupId, 'id'));
  const name = collect(details, () => optional(input.name, 'name', (value, field) => text(value, field, 200)));
  const processId = collect(details, () => knownProcess(input.processId, input.processExists));
  const planIds = collect(details, () => optional(input.planIds, 'planIds', (value, field) => knownPlans(value, field, input.knownPlanIds)));
  const channel = collect(details, () => optional(input.channel, 'channel', (value, field) => text(value, field, CHANNEL_MAX_LENGTH)));
  const country = collect(details, () => optional(input.country, 'country', countryCode));
  const language = collect(details, () => optional(input.language, 'language', languageTag));
  throwAll(details);
  return { name: name!, processId: processId!, planIds: planIds!, channel: channel!, country: country!, language: language! };
}

function knownProcess(value: unknown, exists: boolean): string {
  if (value === undefined || value === null) throw InvalidInputError.forField('processId', 'required', 'processId is required: the dunning process the group applies');
  assertValidId(value, 'processId');
  if (!exists) {
    throw InvalidInputError.forField('processId', 'knownDunningProcess', `processId must name an existing dunning process (POST /v1/dunning-processes); ${value} was not found`);
  }
  return value;
}

/** A non-empty list of existing plans, each once (a repeat is dropped). */
function knownPlans(value: unknown, field: string, known: readonly string[]): string[] {
  if (!Array.isArray(value)) throw InvalidInputError.forField(field, 'array', `${field} must be an array of plan ids (leave it out for every plan)`);
  if (value.length === 0) throw InvalidInputError.forField(field, 'notEmpty', `${field} must name at least one plan (leave it out for every plan)`);
  if (value.length > MAX_GROUP_PLANS) throw InvalidInputError.forField(field, 'maxItems', `${field} may have at most ${MAX_GROUP_PLANS} items`);
  const details: ErrorDetail[] = [];
  value.forEach((planId, index) => {
    const path = `${field}[${index}]`;
    if (!isValidId(planId)) details.push({ field: path, rule: 'id', message: `${path} must be a plan id` });
    else if (!known.includes(planId)) details.push({ field: path, rule: 'knownPlan', message: `${path} must name an existing plan (POST /v1/plans); ${planId} was not found` });
  });
  throwAll(details);
  return [...new Set(value as string[])];
}
