import { Controller, Get, Header, Inject, OnModuleInit } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { CONSUMERS, Consumers } from '../app/consumers';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { Public } from '../http/access';
import { READ_STORE, ReadStore } from '../read-store/read-store.port';
import { ParkedEvents } from '../subscriptions/parked-events';
import { Metrics } from './metrics';

/** `GET /metrics`: Prometheus' text format, for a scraper. No key, like /health: no tenant data is in it. */
@ApiTags('operations')
@Controller()
export class MetricsController implements OnModuleInit {
  constructor(
    private readonly metrics: Metrics,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CONSUMERS) private readonly consumers: Consumers,
    private readonly parked: ParkedEvents,
  ) {}

  onModuleInit(): void {
    const { events, store, consumers, parked } = this;
    this.metrics.attach({
      headPosition: () => events.headPosition(),
      checkpoints: async () => [
        ...(await Promise.all(consumers.projectors.map(async (p) => ({ consumer: p.name, kind: 'projector' as const, position: (await store.getCheckpoint(p.name)) ?? 0 })))),
        ...(await Promise.all(consumers.processManagers.map(async (p) => ({ consumer: p.name, kind: 'processManager' as const, position: (await store.getCheckpoint(p.name)) ?? 0 })))),
      ],
      parkedEvents: async () => {
        const counts = new Map<string, number>();
        for (const { consumer } of await parked.list()) counts.set(consumer, (counts.get(consumer) ?? 0) + 1);
        return [...counts].map(([consumer, count]) => ({ consumer, count }));
      },
      eventStoreCounts: () => (events as EventStore & { stats?: { commits: number; appends: number; events: number } }).stats ?? null,
    });
  }

  @Public()
  @Get('metrics')
  @Header('content-type', 'text/plain; version=0.0.4; charset=utf-8')
  @Header('cache-control', 'no-store')
  @ApiProduces('text/plain')
  @ApiOperation({
    summary:
      'Prometheus metrics: billing_http_request_duration_seconds (per method, route pattern, status), billing_event_store_{commits,appends,events}_total, ' +
      'billing_consumer_lag_events (per read model and process manager), billing_parked_events, billing_log_head_position, and Node process metrics (billing_ prefix).',
  })
  async scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
