import { bootstrap } from '../bootstrap';
import { allInOneModules } from './all-in-one.module';

/** `npm start`: commands, queries and background work in one process on the embedded SQLite stores. */
void bootstrap('all-in-one', allInOneModules);
