import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { READ_STORE, ReadStore, SYSTEM_TENANT } from '../read-store/read-store.port';
import { Public } from '../http/access';
import { ParkedEvents } from '../subscriptions/parked-events';
import { CONSUMERS, Consumers } from './consumers';

/** Counts on /health stop here: the number says "at least this many" beyond it. */
const HEALTH_COUNT_LIMIT = 1000;

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CONSUMERS) private readonly consumers: Consumers,
    @Inject(ParkedEvents) private readonly parked: ParkedEvents,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({
    summary:
      'Answers 200 when the process can serve: both stores answer. Shows how far each read model and process manager is; `degraded` while a consumer has parked events (GET /v1/admin/parked-events) or a count such as failedBillings is above zero.',
  })
  async health() {
    const logPosition = await this.events.headPosition();
    const parked = await this.parked.list();
    const counts: Record<string, number> = {};
    for (const { name, collection } of this.consumers.healthCounts) counts[name] = await this.count(collection);
    const degraded = parked.length > 0 || Object.values(counts).some((count) => count > 0);
    return {
      status: degraded ? 'degraded' : 'ok',
      logPosition,
      parkedEvents: parked.length,
      ...counts,
      projections: await this.checkpoints(this.consumers.projectors.map((p) => p.name)),
      processManagers: await this.checkpoints(this.consumers.processManagers.map((p) => p.name)),
    };
  }

  /** The process-wide documents of a collection, counted up to HEALTH_COUNT_LIMIT (a health check stays cheap). */
  private async count(collection: string): Promise<number> {
    return (await this.store.find(collection, SYSTEM_TENANT, { limit: HEALTH_COUNT_LIMIT })).items.length;
  }

  private async checkpoints(names: string[]): Promise<Record<string, number>> {
    const positions: Record<string, number> = {};
    for (const name of names) positions[name] = (await this.store.getCheckpoint(name)) ?? 0;
    return positions;
  }
}
