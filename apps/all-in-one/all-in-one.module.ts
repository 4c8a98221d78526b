import { CommandApiModule } from '../command-api/command-api.module';
import { QueryApiModule } from '../query-api/query-api.module';
import { WorkerModule } from '../worker/worker.module';

export const allInOneModules = [CommandApiModule, QueryApiModule, WorkerModule.allInOne()];
