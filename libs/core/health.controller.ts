import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { READ_STORE, ReadStore } from '../read-store/read-store.port';
import { Public } from '../http/auth';
import { allProjectors } from '../../projections';

@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({ summary: 'Answers 200 when the process can serve: both stores answer. Shows how far each read model is.' })
  async health() {
    const logPosition = await this.events.headPosition();
    const projections: Record<string, number> = {};
    for (const projector of allProjectors) projections[projector.name] = (await this.store.getCheckpoint(projector.name)) ?? 0;
    return { status: 'ok', logPosition, projections };
  }
}
