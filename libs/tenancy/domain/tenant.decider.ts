import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { isCalendarDate, parseCalendarDate, parseTimeZone } from '../../shared-kernel/calendar-date';
import { streamName, SYSTEM_TENANT } from '../../shared-kernel/streams';
import { applySettingsChanges, DEFAULT_TENANT_SETTINGS, SettingsChanges, settingsChanges, TenantSettings, validSettings } from './tenant-settings';

export {
  DEFAULT_MAX_RETROACTIVE_PERIODS,
  DEFAULT_TENANT_SETTINGS,
  MAX_RETROACTIVE_PERIODS_LIMIT,
  SettingsChanges,
  TenantSettings,
} from './tenant-settings';

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
  | { type: 'TenantApiKeyRotated'; data: { tenantId: string; apiKeyHash: string; previousApiKeyHash: string } }
  /** Only the fields that changed; in force from `effectiveDate` (the tenant's business date when asked) on. */
  | { type: 'TenantSettingsChanged'; data: { tenantId: string; changes: SettingsChanges; effectiveDate: string } };

export type TenantCommand =
  | {
      type: 'CreateTenant';
      data: {
        tenantId: string;
        name: string;
        sandbox?: boolean;
        businessDate?: string;
        timeZone?: string;
        /** As the request gave them: each is checked by its rule (tenant-settings.ts). */
        settings?: { [Field in keyof TenantSettings]?: unknown };
        apiKeyHash: string;
        /** The system date in the tenant's zone when created (production), injected by the caller. */
        today: string;
      };
    }
  | { type: 'RotateTenantApiKey'; data: { tenantId: string; apiKeyHash: string } }
  /** `changes` as the request gave them (any field): the decider checks each against the setting's rule. */
  | { type: 'ChangeTenantSettings'; data: { tenantId: string; changes: unknown; effectiveDate: string } };

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
      case 'ChangeTenantSettings':
        return changeSettings(command.data, state);
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
      case 'TenantSettingsChanged':
        if (state.status !== 'active') return state;
        return { ...state, tenant: { ...state.tenant, settings: applySettingsChanges(state.tenant.settings, event.data.changes) } };
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
      settings: validSettings({ ...DEFAULT_TENANT_SETTINGS, ...definedOnly(data.settings ?? {}) } as TenantSettings),
      createdOn: businessDate ?? data.today,
      apiKeyHash: data.apiKeyHash,
    },
  };
}

/** Changes only what differs: an empty or same-valued request writes nothing. */
function changeSettings(data: Extract<TenantCommand, { type: 'ChangeTenantSettings' }>['data'], state: TenantState): TenantEvent[] {
  if (state.status === 'none') throw new NotFoundError('Tenant', data.tenantId);
  const changes = settingsChanges(state.tenant.settings, data.changes);
  if (Object.keys(changes).length === 0) return [];
  // The business date comes from the command's context, never from the request: a bad one is a bug.
  if (!isCalendarDate(data.effectiveDate)) throw new Error(`effectiveDate must be a YYYY-MM-DD date (got ${JSON.stringify(data.effectiveDate)})`);
  return [{ type: 'TenantSettingsChanged', data: { tenantId: data.tenantId, changes, effectiveDate: data.effectiveDate } }];
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/** `tenant-_system.<tenantId>`: tenants are process-wide, so their streams belong to the system tenant. */
export function tenantStream(tenantId: string): string {
  return streamName('tenant', SYSTEM_TENANT, tenantId);
}
