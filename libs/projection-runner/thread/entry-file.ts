import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ENTRY = 'projector-thread.main.js';

/**
 * The thread's entry must be JavaScript. Built (dist/), it sits next to this file. Under Jest (TypeScript
 * sources through @swc/jest) the thread runs the build in dist/ instead: `npm test` builds first; after
 * editing the thread's code, run `npm run build` before a single suite.
 */
export function threadEntryFile(): string {
  if (__filename.endsWith('.js')) return path.join(__dirname, ENTRY);
  const root = path.resolve(__dirname, '../../..');
  const built = path.join(root, 'dist', path.relative(root, __dirname), ENTRY);
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" (npm test does it first)`);
  return built;
}
