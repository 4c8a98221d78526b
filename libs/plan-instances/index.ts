import { BoundedContext } from '../platform/app/bounded-context';
import { BILLING_FAILURES, projectors } from './read-model';
import { AssignPlanHandler } from './commands/assign-plan';
import { BillPlanInstanceCommand, BillPlanInstanceHandler } from './commands/bill-plan-instance';
import { ChangePlanInstanceHandler } from './commands/change-plan-instance';
import { ChangePlanInstanceMetadataHandler } from './commands/change-plan-instance-metadata';
import { PlanInstanceMetadataCommandController } from './commands/plan-instance-metadata.command-controller';
import {
  BillDateResetLookups,
  ChangePlanInstanceStatusCommand,
  ChangePlanInstanceStatusHandler,
  RestorePlanInstanceStatusAfterDunningCommand,
  RestorePlanInstanceStatusAfterDunningHandler,
} from './commands/change-plan-instance-status';
import { PlanInstancesCommandController } from './commands/plan-instances.command-controller';
import { billRunProcessManager } from './process-managers/bill-run.process-manager';
import { billDateResetProcessManager } from './process-managers/bill-date-reset.process-manager';
import { ResetPlanInstanceBillDateCommand, ResetPlanInstanceBillDateHandler } from './commands/reset-plan-instance-bill-date';
import { PlanInstanceListsQueryController } from './queries/plan-instance-lists.query-controller';
import { PlanInstancesQueryController } from './queries/plan-instances.query-controller';

/** Plan instances and invoicing: assignment, changes, the daily bill run and the invoices it posts. */
export const planInstancesContext: BoundedContext = {
  name: 'plan-instances',
  commandControllers: [PlanInstancesCommandController, PlanInstanceMetadataCommandController],
  queryControllers: [PlanInstancesQueryController, PlanInstanceListsQueryController], // invoices are answered by payments, with what is owed on them
  commandHandlers: [AssignPlanHandler, ChangePlanInstanceMetadataHandler, ChangePlanInstanceHandler, BillPlanInstanceHandler, ChangePlanInstanceStatusHandler, RestorePlanInstanceStatusAfterDunningHandler, ResetPlanInstanceBillDateHandler],
  providers: [BillDateResetLookups],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [billRunProcessManager, billDateResetProcessManager],
  // The status commands are issued by the dunning process manager (issue 18).
  commands: {
    BillPlanInstance: BillPlanInstanceCommand,
    ChangePlanInstanceStatus: ChangePlanInstanceStatusCommand,
    RestorePlanInstanceStatusAfterDunning: RestorePlanInstanceStatusAfterDunningCommand,
    // Issued by the bill-date-reset process manager (issue 23).
    ResetPlanInstanceBillDate: ResetPlanInstanceBillDateCommand,
  },
  // Instances the bill run cannot bill (PlanInstanceBillingFailed) until they are billed again.
  healthCounts: [{ name: 'failedBillings', collection: BILLING_FAILURES }],
};

// Offered to the other contexts: the dunning context binds its directory of dunning groups to this token.
export { DUNNING_GROUP_DIRECTORY, DunningGroupDirectory } from './commands/dunning-groups.port';
