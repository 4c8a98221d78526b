import { AsyncResource } from 'node:async_hooks';

/**
 * Gives `AsyncResource#bind` the behaviour it has from Node 24 on, where DEP0172 reached its end of life
 * (nodejs/node#58618): the bound function no longer carries the deprecated `asyncResource` property.
 *
 * Why: on Node 20 and 22 every bind defines that property with two `util.deprecate` wrappers, which set the
 * prototypes of new functions (nodejs/node#58218), and Fastify binds once for every request with a body (its
 * content-type parser) and Nest twice for every request through an interceptor (the idempotency interceptor on
 * every command route). A bare Fastify POST spent about 45 µs of CPU on it of 90 in all (decision 0032).
 * Nothing here reads the property, and a runtime that no longer adds it is left alone.
 */
export function bindWithoutDeprecatedProperty(): void {
  const probe = new AsyncResource('probe').bind(() => undefined);
  if (!Object.prototype.hasOwnProperty.call(probe, 'asyncResource')) return;
  AsyncResource.prototype.bind = function bind(this: AsyncResource, fn: (...args: unknown[]) => unknown, thisArg?: unknown) {
    if (typeof fn !== 'function') throw new TypeError(`The "fn" argument must be of type function. Received ${typeof fn}`);
    const resource = this;
    const bound =
      thisArg === undefined
        ? function (this: unknown, ...args: unknown[]) {
            return resource.runInAsyncScope(fn, this, ...args);
          }
        : resource.runInAsyncScope.bind(resource, fn, thisArg);
    Object.defineProperty(bound, 'length', { configurable: true, enumerable: false, value: fn.length, writable: false });
    return bound;
  } as AsyncResource['bind'];
}
