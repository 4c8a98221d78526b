import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { ConflictError, ErrorDetail, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { streamName } from '../../shared-kernel/streams';
import { text } from '../../shared-kernel/validation';
import { DunningStep } from './dunning-process';
import { collect, parseSteps, StepVocabulary, throwAll } from './steps';

/**
 * A dunning process (stream `dunningProcess-<tenant>.<id>`): versioned, because a case finishes the version it
 * started with (DOMAIN.md §9). Every version is the whole definition, so a reader needs one event.
 */
export type DunningProcessDefined = DomainEvent<'DunningProcessDefined', { processId: string; name: string; version: number; steps: DunningStep[]; definedOn: string }>;
export type DunningProcessEvent = DunningProcessDefined;

/** Fields loosely typed, as the API sends them; `vocabulary` is what the tenant has besides the built-ins. */
export interface DunningProcessInput {
  processId: string;
  name: unknown;
  steps: unknown;
  vocabulary: StepVocabulary;
  /** The tenant's business date. */
  on: string;
}

export type CreateDunningProcess = DomainCommand<'CreateDunningProcess', DunningProcessInput>;
/** The full new definition (PUT); an identical one decides nothing. */
export type ReviseDunningProcess = DomainCommand<'ReviseDunningProcess', DunningProcessInput>;
export type DunningProcessCommand = CreateDunningProcess | ReviseDunningProcess;

/** One version as the API shows it; `createdOn` is the date this version was defined. */
export interface DunningProcessVersion {
  id: string;
  name: string;
  version: number;
  steps: DunningStep[];
  createdOn: string;
}

/** `versions[n - 1]` is version n; null until created. */
export type DunningProcessState = { current: DunningProcessVersion; versions: DunningProcessVersion[] } | null;

export const PROCESS_NAME_MAX_LENGTH = 200;

export const dunningProcessDecider: Decider<DunningProcessCommand, DunningProcessEvent, DunningProcessState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateDunningProcess': {
        if (state !== null) {
          throw new ConflictError(`dunning process ${command.data.processId} already exists`, [
            { field: 'id', rule: 'unique', message: `dunning process ${command.data.processId} already exists: use PUT /v1/dunning-processes/{id} for a new version, or a new id` },
          ]);
        }
        const { processId, name, steps } = parse(command.data, true);
        return [{ type: 'DunningProcessDefined', data: { processId, name, version: 1, steps, definedOn: command.data.on } }];
      }
      case 'ReviseDunningProcess': {
        if (state === null) throw new NotFoundError('Dunning process', command.data.processId);
        const { name, steps } = parse(command.data, false);
        const { current } = state;
        if (name === current.name && sameSteps(steps, current.steps)) return [];
        return [{ type: 'DunningProcessDefined', data: { processId: current.id, name, version: current.version + 1, steps, definedOn: command.data.on } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'DunningProcessDefined': {
        const { processId, name, version, steps, definedOn } = event.data;
        const defined: DunningProcessVersion = { id: processId, name, version, steps, createdOn: definedOn };
        return { current: defined, versions: [...(state?.versions ?? []), defined] };
      }
      default:
        return assertNever(event.type);
    }
  },
};

export function dunningProcessStream(tenantId: string, processId: string): string {
  return streamName('dunningProcess', tenantId, processId);
}

/** Every field checked, all errors together. */
function parse(input: DunningProcessInput, withId: boolean): { processId: string; name: string; steps: DunningStep[] } {
  const details: ErrorDetail[] = [];
  if (withId) collect(details, () => assertValidId(input.processId, 'id'));
  const name = collect(details, () => text(input.name, 'name', PROCESS_NAME_MAX_LENGTH));
  const steps = collect(details, () => parseSteps(input.steps, 'steps', input.vocabulary));
  throwAll(details);
  return { processId: input.processId, name: name!, steps: steps! };
}

/** By canonical JSON (sorted keys): key order in a stored event does not make a change. */
function sameSteps(a: DunningStep[], b: DunningStep[]): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`).join(',')}}`;
}
