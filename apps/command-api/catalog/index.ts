import { CreatePlanHandler } from './create-plan';
import { PlansCommandController } from './plans.command-controller';
import { RevisePlanHandler } from './revise-plan';

/** The catalog's write side, for CommandApiModule. */
export const CATALOG_COMMAND_CONTROLLERS = [PlansCommandController];
export const CATALOG_COMMAND_HANDLERS = [CreatePlanHandler, RevisePlanHandler];
