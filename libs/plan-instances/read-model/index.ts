import { Projector } from '../../platform/projection-runner/projector';
import { planInstancesProjection } from './plan-instances.projection';
import { invoicesProjection } from './invoices.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [planInstancesProjection, invoicesProjection];

export { BILLING_FAILURES, PLAN_INSTANCES, PlanInstanceDoc } from './plan-instances.projection';
export { INVOICES, InvoiceDoc } from './invoices.projection';
