import { BoundedContext } from '../platform/app/bounded-context';
import { StatementsQueryController } from './queries/statements.query-controller';
import { statementsProjection } from './read-model/statements.projection';

/** Statements and balances: what each paying account owes, nested by the accounts it pays for. */
export const statementsContext: BoundedContext = {
  name: 'statements',
  queryControllers: [StatementsQueryController],
  projectors: [statementsProjection],
};
