import { bootstrap } from '../bootstrap';
import { QueryApiModule } from './query-api.module';

void bootstrap('query-api', [QueryApiModule]);
