import { AssignPlanHandler } from './assign-plan';
import { ChangePlanInstanceHandler } from './change-plan-instance';
import { PlanInstancesCommandController } from './plan-instances.command-controller';

/** Plan instances' write side, for CommandApiModule. */
export const BILLING_COMMAND_CONTROLLERS = [PlanInstancesCommandController];
export const BILLING_COMMAND_HANDLERS = [AssignPlanHandler, ChangePlanInstanceHandler];
