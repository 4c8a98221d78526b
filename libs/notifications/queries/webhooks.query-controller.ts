import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { EVENT_CATALOG } from '../domain';
import { WEBHOOK_DELIVERIES, WEBHOOK_ENDPOINTS, WebhookDeliveryDoc, WebhookEndpointDoc } from '../read-model';

@ApiTags('notifications')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class WebhooksQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('webhook-events')
  @ApiOperation({
    summary:
      'The published events: { items: [{ type, description, code? }] }. A delivery\'s body is { id, type, code?, tenantId, occurredAt, businessDate, position, data }: ' +
      "data is the event's data as in the account history, minus secrets (a payment method's gateway token).",
  })
  catalog() {
    return { items: EVENT_CATALOG };
  }

  @Get('webhook-endpoints')
  @ApiOperation({ summary: "The tenant's webhook endpoints, oldest first: { items: [{ id, url, events, status, description, createdAt, disabledReason }] } (never the secret)" })
  async list(@CurrentTenant() tenant: TenantView) {
    const page = await this.store.find<WebhookEndpointDoc>(WEBHOOK_ENDPOINTS, tenant.id, { sortBy: 'sequence', limit: 1000 });
    return { items: page.items.map(endpointOf) };
  }

  @Get('webhook-endpoints/:id')
  @ApiOperation({ summary: 'A webhook endpoint (never its secret)' })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    return endpointOf(await this.existing(tenant.id, id));
  }

  @Get('webhook-endpoints/:id/deliveries')
  @ApiOperation({
    summary:
      'The delivery log, newest first: { items: [{ eventId, eventType, position, occurredAt, status: pending|delivered|abandoned, round, ' +
      'attempts: [{ round, attempt, at, ok, status, durationMs, responseSnippet, error }] (newest first) }], nextCursor? }',
  })
  @PageQueries()
  async deliveries(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.existing(tenant.id, id);
    const options = { filter: { endpointId: id }, sortBy: 'sequence', direction: 'desc' as const, limit: pageSize(limit) };
    const page = await findPage<WebhookDeliveryDoc>(this.store, WEBHOOK_DELIVERIES, tenant.id, options, cursor);
    return withCursor(
      page.items.map(({ eventId, eventType, position, occurredAt, status, round, attempts }) => ({ eventId, eventType, position, occurredAt, status, round, attempts })),
      page.nextCursor,
    );
  }

  private async existing(tenantId: string, id: string): Promise<StoredDoc<WebhookEndpointDoc>> {
    const doc = await this.store.get<WebhookEndpointDoc>(WEBHOOK_ENDPOINTS, tenantId, id);
    if (!doc) throw new NotFoundError('Webhook endpoint', id);
    return doc;
  }
}

function endpointOf({ endpointId, url, events, status, description, createdAt, disabledReason }: WebhookEndpointDoc) {
  return { id: endpointId, url, events, status, description, createdAt, disabledReason };
}
