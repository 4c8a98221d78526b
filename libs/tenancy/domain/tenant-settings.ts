import { InvalidInputError } from '../../shared-kernel/errors';
import { CustomStatus, validCustomStatuses } from './statuses';

/** Tenant-wide billing rules; later issues read them (proration, collection, payment application). */
export interface TenantSettings {
  prorationRule: 'prorate' | 'none';
  /** Minor units of the tenant's currencies; 0 collects any balance. */
  minimumCollectionThreshold: number;
  netTermsThresholdBalance: number;
  paymentApplicationMethod: 'fifo' | 'fdfo' | 'statementFifo';
  /**
   * Whether usage dated in a closed billing period (before the current period of the plan instance) is still
   * accepted, marked late (it is billed on the next invoice as a separate line); false refuses it (422).
   * Tenants created before this setting existed do not have it: read it as `=== true`.
   */
  allowLateUsage: boolean;
  /**
   * How many periods of its plan's interval a retroactive start may lie before today (1 to 1200). Absent (also
   * in tenants created before it existed): DEFAULT_MAX_RETROACTIVE_PERIODS. Kept out of the defaults so a
   * tenant shows it only when set.
   */
  maxRetroactivePeriods?: number;
  /**
   * The tenant's own account and plan-instance statuses, besides active, suspended and terminated (statuses.ts).
   * Tenants created before this setting existed do not have it: read absent as [].
   */
  customStatuses: CustomStatus[];
  /** Whether suspended accounts and plan instances are still billed. Absent (older tenants): true. */
  billWhileSuspended: boolean;
  /**
   * Whether a one-time order's invoice is collected at once from the default payment method (seed 002's "auto collect
   * on order invoicing"; future installments never are). Absent (older tenants): false.
   */
  autoCollectOnOrder: boolean;
  /** What customers see and may do in self-service (issue 20). Absent (older tenants): DEFAULT_SELF_SERVICE. */
  selfService: SelfServiceRules;
  /**
   * The company-wide bill-date reset rule (seed 003, issue 23; decision 0022): "reset" re-anchors a plan instance's
   * billing on the day of a quantity change or switch made now, and on the day it goes from a non-billable to a
   * billable status (its own or its account's); "keep" keeps the bill day. A call's own `billDateReset` overrides it.
   * Absent (the default, also in older tenants): "keep". Kept out of the defaults so a tenant shows it only when set.
   */
  billDateReset?: BillDateReset;
}

export const BILL_DATE_RESET_RULES = ['keep', 'reset'] as const;
export type BillDateReset = (typeof BILL_DATE_RESET_RULES)[number];

/** The tenant's rules for its customers (self-service): operators are not bound by them. */
export interface SelfServiceRules {
  /** The plans customers may see and choose (assign, switch to); null: every plan of the catalog. */
  planIds: string[] | null;
  /** The payment-method types customers may add ([]: none). */
  paymentMethodTypes: Array<(typeof CUSTOMER_PAYMENT_METHOD_TYPES)[number]>;
  /** Whether customers may order one-time items. */
  ordering: boolean;
}

export const CUSTOMER_PAYMENT_METHOD_TYPES = ['card', 'bankDebit'] as const;
/** A list customers choose from on one page: the customer's plan list is read whole, one get per plan. */
export const MAX_OFFERED_PLANS = 200;

/** Every plan, both payment-method types, ordering on: a tenant narrows them (PATCH /v1/settings { selfService }). */
export const DEFAULT_SELF_SERVICE: SelfServiceRules = { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: true };

/** The self-service rules of a tenant, also one created before they existed. */
export function selfServiceRules(settings: Pick<TenantSettings, 'selfService'> | undefined): SelfServiceRules {
  return settings?.selfService ?? DEFAULT_SELF_SERVICE;
}

/** Ten years of a monthly plan: more than any real back-dating, and a catch-up invoice of bounded size. */
export const DEFAULT_MAX_RETROACTIVE_PERIODS = 120;
export const MAX_RETROACTIVE_PERIODS_LIMIT = 1200;

export const PRORATION_RULES = ['prorate', 'none'] as const;
export const PAYMENT_APPLICATION_METHODS = ['fifo', 'fdfo', 'statementFifo'] as const;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  prorationRule: 'prorate',
  minimumCollectionThreshold: 0,
  netTermsThresholdBalance: 0,
  paymentApplicationMethod: 'fifo',
  allowLateUsage: false,
  customStatuses: [],
  billWhileSuspended: true,
  autoCollectOnOrder: false,
  selfService: DEFAULT_SELF_SERVICE,
};

/**
 * What one change of settings sets: only the fields that changed, with their new values. `null` is allowed for
 * maxRetroactivePeriods alone: it removes the setting, so the default applies again.
 */
export type SettingsChanges = Partial<Omit<TenantSettings, 'maxRetroactivePeriods'>> & { maxRetroactivePeriods?: number | null };

type SettingsField = keyof TenantSettings;

/** One rule per setting, the same at creation and on a change: throws naming the field (as given) and the rule. */
const RULES: Record<SettingsField, (value: unknown, field: string) => void> = {
  prorationRule: oneOf(PRORATION_RULES),
  minimumCollectionThreshold: minorUnits,
  netTermsThresholdBalance: minorUnits,
  paymentApplicationMethod: oneOf(PAYMENT_APPLICATION_METHODS),
  allowLateUsage: (value, field) => {
    if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false`);
  },
  customStatuses: (value, field) => {
    validCustomStatuses(value, field);
  },
  billWhileSuspended: (value, field) => {
    if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false`);
  },
  autoCollectOnOrder: (value, field) => {
    if (typeof value !== 'boolean') throw InvalidInputError.forField(field, 'boolean', `${field} must be true or false`);
  },
  selfService: (value, field) => {
    validSelfServiceRules(value, field);
  },
  maxRetroactivePeriods: (value, field) => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1 || value > MAX_RETROACTIVE_PERIODS_LIMIT) {
      throw InvalidInputError.forField(
        field,
        'integerRange',
        `${field} must be a whole number from 1 to ${MAX_RETROACTIVE_PERIODS_LIMIT} (got ${JSON.stringify(value)})`,
      );
    }
  },
  billDateReset: oneOf(BILL_DATE_RESET_RULES),
};

/** Every setting a tenant has today, in a stable order (errors and docs list them). */
export const SETTINGS_FIELDS = Object.keys(RULES) as SettingsField[];

/** A whole set of settings, as at creation; `prefix` names the fields as the request did (`settings.`). */
export function validSettings(settings: TenantSettings, prefix = 'settings.'): TenantSettings {
  for (const field of SETTINGS_FIELDS) {
    if ((field === 'maxRetroactivePeriods' || field === 'billDateReset') && settings[field] === undefined) continue;
    RULES[field](settings[field], `${prefix}${field}`);
  }
  // The self-service rules in their whole shape, the absent ones at their defaults.
  return { ...settings, selfService: validSelfServiceRules(settings.selfService, `${prefix}selfService`) };
}

/**
 * The part of `asked` that differs from `current`, each field checked by its rule. Unknown fields are refused;
 * an absent (undefined) field, or one equal to its current value, is no change. Only the changed fields are
 * checked, so a tenant created before a setting existed can change the others.
 */
export function settingsChanges(current: TenantSettings, asked: unknown): SettingsChanges {
  if (asked === undefined || asked === null) return {};
  if (typeof asked !== 'object' || Array.isArray(asked)) {
    throw InvalidInputError.forField('body', 'object', `the body must be a JSON object of the settings to change: ${SETTINGS_FIELDS.join(', ')}`);
  }
  const changes: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(asked)) {
    if (!isSettingsField(field)) {
      throw InvalidInputError.forField(field, 'unknownField', `${field} is not a tenant setting; the settings are ${SETTINGS_FIELDS.join(', ')}`);
    }
    if (value === undefined) continue;
    if (value === null && field === 'maxRetroactivePeriods') {
      if (current.maxRetroactivePeriods !== undefined) changes[field] = null;
      continue;
    }
    RULES[field](value, field);
    // The list as checked (each { name, billable } in that order), so the same list written another way is no change.
    const clean =
      field === 'customStatuses'
        ? (value as CustomStatus[]).map(({ name, billable }) => ({ name, billable }))
        : field === 'selfService'
          ? validSelfServiceRules(value, field)
          : value;
    if (!sameValue(currentValue(current, field), clean)) changes[field] = clean;
  }
  return changes as SettingsChanges;
}

/** The settings after a change; a `null` removes the setting (its default applies). */
export function applySettingsChanges(settings: TenantSettings, changes: SettingsChanges): TenantSettings {
  const next: Record<string, unknown> = { ...settings, ...changes };
  for (const [field, value] of Object.entries(changes)) if (value === null) delete next[field];
  return next as unknown as TenantSettings;
}

/** Settings that tenants created before them lack read as their defaults, so setting the default changes nothing. */
function currentValue(current: TenantSettings, field: SettingsField): unknown {
  const value = current[field];
  if (field === 'billDateReset') return value ?? 'keep';
  return value === undefined && (field === 'customStatuses' || field === 'billWhileSuspended' || field === 'autoCollectOnOrder' || field === 'selfService')
    ? DEFAULT_TENANT_SETTINGS[field]
    : value;
}

/** Settings are JSON values: a list (customStatuses) is the same when it lists the same items in the same order. */
function sameValue(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function isSettingsField(field: string): field is SettingsField {
  return Object.prototype.hasOwnProperty.call(RULES, field);
}

/**
 * `{ planIds?, paymentMethodTypes?, ordering? }`, each absent one at its default: the rules as a whole, in a fixed
 * shape (so the same rules written another way are no change). Unknown fields are refused.
 */
function validSelfServiceRules(value: unknown, field: string): SelfServiceRules {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw InvalidInputError.forField(field, 'object', `${field} must be an object { planIds?, paymentMethodTypes?, ordering? }`);
  }
  const given = value as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!(key in DEFAULT_SELF_SERVICE)) throw InvalidInputError.forField(`${field}.${key}`, 'unknownField', `${field}.${key} is not a self-service rule; they are planIds, paymentMethodTypes, ordering`);
  }
  const planIds = given.planIds === undefined ? DEFAULT_SELF_SERVICE.planIds : given.planIds;
  if (
    planIds !== null &&
    (!Array.isArray(planIds) || planIds.length > MAX_OFFERED_PLANS || planIds.some((id) => typeof id !== 'string' || id.length === 0) || new Set(planIds).size !== planIds.length)
  ) {
    throw InvalidInputError.forField(`${field}.planIds`, 'planIdList', `${field}.planIds must be null (every plan) or a list of at most ${MAX_OFFERED_PLANS} distinct plan ids`);
  }
  const types = given.paymentMethodTypes === undefined ? DEFAULT_SELF_SERVICE.paymentMethodTypes : given.paymentMethodTypes;
  if (!Array.isArray(types) || types.some((type) => !CUSTOMER_PAYMENT_METHOD_TYPES.includes(type)) || new Set(types).size !== types.length) {
    throw InvalidInputError.forField(`${field}.paymentMethodTypes`, 'oneOf', `${field}.paymentMethodTypes must list distinct types among ${CUSTOMER_PAYMENT_METHOD_TYPES.join(', ')}`);
  }
  const ordering = given.ordering === undefined ? DEFAULT_SELF_SERVICE.ordering : given.ordering;
  if (typeof ordering !== 'boolean') throw InvalidInputError.forField(`${field}.ordering`, 'boolean', `${field}.ordering must be true or false`);
  return { planIds: planIds === null ? null : [...(planIds as string[])], paymentMethodTypes: [...types], ordering };
}

function minorUnits(value: unknown, field: string): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw InvalidInputError.forField(field, 'nonNegativeInteger', `${field} must be a non-negative integer amount in minor units`);
  }
}

function oneOf(allowed: readonly string[]): (value: unknown, field: string) => void {
  return (value, field) => {
    if (typeof value !== 'string' || !allowed.includes(value)) {
      throw InvalidInputError.forField(field, 'oneOf', `${field} must be one of ${allowed.join(', ')} (got ${JSON.stringify(value)})`);
    }
  };
}
