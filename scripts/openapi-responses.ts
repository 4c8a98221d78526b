import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { inferSchema, mergeSchemas, shortExample, tidySchema } from '../libs/platform/http/openapi/schema-inference';
import { RecordedResponses } from '../libs/platform/http/openapi/openapi';
import { repositoryRoot } from './server-process';

/**
 * `npm run openapi:record`: runs the HTTP tests with OPENAPI_RECORD set (test/support/openapi-recorder.ts), then
 * this turns the answers they got into libs/platform/http/openapi/responses.json: per operation and status, the
 * schema every answer fits and one answer as the example. Commit the file; test/http/openapi.e2e.spec.ts fails on
 * an operation without a documented answer.
 */
const SAMPLES_PER_RESPONSE = 300;
const EXAMPLE_MAX_CHARS = 3000;

interface Recorded {
  method: string;
  path: string;
  status: number;
  contentType: string;
  body: unknown;
}

function main(folder: string): void {
  const groups = new Map<string, Recorded[]>();
  for (const file of readdirSync(folder).filter((name) => name.endsWith('.jsonl'))) {
    for (const line of readFileSync(path.join(folder, file), 'utf8').split('\n')) {
      if (!line) continue;
      const recorded = JSON.parse(line) as Recorded;
      const key = `${recorded.method} ${recorded.path} ${recorded.status} ${recorded.contentType}`;
      const group = groups.get(key) ?? [];
      if (group.length < SAMPLES_PER_RESPONSE) group.push(recorded);
      groups.set(key, group);
    }
  }
  const responses: RecordedResponses = {};
  for (const group of [...groups.values()].sort((a, b) => keyOf(a[0]).localeCompare(keyOf(b[0])))) {
    const { method, path: route, status, contentType } = group[0];
    const operation = (responses[`${method.toUpperCase()} ${route}`] ??= {});
    const answer = (operation[String(status)] ??= {});
    if (contentType !== 'application/json') {
      answer[contentType || 'application/octet-stream'] = {};
      continue;
    }
    const schema = tidySchema(group.map((recorded) => inferSchema(recorded.body)).reduce(mergeSchemas));
    answer['application/json'] = { schema, example: exampleOf(group.map((recorded) => recorded.body)) };
  }
  const out = path.join(repositoryRoot(), 'libs/platform/http/openapi/responses.json');
  // One line per operation: a change to one route's answers is a one-line diff.
  const lines = Object.entries(responses).map(([operation, answers]) => `  ${JSON.stringify(operation)}: ${JSON.stringify(answers)}`);
  writeFileSync(out, `{\n${lines.join(',\n')}\n}\n`);
  console.log(`${Object.keys(responses).length} operations, ${groups.size} answers from ${folder} → ${path.relative(process.cwd(), out)}`);
}

function keyOf(recorded: Recorded): string {
  return `${recorded.path} ${recorded.method} ${recorded.status} ${recorded.contentType}`;
}

/** Secrets shown once (a tenant's API key, a webhook secret, a session token) are shown by their prefix only. */
const SECRETS = new Set(['apiKey', 'secret', 'token']);

function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, SECRETS.has(key) && typeof item === 'string' ? `${item.slice(0, item.indexOf('_') + 1)}…` : withoutSecrets(item)]),
  );
}

/** The fullest answer that stays readable once its arrays are cut to two items. */
function exampleOf(bodies: unknown[]): unknown {
  const candidates = bodies.map(shortExample).map(withoutSecrets).map((body) => ({ body, size: JSON.stringify(body).length }));
  const readable = candidates.filter((candidate) => candidate.size <= EXAMPLE_MAX_CHARS);
  const pool = readable.length > 0 ? readable : candidates;
  return pool.sort((a, b) => (readable.length > 0 ? b.size - a.size : a.size - b.size))[0].body;
}

main(process.argv[2] ?? path.join(repositoryRoot(), 'data', 'openapi-record'));
