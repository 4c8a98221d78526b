import { BoundedContext } from '../libs/platform/app/bounded-context';
import { NamedCommandClass } from '../libs/platform/command-pipeline/command';
import { Projector } from '../libs/platform/projection-runner/projector';
import { ProcessManager } from '../libs/platform/process-manager-runtime/process-manager';
import { tenancyContext } from '../libs/tenancy';
import { timeContext } from '../libs/time';
import { accountsContext } from '../libs/accounts';
import { catalogContext } from '../libs/catalog';
import { planInstancesContext } from '../libs/plan-instances';
import { usageContext } from '../libs/usage';
import { poolsContext } from '../libs/pools';
import { paymentsContext } from '../libs/payments';
import { statementsContext } from '../libs/statements';
import { notificationsContext } from '../libs/notifications';
import { dunningContext } from '../libs/dunning';
import { ordersContext } from '../libs/orders';
import { selfServiceContext } from '../libs/self-service';
import { auditContext } from '../libs/audit';

/** The bounded contexts of the product, listed once: every app composes itself from this list. */
export const CONTEXTS: readonly BoundedContext[] = [
  tenancyContext,
  timeContext,
  accountsContext,
  catalogContext,
  planInstancesContext,
  usageContext,
  poolsContext,
  paymentsContext,
  statementsContext,
  notificationsContext,
  dunningContext,
  ordersContext,
  selfServiceContext,
  auditContext,
];

/** Every read model: the worker (or the projector thread) runs them and `npm run rebuild` replays them. */
export const allProjectors: Projector[] = CONTEXTS.flatMap((context) => context.projectors ?? []);

/** Every process manager: the worker runs them from their checkpoints. */
export const allProcessManagers: ProcessManager[] = CONTEXTS.flatMap((context) => context.processManagers ?? []);

/** Every command process managers and timers may issue, by its type in the log. */
export const namedCommands: Record<string, NamedCommandClass> = Object.assign({}, ...CONTEXTS.map((context) => context.commands ?? {}));
