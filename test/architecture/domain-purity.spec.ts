import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/**
 * What the import rules cannot see: pure code reads no clock and does no binary floating point on amounts
 * (libs/README.md). Comments are left out, so a rule may be named in one.
 */
const ROOT = path.resolve(__dirname, '../..');
const FORBIDDEN: [RegExp, string][] = [
  [/\bDate\.now\(/, 'Date.now() (time is injected: dates arrive in commands)'],
  [/\bnew Date\(/, 'new Date() (time is injected)'],
  [/\bparseFloat\(/, 'parseFloat (amounts are decimals)'],
  [/\.toFixed\(/, 'toFixed (amounts are decimals)'],
  [/\bMath\.round\(/, 'Math.round (amounts are decimals)'],
];

describe('pure code (every domain/ folder and the shared kernel)', () => {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'libs'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => /^libs\/(shared-kernel\/|[^/]+\/domain\/)/.test(file) && file.endsWith('.ts') && !file.endsWith('.spec.ts'));

  it('are found', () => expect(files.length).toBeGreaterThan(50));

  it('reads no clock and uses no floating point on amounts', () => {
    const found: string[] = [];
    for (const file of files) {
      const code = readFileSync(path.join(ROOT, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const [pattern, what] of FORBIDDEN) if (pattern.test(code)) found.push(`${file}: ${what}`);
    }
    expect(found).toEqual([]);
  });
});
