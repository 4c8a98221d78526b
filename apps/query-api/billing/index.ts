import { InvoicesQueryController } from './invoices.query-controller';
import { PlanInstancesQueryController } from './plan-instances.query-controller';

/** Plan instances' and invoices' read side, for QueryApiModule. */
export const BILLING_QUERY_CONTROLLERS = [PlanInstancesQueryController, InvoicesQueryController];
