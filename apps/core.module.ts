import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AppConfig, APP_CONFIG } from '../libs/platform/config/config';
import { SYSTEM_CLOCK, SystemClock, WallClock } from '../libs/platform/clock/clock';
import { createLogger, LOGGER } from '../libs/platform/logging/logger';
import { createEventStore } from '../libs/platform/event-store';
import { EVENT_STORE, EventStore } from '../libs/platform/event-store/event-store.port';
import { createReadStore, ReadStoreConfig } from '../libs/platform/read-store';
import { READ_STORE, ReadStore } from '../libs/platform/read-store/read-store.port';
import { DeciderRunner } from '../libs/platform/command-pipeline/decider-runner';
import { AdminKey, ApiKeyGuard, resolveAdminKey, TenantDirectory } from '../libs/tenancy';
import { AllExceptionsFilter } from '../libs/platform/http/all-exceptions.filter';
import { AuthFailureLimiter } from '../libs/platform/http/auth-failure-limiter';
import { IDEMPOTENCY_COLLECTION } from '../libs/platform/http/idempotency.interceptor';
import { QueryParametersGuard } from '../libs/platform/http/query-parameters.guard';
import { ReadYourWrites } from '../libs/platform/app/read-your-writes';
import { Lifecycle } from '../libs/platform/app/lifecycle';
import { Metrics } from '../libs/platform/metrics/metrics';
import { MetricsController } from '../libs/platform/metrics/metrics.controller';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from '../libs/platform/app/health.controller';
import { ParkedEventsController } from '../libs/platform/app/parked-events.controller';
import { PARKED_EVENTS_COLLECTION, ParkedEvents } from '../libs/platform/subscriptions/parked-events';
import { CONSUMERS, Consumers } from '../libs/platform/app/consumers';
import { allProcessManagers, allProjectors, CONTEXTS } from './contexts';
import { FaultInjector } from '../libs/platform/process-manager-runtime/faults';

export interface CoreOptions {
  config: AppConfig;
  /** Tests inject a fixed clock; production reads the wall clock here and nowhere else. */
  clock?: SystemClock;
  logger?: Logger;
  /** Where the generated admin key is printed once (stdout by default). */
  print?: (line: string) => void;
}

/** The shared infrastructure every app (command-api, query-api, worker, all-in-one) stands on. */
@Global()
@Module({})
export class CoreModule {
  static forRoot(options: CoreOptions): DynamicModule {
    const logger = options.logger ?? createLogger(options.config.logLevel);
    const clock = options.clock ?? new WallClock();
    const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
    return {
      module: CoreModule,
      // Terminus runs /health's checks; its own logger is off (a failed check is logged by the controller, with pino).
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, ParkedEventsController, MetricsController],
      providers: [
        { provide: APP_CONFIG, useValue: options.config },
        {
          provide: CONSUMERS,
          useValue: {
            projectors: allProjectors,
            processManagers: allProcessManagers,
            healthCounts: CONTEXTS.flatMap((context) => context.healthCounts ?? []),
          } satisfies Consumers,
        },
        { provide: LOGGER, useValue: logger },
        { provide: SYSTEM_CLOCK, useValue: clock },
        { provide: EVENT_STORE, useFactory: () => createEventStore(eventStoreConfig(options.config)) },
        {
          provide: READ_STORE,
          useFactory: async () => {
            const store = createReadStore(readStoreConfig(options.config));
            await store.ensureCollections([IDEMPOTENCY_COLLECTION, PARKED_EVENTS_COLLECTION, ...allProjectors.flatMap((p) => p.collections)]);
            return store;
          },
        },
        { provide: ParkedEvents, useFactory: (store: ReadStore) => new ParkedEvents(store), inject: [READ_STORE] },
        // One registry per app (tests run several apps in one process).
        { provide: Metrics, useFactory: () => new Metrics() },
        { provide: DeciderRunner, useFactory: (events: EventStore) => new DeciderRunner(events), inject: [EVENT_STORE] },
        {
          provide: TenantDirectory,
          // Tenants by id from memory where the tenants read model is built in this process (decision 0027).
          useFactory: (store: ReadStore, systemClock: SystemClock, readYourWrites: ReadYourWrites) => new TenantDirectory(store, systemClock, readYourWrites),
          inject: [READ_STORE, SYSTEM_CLOCK, ReadYourWrites],
        },
        {
          provide: AdminKey,
          useFactory: (events: EventStore, directory: TenantDirectory) =>
            resolveAdminKey(events, options.config.adminKey, logger, print, directory.systemDate('UTC')),
          inject: [EVENT_STORE, TenantDirectory],
        },
        {
          provide: ReadYourWrites,
          useFactory: (store: ReadStore) =>
            new ReadYourWrites(
              store,
              allProjectors.map((p) => p.name),
              allProcessManagers.map((p) => p.name),
              options.config.readYourWritesTimeoutMs,
            ),
          inject: [READ_STORE],
        },
        Lifecycle,
        {
          provide: AuthFailureLimiter,
          useValue: new AuthFailureLimiter(options.config.authFailureLimit, options.config.authFailureWindowMs),
        },
        { provide: FaultInjector, useValue: new FaultInjector(options.config.fault) },
        ...coreProviders,
        // In this order: a request without a valid key is 401 before its query parameters are looked at.
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_GUARD, useClass: QueryParametersGuard },
        { provide: APP_FILTER, useFactory: () => new AllExceptionsFilter(logger) },
      ],
      exports: [
        APP_CONFIG,
        CONSUMERS,
        LOGGER,
        SYSTEM_CLOCK,
        EVENT_STORE,
        READ_STORE,
        DeciderRunner,
        TenantDirectory,
        ParkedEvents,
        AdminKey,
        ReadYourWrites,
        Lifecycle,
        FaultInjector,
        Metrics,
        ...coreProviders.map(tokenOf),
      ],
    };
  }
}

/** What the contexts give the core (the customer session authenticator). */
const coreProviders: Provider[] = CONTEXTS.flatMap((context) => context.coreProviders ?? []);

function tokenOf(provider: Provider) {
  return typeof provider === 'function' ? provider : provider.provide;
}

export function eventStoreConfig(config: AppConfig) {
  return { kind: config.eventStore, dataDir: config.dataDir, kurrentDbUrl: config.kurrentDbUrl };
}

export function readStoreConfig(config: AppConfig): ReadStoreConfig {
  // A thread checkpoints the read store's WAL, so the commits of projectors and commands never wait on it.
  return { kind: config.readStore, dataDir: config.dataDir, mongoUrl: config.mongoUrl, mongoDatabase: config.mongoDatabase, walCheckpoints: 'thread' };
}
