import { Controller, Get, Inject, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { READ_STORE, ReadStore, SYSTEM_TENANT } from '../read-store/read-store.port';
import { Public } from '../http/access';
import { LOGGER, Logger } from '../logging/logger';
import { ParkedEvents } from '../subscriptions/parked-events';
import { CONSUMERS, Consumers } from './consumers';

/** Counts on /health stop here: the number says "at least this many" beyond it. */
const HEALTH_COUNT_LIMIT = 1000;

/**
 * `/health` (decision 0026): @nestjs/terminus runs the checks that decide whether the process can serve (each store
 * answers a read) and answers 503 naming the one that is down; then, as before, how far each consumer is and whether
 * anything is degraded (parked events, failed billings), which never makes the answer 503: the process still serves.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    private readonly checks: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CONSUMERS) private readonly consumers: Consumers,
    @Inject(ParkedEvents) private readonly parked: ParkedEvents,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  @Public()
  @Get('health')
  @ApiOperation({
    summary:
      'Answers 200 when the process can serve: both stores answer (503 naming the one that does not). Shows how far each read model and process manager is; `degraded` while a consumer has parked events (GET /v1/admin/parked-events) or a count such as failedBillings is above zero.',
  })
  async health() {
    const checked = await this.checks
      .check([
        () => this.probe('eventStore', async () => ({ logPosition: await this.events.headPosition() })),
        () => this.probe('readStore', async () => ({ parkedEvents: (await this.parked.list()).length })),
      ])
      .catch((error: unknown) => {
        if (!(error instanceof ServiceUnavailableException)) throw error;
        const down = Object.entries((error.getResponse() as { error?: Record<string, { message?: string }> }).error ?? {});
        const details = down.map(([check, result]) => ({ field: check, rule: 'answers', message: `${check} does not answer: ${result.message ?? 'unknown error'}` }));
        throw new ServiceUnavailableException({ message: details.map((detail) => detail.message).join('; '), details });
      });
    const logPosition = checked.details.eventStore.logPosition as number;
    const parkedEvents = checked.details.readStore.parkedEvents as number;
    const counts: Record<string, number> = {};
    for (const { name, collection } of this.consumers.healthCounts) counts[name] = await this.count(collection);
    const degraded = parkedEvents > 0 || Object.values(counts).some((count) => count > 0);
    return {
      status: degraded ? 'degraded' : 'ok',
      logPosition,
      parkedEvents,
      ...counts,
      projections: await this.checkpoints(this.consumers.projectors.map((p) => p.name)),
      processManagers: await this.checkpoints(this.consumers.processManagers.map((p) => p.name)),
    };
  }

  /** One store's check: up with what it read, or down with why (logged: the answer only says which). */
  private async probe(key: 'eventStore' | 'readStore', read: () => Promise<Record<string, unknown>>): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      return indicator.up(await read());
    } catch (error) {
      this.logger.error({ err: error, check: key }, 'health check failed');
      return indicator.down({ message: error instanceof Error ? error.message : String(error) });
    }
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
