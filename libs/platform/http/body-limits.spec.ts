import { MAX_JSON_DEPTH, nestsDeeperThan } from './body-limits';

const deeper = (json: string, limit = 3) => nestsDeeperThan(json, limit);

describe('nestsDeeperThan (JSON depth read before parsing)', () => {
  it.each([
    ['1', false],
    ['{}', false],
    ['[[[1]]]', false],
    ['{"a":[{"b":2}]}', false],
    ['[[[[1]]]]', true],
    ['{"a":[{"b":[]}]}', true],
    ['[[],[],[],[[]]]', false],
    ['[[[]],[[[]]]]', true],
  ])('%s is deeper than 3: %s', (json, expected) => {
    expect(deeper(json)).toBe(expected);
  });

  it('does not count brackets inside strings, escaped quotes included', () => {
    expect(deeper('{"a":"[[[[{{{{"}')).toBe(false);
    expect(deeper('["\\"[[[[", "x"]')).toBe(false);
    // An escaped backslash ends before the quote, which closes the string: the brackets after it count.
    expect(deeper('["\\\\", [[[1]]]]')).toBe(true);
    expect(deeper('["é€😀[[[[", {"ü": [1]}]')).toBe(false);
  });

  it('reads 10 MB of brackets without recursion, stopping at the limit', () => {
    expect(nestsDeeperThan('['.repeat(10 * 1024 * 1024), MAX_JSON_DEPTH)).toBe(true);
    expect(nestsDeeperThan(`${'['.repeat(MAX_JSON_DEPTH)}${']'.repeat(MAX_JSON_DEPTH)}`, MAX_JSON_DEPTH)).toBe(false);
  });
});
