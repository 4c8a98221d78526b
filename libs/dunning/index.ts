import { BoundedContext } from '../platform/app/bounded-context';
import { READ_STORE, ReadStore } from '../platform/read-store/read-store.port';
import { DUNNING_GROUP_DIRECTORY, DunningGroupDirectory } from '../plan-instances';
import {
  CreateDunningGroupHandler,
  CreateDunningProcessHandler,
  ReplaceDunningGroupHandler,
  ReviseDunningProcessHandler,
} from './commands/dunning-definitions';
import { DunningDefinitionsCommandController } from './commands/dunning-definitions.command-controller';
import { DunningDefinitionsQueryController } from './queries/dunning-definitions.query-controller';
import { dunningGroupExists, projectors } from './read-model';
import {
  CheckDunningCommand,
  CheckDunningHandler,
  DunningCases,
  EndDunningHandler,
  MigrateDunningHandler,
  ReviewDunningCommand,
  ReviewDunningHandler,
  TakeDunningStepCommand,
  TakeDunningStepHandler,
} from './commands/dunning-cases';
import { DunningCasesCommandController } from './commands/dunning-cases.command-controller';
import { DunningCasesQueryController } from './queries/dunning-cases.query-controller';
import { dunningEntryProcessManager, dunningProcessManager } from './process-managers/dunning.process-manager';

/** Dunning (DOMAIN.md §9): versioned processes and groups, and each delinquent account's case on durable timers. */
export const dunningContext: BoundedContext = {
  name: 'dunning',
  commandControllers: [DunningDefinitionsCommandController, DunningCasesCommandController],
  queryControllers: [DunningDefinitionsQueryController, DunningCasesQueryController],
  commandHandlers: [CreateDunningProcessHandler, ReviseDunningProcessHandler, CreateDunningGroupHandler, ReplaceDunningGroupHandler, CheckDunningHandler, TakeDunningStepHandler, ReviewDunningHandler, MigrateDunningHandler, EndDunningHandler],
  // DunningCases: what dunning's handlers read (the ledger, payment methods, the process that applies).
  providers: [
    DunningCases,
    // The plan-instances context checks the dunningGroupId an instance names against this context's groups.
    {
      provide: DUNNING_GROUP_DIRECTORY,
      useFactory: (store: ReadStore): DunningGroupDirectory => ({ exists: (tenantId, groupId) => dunningGroupExists(store, tenantId, groupId) }),
      inject: [READ_STORE],
    },
  ],
  projectors,
  projectorsModule: require.resolve('./read-model'),
  processManagers: [dunningEntryProcessManager, dunningProcessManager],
  commands: { CheckDunning: CheckDunningCommand, TakeDunningStep: TakeDunningStepCommand, ReviewDunning: ReviewDunningCommand },
};
