import { appendFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';

/**
 * With `OPENAPI_RECORD=<folder>` (npm run openapi:record), every successful answer the HTTP and process tests get
 * (test/support/test-app.ts, callServer in scripts/server-process.ts) is kept as
 * one JSON line in `<folder>/<pid>.jsonl`: the operation (method and path pattern of /openapi.json), status,
 * content type and JSON body. scripts/openapi-responses.ts turns them into the documented response schemas and
 * examples (libs/platform/http/openapi/responses.json). Off (nothing done) without the variable.
 */
export class OpenApiRecorder {
  private patterns: Array<{ method: string; path: string; regex: RegExp; literals: number }> | null = null;

  private constructor(private readonly file: string) {}

  static fromEnv(): OpenApiRecorder | null {
    const folder = process.env.OPENAPI_RECORD;
    if (!folder) return null;
    mkdirSync(folder, { recursive: true });
    return new OpenApiRecorder(path.join(folder, `${process.pid}.jsonl`));
  }

  async record(baseUrl: string, method: string, route: string, status: number, contentType: string | null, text: string): Promise<void> {
    if (status < 200 || status >= 300) return;
    this.patterns ??= await this.load(baseUrl);
    const pathname = route.split('?')[0];
    const operation = this.patterns
      .filter((pattern) => pattern.method === method.toLowerCase() && pattern.regex.test(pathname))
      .sort((a, b) => b.literals - a.literals)[0];
    if (!operation) return;
    const type = (contentType ?? '').split(';')[0].trim();
    let body: unknown = null;
    if (type === 'application/json' && text) body = JSON.parse(text);
    appendFileSync(this.file, JSON.stringify({ method: operation.method, path: operation.path, status, contentType: type, body }) + '\n');
  }

  private async load(baseUrl: string) {
    const document = (await (await fetch(`${baseUrl}/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    return Object.entries(document.paths).flatMap(([pattern, item]) =>
      Object.keys(item).map((method) => ({
        method,
        path: pattern,
        regex: new RegExp(`^${pattern.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literals: pattern.split('/').filter((segment) => segment && !segment.startsWith('{')).length,
      })),
    );
  }
}
