import { BoundedContext } from '../platform/app/bounded-context';
import { projectors } from './read-model';
import { AccountMetadataCommandController } from './commands/account-metadata.command-controller';
import { AccountsCommandController } from './commands/accounts.command-controller';
import { ChangeAccountMetadataHandler } from './commands/change-account-metadata';
import { ChangeAccountPaymentTermsHandler } from './commands/change-payment-terms';
import { SetAccountTaxExemptHandler } from './commands/set-tax-exempt';
import { CreateAccountHandler } from './commands/create-account';
import {
  ChangeAccountStatusCommand,
  ChangeAccountStatusHandler,
  RestoreAccountStatusAfterDunningCommand,
  RestoreAccountStatusAfterDunningHandler,
} from './commands/change-account-status';
import { RemindIncompleteContactCommand, RemindIncompleteContactHandler } from './commands/remind-incomplete-contact';
import { SetParentHandler } from './commands/set-parent';
import { SetPaymentResponsibilityHandler } from './commands/set-payment-responsibility';
import { UpdateAccountContactHandler } from './commands/update-account-contact';
import { contactRemindersProcessManager } from './process-managers/contact-reminders.process-manager';
import { AccountListsQueryController } from './queries/account-lists.query-controller';
import { AccountsQueryController } from './queries/accounts.query-controller';
import { HierarchyQueryController } from './queries/hierarchy.query-controller';

/** Accounts and their hierarchy: contacts, payment terms, parents, and who pays for whom. */
export const accountsContext: BoundedContext = {
  name: 'accounts',
  commandControllers: [AccountsCommandController, AccountMetadataCommandController],
  queryControllers: [AccountsQueryController, HierarchyQueryController, AccountListsQueryController],
  commandHandlers: [
    CreateAccountHandler,
    UpdateAccountContactHandler,
    SetPaymentResponsibilityHandler,
    SetParentHandler,
    ChangeAccountPaymentTermsHandler,
    SetAccountTaxExemptHandler,
    ChangeAccountMetadataHandler,
    RemindIncompleteContactHandler,
    ChangeAccountStatusHandler,
    RestoreAccountStatusAfterDunningHandler,
  ],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [contactRemindersProcessManager],
  // ChangeAccountStatus / RestoreAccountStatusAfterDunning: issued by the dunning process manager (issue 18).
  commands: {
    RemindIncompleteContact: RemindIncompleteContactCommand,
    ChangeAccountStatus: ChangeAccountStatusCommand,
    RestoreAccountStatusAfterDunning: RestoreAccountStatusAfterDunningCommand,
  },
};

export { loadAccount } from './commands/account-lookup';
export { StatusChangeDto } from './commands/change-account-status';
