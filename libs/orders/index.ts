import { BoundedContext } from '../platform/app/bounded-context';
import { CreateInstallmentTermHandler, CreateItemHandler } from './commands/catalog-definitions';
import { CatalogDefinitionsCommandController } from './commands/catalog-definitions.command-controller';
import { CatalogDefinitionsQueryController } from './queries/catalog-definitions.query-controller';
import { projectors } from './read-model';

/**
 * One-time orders (issue 19; DOMAIN.md §10): the catalog of one-time items and installment terms, and (to come)
 * orders on accounts and their installment schedules.
 */
export const ordersContext: BoundedContext = {
  name: 'orders',
  commandControllers: [CatalogDefinitionsCommandController],
  queryControllers: [CatalogDefinitionsQueryController],
  commandHandlers: [CreateItemHandler, CreateInstallmentTermHandler],
  projectors,
  projectorsModule: require.resolve('./read-model'),
};
