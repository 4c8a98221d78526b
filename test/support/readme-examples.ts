/**
 * The README's examples as a test (issue 22, Must have 8): every ```sh block runs, in order, in one bash session
 * against a fresh server, and every answer the README shows (`#  → 201 {"id":…}`) is checked against what the
 * server answered. A block preceded by `<!-- readme: not run (why) -->` is left out (installing, Docker).
 *
 * How an answer is written: `#  → ` then an optional status code, then the body with `…` standing for anything
 * (ids, timestamps, fields left out). Lines that follow starting with `#` and at least four spaces continue it.
 * The answer checked is that of the last `curl` that ran before it. An arrow followed by prose (`#  → lines: …`) is a
 * mistake here: the test fails on it, so every answer shown is one that is checked.
 */

export interface ReadmeBlock {
  /** 1-based line of the opening fence, for messages. */
  line: number;
  code: string;
}

export interface ReadmeExpectation {
  /** 1-based README line of the arrow: the run marks there which curl call came last (see `scriptOf`). */
  line: number;
  status: number | null;
  /** The body pattern, `…` standing for anything; null when only the status is shown. */
  body: string | null;
}

const SKIP_MARK = /<!--\s*readme:\s*not run\b/;
const ARROW = /^#\s+→\s?(.*)$/;
const CONTINUATION = /^#\s{4,}\S/;

/** The ```sh blocks that run, in README order. */
export function runnableBlocks(readme: string): ReadmeBlock[] {
  const lines = readme.split('\n');
  const blocks: ReadmeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i].trim() !== '```sh') continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && lines[i].trim() !== '```'; i++) body.push(lines[i]);
    const previous = lines.slice(Math.max(0, start - 2), start).join('\n');
    if (!SKIP_MARK.test(previous)) blocks.push({ line: start + 1, code: body.join('\n') });
  }
  return blocks;
}

/** The answers shown in the blocks, in order, continuation lines joined. */
export function expectationsOf(blocks: readonly ReadmeBlock[]): ReadmeExpectation[] {
  const expectations: ReadmeExpectation[] = [];
  for (const block of blocks) {
    const lines = block.code.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const arrow = ARROW.exec(lines[i]);
      if (!arrow) continue;
      const readmeLine = block.line + 1 + i;
      let text = arrow[1].trim();
      while (i + 1 < lines.length && CONTINUATION.test(lines[i + 1]) && !ARROW.test(lines[i + 1])) text += lines[++i].replace(/^#\s+/, '');
      expectations.push({ line: readmeLine, ...parseAnswer(text, readmeLine) });
    }
  }
  return expectations;
}

/**
 * The bash that runs: the prelude, then the blocks with a mark after each answer shown, recording which curl call
 * came last there (so answers inside loops and `$(…)` are tied to their call when it runs, not by counting).
 */
export function scriptOf(blocks: readonly ReadmeBlock[], dir: string, port: number): string {
  const parts = [prelude(dir, port)];
  for (const block of blocks) {
    parts.push(`# README line ${block.line}`);
    block.code.split('\n').forEach((line, i) => {
      parts.push(line);
      if (ARROW.test(line)) parts.push(`cp "$__readme_dir/count" "$__readme_dir/mark-${block.line + 1 + i}"`);
    });
  }
  return parts.join('\n') + '\n';
}

function parseAnswer(text: string, line: number): Pick<ReadmeExpectation, 'status' | 'body'> {
  const status = /^(\d{3})(?:\s+|$)(.*)$/.exec(text);
  const body = (status ? status[2] : text).trim();
  if (body !== '' && !/^[{[…"]/.test(body)) {
    throw new Error(`README line ${line}: "→ ${text}" is not an answer that can be checked (a status and/or a JSON body with … for the parts left out)`);
  }
  return { status: status ? Number(status[1]) : null, body: body === '' ? null : body };
}

/** True when `actual` fits `pattern`: the parts between `…` appear in order, the first at the start, the last at the end. */
export function matchesAnswer(pattern: string, actual: string): boolean {
  const parts = pattern.split('…').map(escapeRegExp);
  return new RegExp(`^${parts.join('[\\s\\S]*?')}$`).test(actual.trim());
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Bash that runs before the blocks: `curl` becomes a function that sends the request to the test server instead of
 * localhost:3000 and keeps each answer's status and body (numbered in call order) in `dir`, also from `$(…)`.
 */
function prelude(dir: string, port: number): string {
  return [
    'set -uo pipefail',
    `__readme_dir='${dir}'`,
    'echo 0 > "$__readme_dir/count"',
    'curl() {',
    '  local n args=() a',
    '  n=$(( $(cat "$__readme_dir/count") + 1 )); echo "$n" > "$__readme_dir/count"',
    `  for a in "$@"; do args+=("\${a//localhost:3000/127.0.0.1:${port}}"); done`,
    '  command curl -sS -o "$__readme_dir/$n.body" -w \'%{http_code}\' "${args[@]}" > "$__readme_dir/$n.status"',
    '  cat "$__readme_dir/$n.body"',
    '}',
    '',
  ].join('\n');
}
