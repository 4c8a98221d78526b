import { assertNever, Decider } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { streamName } from '../../shared-kernel/streams';
import { matching, validateAll } from '../../shared-kernel/validation';
import {
  AddPaymentMethod,
  PAYMENT_METHOD_TYPES,
  PaymentMethodType,
  PaymentMethodsCommand,
  RemovePaymentMethod,
  SetDefaultPaymentMethod,
} from './payment-methods.commands';
import { DefaultPaymentMethodChangeCause, DefaultPaymentMethodChanged, PaymentMethodsEvent } from './payment-methods.events';
import { differingFields, duplicateConflict, flag, id, oneOf } from './receivables.input';

/** A method on file: what the gateway charges (`token`) and what people see (`type`, `last4`). */
export interface PaymentMethod {
  id: string;
  type: PaymentMethodType;
  token: string;
  last4: string;
}

export interface PaymentMethodsState {
  /** The methods on file, in the order they were added. */
  methods: ReadonlyMap<string, PaymentMethod>;
  /** null: no default, the account is on net terms (DOMAIN.md §8). */
  defaultPaymentMethodId: string | null;
  /** Ids of removed methods: an id names one method for good, so it is never reused for another. */
  removedIds: ReadonlySet<string>;
}

export const initialPaymentMethodsState: PaymentMethodsState = { methods: new Map(), defaultPaymentMethodId: null, removedIds: new Set() };

/** Gateway tokens are opaque: printable ASCII without spaces (Stripe `pm_…`, Adyen and Braintree ids, `tok_…`). */
const TOKEN = /^[\x21-\x7e]+$/;
const TOKEN_MAX_LENGTH = 255;
const LAST4 = /^[0-9]{4}$/;

export const paymentMethodsDecider: Decider<PaymentMethodsCommand, PaymentMethodsEvent, PaymentMethodsState> = {
  initialState: initialPaymentMethodsState,
  decide(command, state) {
    switch (command.type) {
      case 'AddPaymentMethod':
        return addPaymentMethod(command.data, state);
      case 'RemovePaymentMethod':
        return removePaymentMethod(command.data, state);
      case 'SetDefaultPaymentMethod':
        return setDefaultPaymentMethod(command.data, state);
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'PaymentMethodAdded': {
        const { paymentMethodId, type, token, last4 } = event.data;
        const methods = new Map(state.methods).set(paymentMethodId, { id: paymentMethodId, type, token, last4 });
        return { ...state, methods };
      }
      case 'PaymentMethodRemoved': {
        const methods = new Map(state.methods);
        methods.delete(event.data.paymentMethodId);
        const removedIds = new Set(state.removedIds).add(event.data.paymentMethodId);
        // A default never points at a removed method, whatever order the events come in.
        const defaultPaymentMethodId = state.defaultPaymentMethodId === event.data.paymentMethodId ? null : state.defaultPaymentMethodId;
        return { methods, defaultPaymentMethodId, removedIds };
      }
      case 'DefaultPaymentMethodChanged':
        return { ...state, defaultPaymentMethodId: event.data.to };
      default:
        return assertNever(event);
    }
  },
};

export function paymentMethodsStream(tenantId: string, accountId: string): string {
  return streamName('paymentMethods', tenantId, accountId);
}

/**
 * The method automatic collection charges, or null: an account with no default payment method is on net terms
 * (it is invoiced and pays by other means; nothing is charged). Removing the default leads here too: no other
 * method is promoted behind the customer's back.
 */
export function defaultPaymentMethod(state: PaymentMethodsState): PaymentMethod | null {
  const defaultId = state.defaultPaymentMethodId;
  return defaultId === null ? null : (state.methods.get(defaultId) ?? null);
}

/** The methods on file, oldest first. */
export function paymentMethods(state: PaymentMethodsState): PaymentMethod[] {
  return [...state.methods.values()];
}

function addPaymentMethod(data: AddPaymentMethod['data'], state: PaymentMethodsState): PaymentMethodsEvent[] {
  const input = validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    paymentMethodId: () => id(data.paymentMethodId, 'paymentMethodId'),
    type: () => oneOf(data.type, 'type', PAYMENT_METHOD_TYPES),
    token: () => token(data.token),
    last4: () => matching(data.last4, 'last4', { pattern: LAST4, maxLength: 4, rule: 'last4', allowed: 'the last 4 digits of the card or account number' }),
    makeDefault: () => (data.makeDefault === undefined || data.makeDefault === null ? true : flag(data.makeDefault, 'makeDefault')),
  });
  const { accountId, paymentMethodId, type, last4 } = input;

  const recorded = state.methods.get(paymentMethodId);
  if (recorded !== undefined) {
    // A repeat decides nothing (makeDefault included: the default is changed with SetDefaultPaymentMethod).
    const differing = differingFields({ ...recorded }, { type, token: input.token, last4 });
    if (differing.length === 0) return [];
    throw duplicateConflict('payment method', paymentMethodId, differing);
  }
  if (state.removedIds.has(paymentMethodId)) {
    const message = `payment method ${paymentMethodId} was removed: an id names one payment method; use a new id for a new one`;
    throw new ConflictError(message, [{ field: 'paymentMethodId', rule: 'notRemoved', message }]);
  }

  const events: PaymentMethodsEvent[] = [{ type: 'PaymentMethodAdded', data: { accountId, paymentMethodId, type, token: input.token, last4 } }];
  // The first method on file becomes the default whatever makeDefault says: an account that adds its only card
  // means to pay by it. With other methods on file, makeDefault false keeps the default as it is (even none).
  if (input.makeDefault || state.methods.size === 0) {
    events.push(defaultChanged(accountId, state.defaultPaymentMethodId, { id: paymentMethodId, type, last4 }, 'added'));
  }
  return events;
}

/** Removing a removed method again decides nothing, so a retried DELETE is harmless. */
function removePaymentMethod(data: RemovePaymentMethod['data'], state: PaymentMethodsState): PaymentMethodsEvent[] {
  const { accountId, paymentMethodId } = validateIds(data);
  const method = state.methods.get(paymentMethodId);
  if (method === undefined) {
    if (state.removedIds.has(paymentMethodId)) return [];
    throw new NotFoundError('Payment method', paymentMethodId);
  }
  const wasDefault = state.defaultPaymentMethodId === paymentMethodId;
  const events: PaymentMethodsEvent[] = [
    { type: 'PaymentMethodRemoved', data: { accountId, paymentMethodId, type: method.type, last4: method.last4, wasDefault } },
  ];
  // No other method is promoted: the account is on net terms until someone chooses a new default.
  if (wasDefault) events.push(defaultChanged(accountId, paymentMethodId, null, 'removed'));
  return events;
}

/** Choosing the current default again decides nothing. */
function setDefaultPaymentMethod(data: SetDefaultPaymentMethod['data'], state: PaymentMethodsState): PaymentMethodsEvent[] {
  const { accountId, paymentMethodId } = validateIds(data);
  const method = state.methods.get(paymentMethodId);
  if (method === undefined) throw new NotFoundError('Payment method', paymentMethodId);
  if (state.defaultPaymentMethodId === paymentMethodId) return [];
  return [defaultChanged(accountId, state.defaultPaymentMethodId, method, 'setDefault')];
}

function defaultChanged(
  accountId: string,
  from: string | null,
  to: Pick<PaymentMethod, 'id' | 'type' | 'last4'> | null,
  cause: DefaultPaymentMethodChangeCause,
): DefaultPaymentMethodChanged {
  return {
    type: 'DefaultPaymentMethodChanged',
    data: { accountId, from, to: to?.id ?? null, toType: to?.type ?? null, toLast4: to?.last4 ?? null, cause },
  };
}

function validateIds(data: { accountId: unknown; paymentMethodId: unknown }): { accountId: string; paymentMethodId: string } {
  return validateAll({
    accountId: () => id(data.accountId, 'accountId'),
    paymentMethodId: () => id(data.paymentMethodId, 'paymentMethodId'),
  });
}

function token(value: unknown): string {
  if (typeof value === 'string' && value.length > TOKEN_MAX_LENGTH) {
    throw InvalidInputError.forField('token', 'maxLength', `token must be at most ${TOKEN_MAX_LENGTH} characters`);
  }
  return matching(value, 'token', {
    pattern: TOKEN,
    maxLength: TOKEN_MAX_LENGTH,
    rule: 'token',
    allowed: 'a payment gateway token: printable characters without spaces, such as tok_approve',
  });
}
