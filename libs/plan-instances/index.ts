import { BoundedContext } from '../platform/app/bounded-context';
import { BILLING_FAILURES, projectors } from './read-model';
import { AssignPlanHandler } from './commands/assign-plan';
import { BillPlanInstanceCommand, BillPlanInstanceHandler } from './commands/bill-plan-instance';
import { ChangePlanInstanceHandler } from './commands/change-plan-instance';
import { PlanInstancesCommandController } from './commands/plan-instances.command-controller';
import { billRunProcessManager } from './process-managers/bill-run.process-manager';
import { PlanInstancesQueryController } from './queries/plan-instances.query-controller';

/** Plan instances and invoicing: assignment, changes, the daily bill run and the invoices it posts. */
export const planInstancesContext: BoundedContext = {
  name: 'plan-instances',
  commandControllers: [PlanInstancesCommandController],
  queryControllers: [PlanInstancesQueryController], // invoices are answered by payments, with what is owed on them
  commandHandlers: [AssignPlanHandler, ChangePlanInstanceHandler, BillPlanInstanceHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [billRunProcessManager],
  commands: { BillPlanInstance: BillPlanInstanceCommand },
  // Instances the bill run cannot bill (PlanInstanceBillingFailed) until they are billed again.
  healthCounts: [{ name: 'failedBillings', collection: BILLING_FAILURES }],
};
