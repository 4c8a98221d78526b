import { Projector } from '../../platform/projection-runner/projector';
import { accountsProjection } from './accounts.projection';
import { paymentResponsibilitiesProjection } from './payment-responsibilities.projection';
import { hierarchyProjection } from './hierarchy.projection';
import { accountHistoryProjection } from './account-history.projection';

/** This context's read models, in order: the manifest lists them, and the projector thread loads this module alone. */
export const projectors: Projector[] = [accountsProjection, paymentResponsibilitiesProjection, hierarchyProjection, accountHistoryProjection];

export { ACCOUNTS } from './accounts.projection';
export { HIERARCHY, HIERARCHY_LINKS, HierarchyLinkDoc } from './hierarchy.projection';
export { PAYMENT_RESPONSIBILITIES } from './payment-responsibilities.projection';
export { ACCOUNT_HISTORY, ACCOUNT_HISTORY_EVENT_TYPES } from './account-history.projection';
