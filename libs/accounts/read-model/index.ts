export { ACCOUNTS } from './accounts.projection';
export { HIERARCHY, HIERARCHY_LINKS, HierarchyLinkDoc } from './hierarchy.projection';
export { PAYMENT_RESPONSIBILITIES } from './payment-responsibilities.projection';
