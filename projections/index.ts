import { Projector } from '../libs/projection-runner/projector';
import { accountsProjection } from './accounts.projection';
import { tenantsProjection } from './tenants.projection';
import { timersProjection } from './timers.projection';
import { paymentResponsibilitiesProjection } from './payment-responsibilities.projection';
import { plansProjection } from './plans.projection';
import { hierarchyProjection } from './hierarchy.projection';
import { priceOverridesProjection } from './price-overrides.projection';
import { planInstancesProjection } from './plan-instances.projection';
import { invoicesProjection } from './invoices.projection';
import { usageProjection } from './usage.projection';
import { statementsProjection } from './statements.projection';
import { usagePoolsProjection } from './usage-pools.projection';

/** Every read model of the product; the worker runs them and `npm run rebuild` replays them. */
export const allProjectors: Projector[] = [tenantsProjection, accountsProjection, timersProjection, paymentResponsibilitiesProjection, plansProjection, hierarchyProjection, priceOverridesProjection, planInstancesProjection, invoicesProjection, usageProjection, statementsProjection, usagePoolsProjection];
