import { Provider, Type } from '@nestjs/common';
import { Projector } from '../projection-runner/projector';
import { ProcessManager } from '../process-manager-runtime/process-manager';
import { NamedCommandClass } from '../command-pipeline/command';

/**
 * A bounded context's manifest (its `index.ts`): everything the apps compose from it. The apps list the
 * contexts once (apps/contexts.ts) and build their Nest modules from these lists: the command API takes the
 * write routes, the query API the read routes, the worker the projectors and process managers, and both the
 * command API and the worker the handlers (apps/command-handlers.module.ts).
 */
export interface BoundedContext {
  name: string;
  /** Write routes (POST, PUT, PATCH): they send commands through the CommandBus. */
  commandControllers?: Type[];
  /** Read routes: answered from read models. */
  queryControllers?: Type[];
  /** Command handlers, in every process that issues commands (command API and worker). */
  commandHandlers?: Type[];
  /** What its handlers and routes inject besides the core (lookups, loaders). */
  providers?: Provider[];
  /**
   * What the core itself needs from it, in every app (the customer session authenticator the guard asks:
   * CUSTOMER_SESSIONS). They may inject only the core's providers.
   */
  coreProviders?: Provider[];
  /** Its read models, in the order the worker starts them and a rebuild replays them. */
  projectors?: Projector[];
  /**
   * The module that exports `projectors` and nothing heavier (`require.resolve('./read-model')`): the projector
   * thread loads these modules, not the manifests with their routes and handlers.
   */
  projectorsModule?: string;
  processManagers?: ProcessManager[];
  /**
   * The commands process managers and timers (of any context) may issue, by the type they hold in the log
   * (`{ type, data }`): the runtime builds the class and sends it through the CommandBus like an HTTP route.
   */
  commands?: Record<string, NamedCommandClass>;
  /** What /health counts for it; any count above zero makes /health `degraded`. */
  healthCounts?: HealthCount[];
}

/** A count /health shows: the process-wide (`_system`) documents of a read-model collection, e.g. instances that cannot be billed. */
export interface HealthCount {
  /** The field of /health's answer. */
  name: string;
  collection: string;
}
