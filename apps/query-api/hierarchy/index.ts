import { HierarchyQueryController } from './hierarchy.query-controller';

/** The account hierarchy's read side, for QueryApiModule. */
export const HIERARCHY_QUERY_CONTROLLERS = [HierarchyQueryController];
