import { Controller, Get, Headers, NotFoundException, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Public } from '../../platform/http/access';

/**
 * The customer portal's page: stricter than the API's policy (app-factory.ts), which must leave the Swagger UI its
 * inline styles. Only this server's scripts, styles and calls; no inline script or style, no plugin, no framing,
 * no form posted elsewhere. Replaces helmet's header for these answers (a header set on the reply wins over the
 * one helmet set on the raw response).
 */
export const PORTAL_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

interface PortalFile {
  body: Buffer;
  type: string;
  etag: string;
}

/** The folder of the portal's files, found from the repository root: the same under ts-jest/SWC and from dist/ (tsc copies no .js/.html/.css). */
export function portalStaticDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}: cannot find the portal's files`);
    dir = up;
  }
  return path.join(dir, 'libs', 'self-service', 'portal', 'static');
}

/** Every file of the folder (flat: no sub-folders), read once, with its type and a strong ETag. */
export function loadPortalFiles(dir = portalStaticDir()): Map<string, PortalFile> {
  if (!existsSync(dir)) throw new Error(`The customer portal's files are missing at ${dir}: ship libs/self-service/portal/static beside dist/ (docker/Dockerfile copies it)`);
  const files = new Map<string, PortalFile>();
  for (const name of readdirSync(dir)) {
    const type = CONTENT_TYPES[path.extname(name)];
    if (!type) continue;
    const body = readFileSync(path.join(dir, name));
    files.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"` });
  }
  if (!files.has('index.html')) throw new Error(`${dir} has no index.html: the portal's files must be beside dist/ (docker/Dockerfile copies them)`);
  return files;
}

/**
 * GET /portal (and /portal/): the customer portal, one page; /portal/<file>: its scripts and styles. No key: the
 * page signs the customer in and calls /v1 with the session token. Files are kept in memory and revalidated by
 * ETag on every load (`no-cache`): there is no build step to fingerprint them, and a 304 costs next to nothing.
 */
@ApiExcludeController()
@Public()
@Controller('portal')
export class PortalController {
  private readonly files = loadPortalFiles();

  @Get()
  page(@Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    this.send('index.html', ifNoneMatch, reply);
  }

  /**
   * `/portal/` (the page again) and `/portal/<file>`. A wildcard: Nest drops a route's trailing slash, and Fastify's
   * router gives no parameter an empty value, so `/portal/` reaches no other route.
   */
  @Get('*')
  file(@Param('*') file: string | undefined, @Headers('if-none-match') ifNoneMatch: string | undefined, @Res() reply: FastifyReply) {
    this.send(file ? file : 'index.html', ifNoneMatch, reply);
  }

  private send(name: string, ifNoneMatch: string | undefined, reply: FastifyReply): void {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException(`No such file of the portal: ${name}`);
    void reply
      .header('content-type', file.type)
      .header('cache-control', 'no-cache')
      .header('etag', file.etag)
      .header('content-security-policy', PORTAL_CSP)
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin');
    if (ifNoneMatch !== undefined && ifNoneMatch.split(',').some((tag) => tag.trim() === file.etag)) {
      void reply.code(304).send();
      return;
    }
    void reply.code(200).send(file.body);
  }
}
