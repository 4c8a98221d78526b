import { bootstrap } from '../bootstrap';
import { CommandApiModule } from './command-api.module';

void bootstrap('command-api', [CommandApiModule]);
