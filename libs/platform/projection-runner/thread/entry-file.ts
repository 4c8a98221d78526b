import { existsSync } from 'node:fs';
import * as path from 'node:path';

const ENTRY = 'projector-thread.main.js';

/** The thread's entry file (JavaScript, see builtFile). */
export function threadEntryFile(): string {
  return builtFile(__filename, ENTRY);
}

/**
 * A worker thread loads JavaScript. Built (dist/), `name` sits next to `besideFile`. Under Jest (TypeScript
 * sources through @swc/jest) the build in dist/ is used instead: `npm test` builds first; after editing the
 * thread's code, run `npm run build` before a single suite.
 */
export function builtFile(besideFile: string, name: string): string {
  const dir = path.dirname(besideFile);
  if (besideFile.endsWith('.js')) return path.join(dir, name);
  const root = repositoryRoot(dir);
  const built = path.join(root, 'dist', path.relative(root, dir), name);
  if (!existsSync(built)) throw new Error(`${built} is missing: run "npm run build" (npm test does it first)`);
  return built;
}

/** The nearest folder above `dir` holding package.json: the repository (dist/ sits in it). */
function repositoryRoot(dir: string): string {
  let current = dir;
  while (!existsSync(path.join(current, 'package.json'))) {
    const parent = path.dirname(current);
    if (parent === current) throw new Error(`no package.json above ${dir}`);
    current = parent;
  }
  return current;
}
