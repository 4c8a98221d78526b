import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { READ_STORE, ReadStore } from '../read-store/read-store.port';
import { Public } from '../http/access';
import { ParkedEvents } from '../subscriptions/parked-events';
import { CONSUMERS, Consumers } from './consumers';

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
      'Answers 200 when the process can serve: both stores answer. Shows how far each read model and process manager is; `degraded` while a consumer has parked events (GET /v1/admin/parked-events).',
  })
  async health() {
    const logPosition = await this.events.headPosition();
    const parked = await this.parked.list();
    return {
      status: parked.length === 0 ? 'ok' : 'degraded',
      logPosition,
      parkedEvents: parked.length,
      projections: await this.checkpoints(this.consumers.projectors.map((p) => p.name)),
      processManagers: await this.checkpoints(this.consumers.processManagers.map((p) => p.name)),
    };
  }

  private async checkpoints(names: string[]): Promise<Record<string, number>> {
    const positions: Record<string, number> = {};
    for (const name of names) positions[name] = (await this.store.getCheckpoint(name)) ?? 0;
    return positions;
  }
}
