import { expectationsOf, matchesAnswer, runnableBlocks, scriptOf } from '../support/readme-examples';

describe('the README examples runner (its own rules)', () => {
  it('matches the parts between … in order, anchored at both ends', () => {
    expect(matchesAnswer('{"id":"ten…","name":"Acme"…}', '{"id":"ten_1","name":"Acme","x":1}')).toBe(true);
    expect(matchesAnswer('{"id":"ten…","name":"Acme"}', '{"id":"ten_1","name":"Acme","x":1}')).toBe(false);
    expect(matchesAnswer('{"total":6452…}', '{"total":6453}')).toBe(false);
    expect(matchesAnswer('…"b":2…"a":1…', '{"a":1,"b":2}')).toBe(false);
    expect(matchesAnswer('{"a":[1.5]}', '{"a":[105]}')).toBe(false);
  });

  it('reads the answers shown, continuation lines joined, and marks where each is checked', () => {
    const readme = [
      '```sh',
      'A=$(curl -s localhost:3000/a)',
      '#  → 201 {"a":1,',
      '#        "b":2}',
      'curl -s localhost:3000/b | jq .',
      '```',
      '<!-- readme: not run (installs) -->',
      '```sh',
      'curl -s localhost:3000/never',
      '#  → 500',
      '```',
      '```sh',
      'curl -s localhost:3000/c',
      '#  → 404',
      '```',
    ].join('\n');
    const blocks = runnableBlocks(readme);
    expect(blocks.map((block) => block.line)).toEqual([1, 12]);
    expect(expectationsOf(blocks)).toEqual([
      { line: 3, status: 201, body: '{"a":1,"b":2}' },
      { line: 14, status: 404, body: null },
    ]);
    const script = scriptOf(blocks, '/tmp/x', 4000);
    expect(script).toContain('cp "$__readme_dir/count" "$__readme_dir/mark-3"\n#        "b":2}');
    expect(script).not.toContain('never');
  });

  it('refuses an arrow followed by prose: every answer shown must be checked', () => {
    expect(() => expectationsOf([{ line: 1, code: 'curl -s x\n#  → lines: a credit' }])).toThrow(/line 3.*not an answer that can be checked/);
  });
});
