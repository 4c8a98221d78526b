import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

/** Rooms stay small: a source file over 400 lines says at its top why it is one file ("Over 400 lines on purpose"). */
const ROOT = path.resolve(__dirname, '../..');
const LIMIT = 400;
const REASON = 'Over 400 lines on purpose';

describe('source files', () => {
  const sources = execFileSync('git', ['ls-files', '-co', '--exclude-standard', 'apps', 'libs', 'scripts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.spec.ts'));

  it('are found', () => expect(sources.length).toBeGreaterThan(100));

  it(`are at most ${LIMIT} lines, or say why at their top`, () => {
    const unexplained = sources.filter((file) => {
      const text = readFileSync(path.join(ROOT, file), 'utf8');
      return text.split('\n').length > LIMIT && !text.split('\n').slice(0, 5).join('\n').includes(REASON);
    });
    expect(unexplained).toEqual([]);
  });
});
