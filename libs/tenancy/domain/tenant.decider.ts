import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { parseCalendarDate, parseTimeZone } from '../../shared-kernel/calendar-date';
import { streamName, SYSTEM_TENANT } from '../../shared-kernel/streams';

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
}

/** Ten years of a monthly plan: more than any real back-dating, and a catch-up invoice of bounded size. */
export const DEFAULT_MAX_RETROACTIVE_PERIODS = 120;
export const MAX_RETROACTIVE_PERIODS_LIMIT = 1200;

export const DEFAULT_TENANT_SETTINGS: TenantSettings = {
  prorationRule: 'prorate',
  minimumCollectionThreshold: 0,
  netTermsThresholdBalance: 0,
  paymentApplicationMethod: 'fifo',
  allowLateUsage: false,
};

export interface TenantView {
  id: string;
  name: string;
  sandbox: boolean;
  /** Sandbox tenants only: the date their clock shows. Production tenants follow the system clock. */
  businessDate: string | null;
  timeZone: string;
  settings: TenantSettings;
  createdOn: string;
}

export type TenantEvent =
  | { type: 'TenantCreated'; data: TenantView & { apiKeyHash: string } }
  | { type: 'TenantApiKeyRotated'; data: { tenantId: string; apiKeyHash: string; previousApiKeyHash: string } };

export type TenantCommand =
  | {
      type: 'CreateTenant';
      data: {
        tenantId: string;
        name: string;
        sandbox?: boolean;
        businessDate?: string;
        timeZone?: string;
        settings?: Partial<TenantSettings>;
        apiKeyHash: string;
        /** The system date in the tenant's zone when created (production), injected by the caller. */
        today: string;
      };
    }
  | { type: 'RotateTenantApiKey'; data: { tenantId: string; apiKeyHash: string } };

export type TenantState =
  | { status: 'none' }
  | { status: 'active'; tenant: TenantView; apiKeyHash: string };

export const tenantDecider: Decider<TenantCommand, TenantEvent, TenantState> = {
  initialState: { status: 'none' },
  decide(command, state) {
    switch (command.type) {
      case 'CreateTenant':
        return [createTenant(command.data, state)];
      case 'RotateTenantApiKey': {
        if (state.status === 'none') throw new NotFoundError('Tenant', command.data.tenantId);
        return [
          {
            type: 'TenantApiKeyRotated',
            data: { tenantId: command.data.tenantId, apiKeyHash: command.data.apiKeyHash, previousApiKeyHash: state.apiKeyHash },
          },
        ];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'TenantCreated': {
        const { apiKeyHash, ...tenant } = event.data;
        return { status: 'active', tenant, apiKeyHash };
      }
      case 'TenantApiKeyRotated':
        return state.status === 'active' ? { ...state, apiKeyHash: event.data.apiKeyHash } : state;
      default:
        return assertNever(event);
    }
  },
};

function createTenant(data: Extract<TenantCommand, { type: 'CreateTenant' }>['data'], state: TenantState): TenantEvent {
  if (state.status !== 'none') throw new ConflictError(`tenant ${data.tenantId} already exists`);
  const name = data.name?.trim() ?? '';
  if (name.length === 0 || name.length > 200) {
    throw InvalidInputError.forField('name', 'length', 'name must be 1 to 200 characters');
  }
  const timeZone = parseTimeZone(data.timeZone ?? 'UTC', 'timeZone');
  const sandbox = data.sandbox ?? false;
  if (!sandbox && data.businessDate !== undefined) {
    throw InvalidInputError.forField(
      'businessDate',
      'sandboxOnly',
      'businessDate can only be set on a sandbox tenant; production tenants follow the system clock',
    );
  }
  const businessDate = sandbox ? parseCalendarDate(data.businessDate ?? data.today, 'businessDate') : null;
  return {
    type: 'TenantCreated',
    data: {
      id: data.tenantId,
      name,
      sandbox,
      businessDate,
      timeZone,
      settings: validSettings({ ...DEFAULT_TENANT_SETTINGS, ...definedOnly(data.settings ?? {}) }),
      createdOn: businessDate ?? data.today,
      apiKeyHash: data.apiKeyHash,
    },
  };
}

function validSettings(settings: TenantSettings): TenantSettings {
  for (const field of ['minimumCollectionThreshold', 'netTermsThresholdBalance'] as const) {
    const value = settings[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw InvalidInputError.forField(`settings.${field}`, 'nonNegativeInteger', `settings.${field} must be a non-negative integer amount in minor units`);
    }
  }
  if (typeof settings.allowLateUsage !== 'boolean') {
    throw InvalidInputError.forField('settings.allowLateUsage', 'boolean', 'settings.allowLateUsage must be true or false');
  }
  const periods = settings.maxRetroactivePeriods;
  if (periods !== undefined && (!Number.isSafeInteger(periods) || periods < 1 || periods > MAX_RETROACTIVE_PERIODS_LIMIT)) {
    throw InvalidInputError.forField(
      'settings.maxRetroactivePeriods',
      'integerRange',
      `settings.maxRetroactivePeriods must be a whole number from 1 to ${MAX_RETROACTIVE_PERIODS_LIMIT} (got ${JSON.stringify(periods)})`,
    );
  }
  return settings;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `tenant-_system.<tenantId>`: tenants are process-wide, so their streams belong to the system tenant. */
export function tenantStream(tenantId: string): string {
  return streamName('tenant', SYSTEM_TENANT, tenantId);
}
