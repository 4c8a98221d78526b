import { StatementsQueryController } from './statements.query-controller';

/** Statements' and balances' read side, for QueryApiModule. */
export const STATEMENTS_QUERY_CONTROLLERS = [StatementsQueryController];
