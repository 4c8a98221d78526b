import { CanActivate, ExecutionContext, Injectable, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { getMetadataStorage } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { ErrorDetail, InvalidInputError } from '../../shared-kernel/errors';

/**
 * Query parameters every `/v1` route takes besides its own. None yet: `asOf` and `asOfPosition` are taken only by
 * the routes that declare them (`@Query('asOf')`), so elsewhere they are refused rather than silently ignored.
 */
export const APP_WIDE_QUERY_PARAMETERS: ReadonlySet<string> = new Set<string>();

/** What a handler takes: these names, or anything (it reads the whole query and its names could not be told). */
export type DeclaredQuery = ReadonlySet<string> | 'any';

/**
 * Unknown query parameters answer 400 naming each (`details: [{ field, rule: 'unknownParameter', message }]`), as
 * unknown body fields do (issue 21, Must have 6): a misspelt `?limt=5` or an `?asOf=` on a route without time travel
 * is the client's mistake, not something to ignore. The parameters a route takes are the ones its handler declares
 * with `@Query('name')`, read from Nest's route-argument metadata, plus APP_WIDE_QUERY_PARAMETERS. A handler taking
 * the whole query (`@Query()`) takes the properties of its DTO class (class-validator's metadata), or anything when
 * they cannot be read (a plain object, an interface). Only `/v1` routes (the JSON API) are checked: the portal's page
 * (`/portal?tenant=…`), `/health` and the documentation are not an API of parameters.
 *
 * A guard, not an interceptor (decision 0025): it only refuses, and Nest wraps each interceptor of a route in an
 * rxjs `defer` and an `AsyncResource.bind` on every request. It is registered after the API-key guard, so a request
 * without a valid key is still 401 first.
 */
@Injectable()
export class QueryParametersGuard implements CanActivate {
  private readonly declared = new WeakMap<object, DeclaredQuery>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const query = request.query;
    if (query === null || typeof query !== 'object' || !request.url.startsWith('/v1/')) return true;
    const given = Object.keys(query);
    if (given.length === 0) return true;
    const handler = context.getHandler();
    let allowed = this.declared.get(handler);
    if (allowed === undefined) {
      allowed = declaredQueryParameters(context.getClass(), handler);
      this.declared.set(handler, allowed);
    }
    const unknown = unknownParameters(given, allowed);
    if (unknown.length > 0) throw unknownParametersError(unknown, allowed);
    return true;
  }
}

/** The names `given` has that the route does not take. */
export function unknownParameters(given: readonly string[], allowed: DeclaredQuery): string[] {
  if (allowed === 'any') return [];
  return given.filter((name) => !allowed.has(name) && !APP_WIDE_QUERY_PARAMETERS.has(name));
}

export function unknownParametersError(unknown: readonly string[], allowed: DeclaredQuery): InvalidInputError {
  const takes = allowed === 'any' ? [] : [...allowed, ...APP_WIDE_QUERY_PARAMETERS].sort();
  const known = takes.length === 0 ? 'this route takes no query parameters' : `this route takes ${takes.join(', ')}`;
  const details: ErrorDetail[] = unknown.map((name) => ({ field: name, rule: 'unknownParameter', message: `${name} is not a known query parameter (${known})` }));
  return new InvalidInputError(details.map((detail) => detail.message).join('; '), details);
}

interface RouteArgument {
  index: number;
  data?: unknown;
}

/**
 * The query parameters a handler declares: Nest keeps each `@Query(...)` of a handler in ROUTE_ARGS_METADATA on the
 * controller class, under the handler's name, keyed `<RouteParamtypes.QUERY>:<argument index>`.
 */
export function declaredQueryParameters(controller: Type<unknown> | Function, handler: Function): DeclaredQuery {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, RouteArgument>;
  const names = new Set<string>();
  for (const [key, argument] of Object.entries(args)) {
    if (key.split(':')[0] !== String(RouteParamtypes.QUERY)) continue;
    if (typeof argument.data === 'string') {
      names.add(argument.data);
      continue;
    }
    // `@Query()`: the whole query, typed by a DTO whose properties are the parameters, if they can be read.
    const types = (Reflect.getMetadata('design:paramtypes', (controller as { prototype: object }).prototype, handler.name) ?? []) as unknown[];
    const properties = dtoProperties(types[argument.index]);
    if (properties === undefined) return 'any';
    properties.forEach((property) => names.add(property));
  }
  return names;
}

/** The properties class-validator knows of a DTO class (those with a validation decorator), or undefined. */
function dtoProperties(type: unknown): string[] | undefined {
  if (typeof type !== 'function' || [Object, String, Number, Boolean, Array].includes(type as never)) return undefined;
  const metadata = getMetadataStorage().getTargetValidationMetadatas(type as Function, '', true, false);
  const properties = [...new Set(metadata.map((entry) => entry.propertyName))];
  return properties.length > 0 ? properties : undefined;
}
