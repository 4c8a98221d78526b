import { GUARDS_METADATA, INTERCEPTORS_METADATA } from '@nestjs/common/constants';
import { INestApplication } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import { Access, ACCESS } from '../access';
import { CUSTOMER_ACCESS } from '../customer-access';
import { IdempotencyInterceptor } from '../idempotency.interceptor';
import { MinPositionGuard } from '../min-position.guard';
import { RouteFacts } from './openapi';

/**
 * What each route declares (its access marker, `@CustomerMay`, the X-Min-Position guard, the Idempotency-Key interceptor), by Nest's default
 * operation id `<Controller>_<method>`, read from the same metadata Nest reads.
 */
export function routeFactsOf(app: INestApplication): Map<string, RouteFacts> {
  const facts = new Map<string, RouteFacts>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const prototype = controller.prototype as Record<string, unknown>;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[method];
        if (method === 'constructor' || typeof handler !== 'function') continue;
        const interceptors = [...(Reflect.getMetadata(INTERCEPTORS_METADATA, controller) ?? []), ...(Reflect.getMetadata(INTERCEPTORS_METADATA, handler) ?? [])];
        const guards = [...(Reflect.getMetadata(GUARDS_METADATA, controller) ?? []), ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])];
        facts.set(`${controller.name}_${method}`, {
          access: (Reflect.getMetadata(ACCESS, handler) ?? Reflect.getMetadata(ACCESS, controller) ?? 'tenant') as Access,
          customerMay: (Reflect.getMetadata(CUSTOMER_ACCESS, handler) ?? Reflect.getMetadata(CUSTOMER_ACCESS, controller)) !== undefined,
          minPosition: guards.includes(MinPositionGuard),
          idempotent: interceptors.includes(IdempotencyInterceptor),
        });
      }
    }
  }
  return facts;
}
