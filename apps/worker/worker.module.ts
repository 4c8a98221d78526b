import { Inject, Module, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { AppConfig, APP_CONFIG } from '../../libs/config/config';
import { EVENT_STORE, EventStore } from '../../libs/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../libs/read-store/read-store.port';
import { LOGGER } from '../../libs/logging/logger';
import { DeciderRunner } from '../../libs/command-pipeline/decider-runner';
import { ConsumerRunner } from '../../libs/subscriptions/consumer-runner';
import { projectionConsumer } from '../../libs/projection-runner/projection-consumer';
import { CommandDispatcher } from '../../libs/process-manager-runtime/command-dispatcher';
import { processManagerConsumer } from '../../libs/process-manager-runtime/process-manager-consumer';
import { FaultInjector } from '../../libs/process-manager-runtime/faults';
import { ProductionScheduler } from '../../libs/business-days/production-scheduler';
import { ReadYourWrites } from '../../libs/core/read-your-writes';
import { Lifecycle } from '../../libs/core/lifecycle';
import { TenantDirectory } from '../../libs/tenancy/tenant-directory';
import { allProjectors } from '../../projections';
import { allProcessManagers } from '../../process-managers';
import { commandRoutes } from '../../process-managers/command-routes';

/** Background work: projectors, process managers (timers among them) and the production business-day scheduler. */
@Module({
  providers: [
    {
      provide: ConsumerRunner,
      useFactory: (
        events: EventStore,
        store: ReadStore,
        logger: Logger,
        runner: DeciderRunner,
        readYourWrites: ReadYourWrites,
        faults: FaultInjector,
      ) => {
        const deps = {
          dispatcher: new CommandDispatcher(runner, commandRoutes),
          checkpoints: store,
          logger,
          faults,
          context: {
            store,
            readModelsAt: async (position: number) => {
              if (!(await readYourWrites.waitFor(position))) throw new Error(`read models did not reach position ${position} in time`);
            },
          },
        };
        return new ConsumerRunner(events, store, [
          ...allProjectors.map((projector) => projectionConsumer(projector, store)),
          ...allProcessManagers.map((pm) => processManagerConsumer(pm, deps)),
        ], logger);
      },
      inject: [EVENT_STORE, READ_STORE, LOGGER, DeciderRunner, ReadYourWrites, FaultInjector],
    },
    {
      provide: ProductionScheduler,
      useFactory: (runner: DeciderRunner, events: EventStore, store: ReadStore, directory: TenantDirectory, logger: Logger) =>
        new ProductionScheduler(runner, events, store, directory, logger),
      inject: [DeciderRunner, EVENT_STORE, READ_STORE, TenantDirectory, LOGGER],
    },
  ],
  exports: [ConsumerRunner, ProductionScheduler],
})
export class WorkerModule implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly scheduler: ProductionScheduler,
    private readonly readYourWrites: ReadYourWrites,
    private readonly lifecycle: Lifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start();
    this.readYourWrites.attach(this.consumers);
    this.scheduler.start(this.config.businessDayTickMs);
    this.lifecycle.onStop(() => this.scheduler.stop());
    this.lifecycle.onStop(() => this.consumers.stop());
    this.logger.info({ consumers: this.consumers.names }, 'projectors and process managers running');
  }
}
