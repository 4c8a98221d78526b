import { existsSync } from 'node:fs';
import * as path from 'node:path';

/** The thread's entry file (JavaScript, see builtJavaScript). */
export function threadEntryFile(): string {
  return builtJavaScript(path.join(__dirname, `projector-thread.main${path.extname(__filename)}`));
}

/**
 * A worker thread loads JavaScript. Built (dist/), a module is its own file. Under Jest (TypeScript sources
 * through @swc/jest) its build in dist/ is used instead: `npm test` builds first; after editing the thread's
 * code or a projector, run `npm run build` before a single suite.
 */
export function builtJavaScript(moduleFile: string): string {
  if (moduleFile.endsWith('.js')) return moduleFile;
  const root = repositoryRoot(path.dirname(moduleFile));
  const built = path.join(root, 'dist', path.relative(root, moduleFile)).replace(/\.ts$/, '.js');
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
