import { Controller, Get, Inject, Param, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../../../libs/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../../libs/read-store/read-store.port';
import { streamName } from '../../../libs/command-pipeline/streams';
import { NotFoundError } from '../../../libs/domain/shared/errors';
import { TenantView } from '../../../libs/domain/tenants/tenant.decider';
import { CurrentTenant } from '../../../libs/http/auth';
import { ACCOUNTS } from '../../../projections/accounts.projection';
import { MinPositionInterceptor } from '../min-position.interceptor';

@ApiTags('accounts')
@UseInterceptors(MinPositionInterceptor)
@Controller('v1/accounts')
export class AccountsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @Get(':id')
  @ApiOperation({ summary: 'An account, from its read model' })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get(ACCOUNTS, tenant.id, id);
    if (!doc) throw new NotFoundError('Account', id);
    const { _position, id: _, ...account } = doc;
    return { id, ...account };
  }

  @Get(':id/history')
  @ApiOperation({ summary: "The account's events in order, read from the log itself (the audit trail)" })
  async history(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const events = await this.events.readStream(streamName('account', tenant.id, id));
    if (events.length === 0) throw new NotFoundError('Account', id);
    return events.map((event) => ({
      position: event.position,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
      businessDate: event.metadata.businessDate,
    }));
  }
}
