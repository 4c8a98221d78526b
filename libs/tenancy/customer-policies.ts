import { CustomerPolicy } from '../platform/http/customer-access';
import { ForbiddenError, NotFoundError, RuleViolationError } from '../shared-kernel/errors';
import { selfServiceRules, TenantSettings } from './domain/tenant-settings';

/**
 * What a customer may ask of the routes it shares with the tenant's API key (issue 20, DOMAIN.md §11): the
 * tenant's self-service rules (settings.selfService), and no say over what only an operator decides. Each is a
 * `@CustomerMay(accountOf, ...policies)` argument; the guard runs them for sessions only, before anything is read
 * or written, so a refusal writes nothing.
 */

const rulesOf = (settings: unknown) => selfServiceRules(settings as TenantSettings | undefined);

/** `body[field]` names a plan the tenant offers to customers; any other is answered as if it did not exist. */
export function offeredPlan(field: string): CustomerPolicy {
  return ({ body, settings }) => {
    const planId = body[field];
    const { planIds } = rulesOf(settings);
    if (typeof planId === 'string' && planIds !== null && !planIds.includes(planId)) throw new NotFoundError('Plan', planId);
  };
}

/**
 * Fields only an operator may set: the tenant's company-wide rules (proration) apply to customers, and a
 * customer cannot back-date, move bill days, group or dun its own plans.
 */
export function operatorOnly(...fields: string[]): CustomerPolicy {
  return ({ body }) => {
    const given = fields.find((field) => body[field] !== undefined);
    if (given !== undefined) {
      throw ForbiddenError.forField(given, 'operatorOnly', `${given} is set by the tenant's rules or its operators, not by customers: leave it out`);
    }
  };
}

/** The payment-method type (`body.type`) is one the tenant takes from customers. */
export const acceptedPaymentMethodType: CustomerPolicy = ({ body, settings }) => {
  const { paymentMethodTypes } = rulesOf(settings);
  if (typeof body.type === 'string' && !(paymentMethodTypes as string[]).includes(body.type)) {
    const allowed = paymentMethodTypes.length > 0 ? `it takes ${paymentMethodTypes.join(', ')}` : 'it takes none';
    const message = `type ${body.type} is not accepted from customers here: ${allowed}`;
    throw new RuleViolationError(message, [{ field: 'type', rule: 'paymentMethodTypeNotAccepted', message }]);
  }
};

/** The tenant lets customers order one-time items. */
export const orderingOffered: CustomerPolicy = ({ settings }) => {
  if (!rulesOf(settings).ordering) throw new ForbiddenError('Ordering is not offered to customers here: ask your provider');
};

/** A customer pays with its own payment method; recording money received elsewhere is an operator's. */
export const paysWithPaymentMethod: CustomerPolicy = ({ body }) => {
  if (body.source !== undefined && body.source !== 'paymentMethod') {
    throw ForbiddenError.forField('source', 'operatorOnly', 'source must be paymentMethod: customers pay with a payment method of their account');
  }
};

/** The plans customers may see, or null for every plan. */
export function offeredPlanIds(settings: unknown): string[] | null {
  return rulesOf(settings).planIds;
}

/** The plans a customer may see: every plan, or the tenant's list. */
export function customerMaySeePlan(settings: unknown, planId: string): boolean {
  const { planIds } = rulesOf(settings);
  return planIds === null || planIds.includes(planId);
}
