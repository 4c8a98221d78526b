import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { EVENT_STORE, EventStore } from '../../libs/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../libs/read-store/read-store.port';
import { LOGGER } from '../../libs/logging/logger';
import { ProjectionRunner } from '../../libs/projection-runner/projection-runner';
import { ReadYourWrites } from '../../libs/core/read-your-writes';
import { Lifecycle } from '../../libs/core/lifecycle';
import { allProjectors } from '../../projections';

/** Background work: the projectors now; process managers and the scheduler join it later. */
@Module({
  providers: [
    {
      provide: ProjectionRunner,
      useFactory: (events: EventStore, store: ReadStore, logger: Logger) => new ProjectionRunner(events, store, allProjectors, logger),
      inject: [EVENT_STORE, READ_STORE, LOGGER],
    },
  ],
  exports: [ProjectionRunner],
})
export class WorkerModule implements OnApplicationBootstrap {
  constructor(
    private readonly runner: ProjectionRunner,
    private readonly readYourWrites: ReadYourWrites,
    private readonly lifecycle: Lifecycle,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    this.readYourWrites.attach(this.runner);
    this.lifecycle.onStop(() => this.runner.stop());
    this.logger.info({ projectors: this.runner.names }, 'projectors running');
  }
}
