import { PlansQueryController } from './plans.query-controller';

/** The catalog's read side, for QueryApiModule. */
export const CATALOG_QUERY_CONTROLLERS = [PlansQueryController];
