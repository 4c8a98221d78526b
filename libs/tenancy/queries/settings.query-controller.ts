import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore, RecordedEvent } from '../../platform/event-store/event-store.port';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { CurrentTenant } from '../auth';
import { TenantEvent, TenantView, tenantStream } from '../domain/tenant.decider';
import { SettingsChanges, TenantSettings } from '../domain/tenant-settings';
import { TenantDirectory } from '../tenant-directory';
import { Actor, actorOf } from '../../platform/event-store/actor';

/** One entry of the settings history: what was set, from which business date, by whom. */
export interface SettingsHistoryItem {
  /** `TenantCreated` (the settings it started with) or `TenantSettingsChanged` (only the fields changed). */
  type: 'TenantCreated' | 'TenantSettingsChanged';
  effectiveDate: string;
  changes: SettingsChanges;
  /** Who changed them (API.md "Audit"), as every answer that shows an event's actor does. */
  actor: Actor;
  position: number;
  recordedAt: string;
}

@ApiTags('settings')
@UseGuards(MinPositionGuard)
@Controller('v1/settings')
export class SettingsQueryController {
  constructor(
    private readonly directory: TenantDirectory,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's settings in force (maxRetroactivePeriods absent: the default, 120)" })
  async get(@CurrentTenant() tenant: TenantView): Promise<TenantSettings> {
    // Read again, not from the guard's copy: X-Min-Position waits (in the interceptor) after the guard has run.
    return (await this.directory.byId(tenant.id))?.settings ?? tenant.settings;
  }

  @Get('history')
  @ApiOperation({ summary: "Every change of the tenant's settings, newest first, read from its stream (the log is the history)" })
  @ApiOkResponse({ description: '{ items: [{ type, effectiveDate, changes, actor, position, recordedAt }] }; the last is the creation' })
  async history(@CurrentTenant() tenant: TenantView): Promise<{ items: SettingsHistoryItem[] }> {
    // A tenant's stream holds its creation, key rotations and settings changes: a few events, read whole.
    const recorded = await this.events.readStream(tenantStream(tenant.id));
    const items = recorded.flatMap((event) => historyItem(event as RecordedEvent & TenantEvent));
    return { items: items.reverse() };
  }
}

function historyItem(event: RecordedEvent & TenantEvent): SettingsHistoryItem[] {
  const common = { actor: actorOf(event.metadata), position: event.position, recordedAt: event.recordedAt };
  switch (event.type) {
    case 'TenantCreated':
      return [{ type: event.type, effectiveDate: event.data.createdOn, changes: event.data.settings, ...common }];
    case 'TenantSettingsChanged':
      return [{ type: event.type, effectiveDate: event.data.effectiveDate, changes: event.data.changes, ...common }];
    default:
      return [];
  }
}
