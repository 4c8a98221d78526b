import { InvalidInputError } from '../../shared-kernel/errors';

/**
 * Account and plan-instance statuses (issue 18). Three are built in; a tenant names its own in its settings, each
 * billable or not. What a status means for billing is decided here, once, for both accounts and plan instances.
 */
export const BUILT_IN_STATUSES = ['active', 'suspended', 'terminated'] as const;
/**
 * Never a status an operator sets: a plan instance is cancelled by its own command, and stays so; "pending" is what
 * a future-dated plan instance shows until its start (issue 23).
 */
export const RESERVED_STATUS_NAMES = [...BUILT_IN_STATUSES, 'cancelled', 'pending'] as const;
export const CUSTOM_STATUS_NAME = /^[a-z][a-zA-Z0-9_-]{0,39}$/;
export const MAX_CUSTOM_STATUSES = 50;

export interface CustomStatus {
  name: string;
  billable: boolean;
}

/** The part of the tenant's settings statuses read; absent fields (tenants created before them) read as the defaults. */
export interface StatusSettings {
  customStatuses?: readonly CustomStatus[];
  /** Default true: a suspended account or instance keeps being billed (seed 001, as Aria does). */
  billWhileSuspended?: boolean;
}

export function knownStatuses(settings: StatusSettings): string[] {
  return [...BUILT_IN_STATUSES, ...(settings.customStatuses ?? []).map((status) => status.name)];
}

export function isKnownStatus(status: unknown, settings: StatusSettings): status is string {
  return typeof status === 'string' && knownStatuses(settings).includes(status);
}

/**
 * Whether something in `status` is billed. A status no longer in the settings (removed while in use) bills as
 * active: taking a definition away must not silently stop billing.
 */
export function isBillableStatus(status: string, settings: StatusSettings): boolean {
  switch (status) {
    case 'active':
      return true;
    case 'suspended':
      return settings.billWhileSuspended !== false;
    case 'terminated':
    case 'cancelled':
      return false;
    default:
      return (settings.customStatuses ?? []).find((custom) => custom.name === status)?.billable ?? true;
  }
}

/** A status asked for, checked against the tenant's statuses; `refused` are known statuses this use does not allow. */
export function knownStatus(value: unknown, settings: StatusSettings, field = 'status', refused: readonly string[] = []): string {
  const allowed = knownStatuses(settings).filter((status) => !refused.includes(status));
  if (typeof value === 'string' && allowed.includes(value)) return value;
  throw InvalidInputError.forField(field, 'knownStatus', `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
}

/** The settings rule for `customStatuses` (at creation and on a change): throws naming the field, the item and the rule. */
export function validCustomStatuses(value: unknown, field: string): CustomStatus[] {
  if (!Array.isArray(value)) throw InvalidInputError.forField(field, 'array', `${field} must be a list of { name, billable }`);
  if (value.length > MAX_CUSTOM_STATUSES) {
    throw InvalidInputError.forField(field, 'maxItems', `${field} may hold at most ${MAX_CUSTOM_STATUSES} statuses (got ${value.length})`);
  }
  const seen = new Set<string>();
  return value.map((item, index) => {
    const status = validCustomStatus(item, `${field}[${index}]`);
    if (seen.has(status.name)) {
      throw InvalidInputError.forField(`${field}[${index}].name`, 'unique', `${field}[${index}].name ${JSON.stringify(status.name)} is already in the list; names must be unique`);
    }
    seen.add(status.name);
    return status;
  });
}

function validCustomStatus(item: unknown, field: string): CustomStatus {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    throw InvalidInputError.forField(field, 'object', `${field} must be an object { name, billable }`);
  }
  const extra = Object.keys(item).find((key) => key !== 'name' && key !== 'billable');
  if (extra !== undefined) throw InvalidInputError.forField(`${field}.${extra}`, 'unknownField', `${field}.${extra} is not allowed; a status has name and billable`);
  const { name, billable } = item as Record<string, unknown>;
  if (typeof name !== 'string' || !CUSTOM_STATUS_NAME.test(name)) {
    throw InvalidInputError.forField(
      `${field}.name`,
      'statusName',
      `${field}.name must start with a lower-case letter, then up to 39 letters, digits, _ or - (got ${JSON.stringify(name)})`,
    );
  }
  if ((RESERVED_STATUS_NAMES as readonly string[]).includes(name)) {
    throw InvalidInputError.forField(`${field}.name`, 'notBuiltIn', `${field}.name ${JSON.stringify(name)} is built in; choose another name than ${RESERVED_STATUS_NAMES.join(', ')}`);
  }
  if (typeof billable !== 'boolean') throw InvalidInputError.forField(`${field}.billable`, 'boolean', `${field}.billable must be true or false`);
  return { name, billable };
}

/** Who changed a status: an operator (through the API) or a dunning case (its process manager). */
export type StatusChangedBy = { type: 'operator' } | { type: 'dunning'; caseId: string };

/**
 * What dunning changed and what to restore when its case is resolved. Set by a dunning change (the first
 * `statusBefore` of a case is kept across its later changes), cleared by an operator's change or the restore.
 */
export interface DunningHold {
  caseId: string;
  statusBefore: string;
  statusSet: string;
}

export interface StatusChange {
  from: string;
  to: string;
  reason: string;
  by: StatusChangedBy;
}

export const DUNNING_RESOLVED = 'dunning resolved';
const MAX_REASON_LENGTH = 500;

/** A change asked for: `status` and `reason` as the request gave them; `dunningCaseId` from the dunning process. */
export interface StatusChangeRequest {
  status: unknown;
  reason: unknown;
  dunningCaseId?: unknown;
}

/**
 * The change to record, or null when the status is already the one asked (a repeat writes nothing). `refused`:
 * known statuses this aggregate may not take.
 */
export function decideStatusChange(current: string, request: StatusChangeRequest, settings: StatusSettings, refused: readonly string[] = []): StatusChange | null {
  const status = knownStatus(request.status, settings, 'status', refused);
  const reason = reasonOf(request.reason);
  const by = byOf(request.dunningCaseId);
  return status === current ? null : { from: current, to: status, reason, by };
}

/** Back to what dunning found, only while its case's status still stands: an operator's change meanwhile wins. */
export function decideRestore(current: string, hold: DunningHold | null | undefined, caseId: unknown): StatusChange | null {
  if (typeof caseId !== 'string' || caseId.length === 0) throw InvalidInputError.forField('caseId', 'required', 'caseId is required');
  if (!hold || hold.caseId !== caseId || hold.statusSet !== current || hold.statusBefore === current) return null;
  return { from: current, to: hold.statusBefore, reason: DUNNING_RESOLVED, by: { type: 'dunning', caseId } };
}

/** The hold after a recorded change (evolve). */
export function holdAfter(hold: DunningHold | null | undefined, change: Pick<StatusChange, 'from' | 'to' | 'by'>): DunningHold | null {
  if (change.by.type === 'operator') return null;
  const { caseId } = change.by;
  if (hold?.caseId !== caseId) return { caseId, statusBefore: change.from, statusSet: change.to };
  // Back where the case found it (its restore): nothing is held any more.
  return change.to === hold.statusBefore ? null : { ...hold, statusSet: change.to };
}

function reasonOf(value: unknown): string {
  if (value === undefined || value === null) throw InvalidInputError.forField('reason', 'required', 'reason is required: say why the status changes');
  if (typeof value !== 'string' || value.trim().length === 0) throw InvalidInputError.forField('reason', 'notBlank', 'reason must be a non-empty text');
  const reason = value.trim();
  if ([...reason].length > MAX_REASON_LENGTH) throw InvalidInputError.forField('reason', 'maxLength', `reason must be at most ${MAX_REASON_LENGTH} characters`);
  return reason;
}

function byOf(dunningCaseId: unknown): StatusChangedBy {
  if (dunningCaseId === undefined || dunningCaseId === null) return { type: 'operator' };
  if (typeof dunningCaseId !== 'string' || dunningCaseId.length === 0) {
    throw InvalidInputError.forField('dunningCaseId', 'type', 'dunningCaseId must be a non-empty string');
  }
  return { type: 'dunning', caseId: dunningCaseId };
}
