import { DynamicModule, Inject, Module, OnApplicationBootstrap, Optional } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Logger } from 'pino';
import { AppConfig, APP_CONFIG } from '../../libs/platform/config/config';
import { EVENT_STORE, EventStore, SqliteEventStore } from '../../libs/platform/event-store';
import { READ_STORE, ReadStore } from '../../libs/platform/read-store/read-store.port';
import { LOGGER } from '../../libs/platform/logging/logger';
import { ConsumerRunner } from '../../libs/platform/subscriptions/consumer-runner';
import { CombinedPositions } from '../../libs/platform/subscriptions/position-source';
import { withInjectedFailure } from '../../libs/platform/subscriptions/injected-failure';
import { projectionConsumer, PROJECTOR_BATCH_SIZE } from '../../libs/platform/projection-runner/projection-consumer';
import { ProjectorThread } from '../../libs/platform/projection-runner/thread/projector-thread';
import { builtJavaScript } from '../../libs/platform/projection-runner/thread/entry-file';
import { CommandBusDispatcher } from '../../libs/platform/process-manager-runtime/command-dispatcher';
import { CommandHandlersModule } from '../command-handlers.module';
import { processManagerConsumer } from '../../libs/platform/process-manager-runtime/process-manager-consumer';
import { FaultInjector } from '../../libs/platform/process-manager-runtime/faults';
import { ProductionScheduler } from '../../libs/time';
import { ReadYourWrites } from '../../libs/platform/app/read-your-writes';
import { Lifecycle } from '../../libs/platform/app/lifecycle';
import { TenantDirectory } from '../../libs/tenancy';
import { allProcessManagers, allProjectors, CONTEXTS, namedCommands } from '../contexts';

/** Set by `WorkerModule.allInOne()`: this process also runs the command side, so projectors may get their own thread. */
const ALL_IN_ONE = Symbol('WORKER_ALL_IN_ONE');

/**
 * The projectors run on a worker thread (the second core) when this process also handles commands on the
 * embedded SQLite stores and PROJECTORS is not `inline`. A worker process alone keeps them inline (its own
 * process is already off the command side), as do MongoDB and KurrentDB.
 */
export function projectorsInThread(config: AppConfig, allInOne: boolean): boolean {
  return allInOne && config.projectors === 'thread' && config.eventStore === 'sqlite' && config.readStore === 'sqlite';
}

/** Background work: projectors, process managers (timers among them) and the production business-day scheduler. */
@Module({
  imports: [CommandHandlersModule],
  providers: [
    {
      provide: ProjectorThread,
      useFactory: (config: AppConfig, events: EventStore, logger: Logger, allInOne?: boolean) => {
        if (!projectorsInThread(config, allInOne === true) || !(events instanceof SqliteEventStore)) return null;
        return new ProjectorThread({
          names: allProjectors.map((projector) => projector.name),
          // The thread loads the contexts' read-model modules alone (built), not their routes and handlers.
          projectorModules: CONTEXTS.flatMap((context) => (context.projectorsModule ? [builtJavaScript(context.projectorsModule)] : [])),
          dataDir: config.dataDir,
          logLevel: logger.level,
          parking: { retryBaseMs: config.parkedRetryBaseMs, retryMaxMs: config.parkedRetryMaxMs },
          fault: config.fault,
          events,
          logger: logger.child({ thread: 'projectors' }),
        });
      },
      inject: [APP_CONFIG, EVENT_STORE, LOGGER, { token: ALL_IN_ONE, optional: true }],
    },
    {
      provide: ConsumerRunner,
      useFactory: (
        config: AppConfig,
        events: EventStore,
        store: ReadStore,
        logger: Logger,
        bus: CommandBus,
        readYourWrites: ReadYourWrites,
        faults: FaultInjector,
        thread: ProjectorThread | null,
      ) => {
        const deps = {
          dispatcher: new CommandBusDispatcher(bus, namedCommands),
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
        const consumers = [
          ...(thread ? [] : allProjectors.map((projector) => projectionConsumer(projector, store, PROJECTOR_BATCH_SIZE))),
          ...allProcessManagers.map((pm) => processManagerConsumer(pm, deps)),
        ];
        // Only the poison fault here: `projector-throws` counts the projector thread's batches (see its module).
        const poisoned = config.fault?.startsWith('poison-entity:') ? withInjectedFailure(consumers, config.fault) : consumers;
        return new ConsumerRunner(events, store, poisoned, logger, undefined, {
          retryBaseMs: config.parkedRetryBaseMs,
          retryMaxMs: config.parkedRetryMaxMs,
        });
      },
      inject: [APP_CONFIG, EVENT_STORE, READ_STORE, LOGGER, CommandBus, ReadYourWrites, FaultInjector, ProjectorThread],
    },
    {
      provide: ProductionScheduler,
      useFactory: (bus: CommandBus, events: EventStore, store: ReadStore, directory: TenantDirectory, logger: Logger) =>
        new ProductionScheduler(bus, events, store, directory, logger),
      inject: [CommandBus, EVENT_STORE, READ_STORE, TenantDirectory, LOGGER],
    },
  ],
  exports: [ConsumerRunner, ProductionScheduler, ProjectorThread],
})
export class WorkerModule implements OnApplicationBootstrap {
  /** The worker of the all-in-one process (commands in the same process): projectors may run on their own thread. */
  static allInOne(): DynamicModule {
    return { module: WorkerModule, providers: [{ provide: ALL_IN_ONE, useValue: true }] };
  }

  constructor(
    private readonly consumers: ConsumerRunner,
    private readonly scheduler: ProductionScheduler,
    private readonly readYourWrites: ReadYourWrites,
    private readonly lifecycle: Lifecycle,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(ProjectorThread) private readonly thread: ProjectorThread | null,
  ) {}

  /** Stops in reverse: the scheduler, then process managers (they may wait on read models), then the projector thread. */
  async onApplicationBootstrap(): Promise<void> {
    const thread = this.thread;
    if (thread) await thread.start();
    await this.consumers.start();
    this.readYourWrites.attach(thread ? new CombinedPositions([this.consumers, thread]) : this.consumers);
    this.scheduler.start(this.config.businessDayTickMs);
    this.lifecycle.onStop(() => this.scheduler.stop());
    this.lifecycle.onStop(() => this.consumers.stop());
    if (thread) this.lifecycle.onStop(() => thread.stop());
    this.logger.info(
      { consumers: this.consumers.names, projectorThread: thread ? thread.names : null },
      thread ? 'process managers running; projectors running in a worker thread' : 'projectors and process managers running',
    );
  }
}
