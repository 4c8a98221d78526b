import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { StatementsQueryController } from './queries/statements.query-controller';

/** Statements and balances: what each paying account owes, nested by the accounts it pays for. */
export const statementsContext: BoundedContext = {
  name: 'statements',
  queryControllers: [StatementsQueryController],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};
