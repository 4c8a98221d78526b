import { drainLogs } from '../logging/logger';
import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { EVENT_STORE, EventStore } from '../event-store/event-store.port';
import { READ_STORE, ReadStore } from '../read-store/read-store.port';
import { LOGGER } from '../logging/logger';

/**
 * Shutdown in a fixed order. Nest calls this after the HTTP server has closed, i.e. after in-flight
 * requests (and so in-flight commands) finished. Then background work stops (each projector commits
 * its batch and checkpoint) and only then the stores close.
 */
@Injectable()
export class Lifecycle implements OnApplicationShutdown {
  private readonly stoppers: Array<() => Promise<void>> = [];

  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onStop(stop: () => Promise<void>): void {
    this.stoppers.push(stop);
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.info({ signal }, 'shutting down: requests drained, stopping background work');
    for (const stop of this.stoppers) await stop();
    await this.events.close();
    await this.store.close();
    this.logger.info('stores closed');
    // Logs are written asynchronously (decision 0019) and Nest re-raises the signal next, which ends the process
    // without an 'exit' event: the buffered lines must be out before that.
    await drainLogs();
  }
}
