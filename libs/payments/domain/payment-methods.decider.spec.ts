import { fold } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { AddPaymentMethod, PaymentMethodsCommand, RemovePaymentMethod, SetDefaultPaymentMethod } from './payment-methods.commands';
import { defaultPaymentMethod, paymentMethods, paymentMethodsDecider, paymentMethodsStream } from './payment-methods.decider';
import { DefaultPaymentMethodChanged, PaymentMethodAdded, PaymentMethodRemoved, PaymentMethodsEvent } from './payment-methods.events';

const spec = specFor(paymentMethodsDecider);

const LAST4: Record<string, string> = { 'pm-1': '4242', 'pm-2': '0002', 'pm-3': '9995' };

const add = (paymentMethodId: string, data: Partial<AddPaymentMethod['data']> = {}): AddPaymentMethod => ({
  type: 'AddPaymentMethod',
  data: { accountId: 'acct-1', paymentMethodId, type: 'card', token: 'tok_approve', last4: LAST4[paymentMethodId] ?? '4242', ...data },
});
const remove = (paymentMethodId: string): RemovePaymentMethod => ({ type: 'RemovePaymentMethod', data: { accountId: 'acct-1', paymentMethodId } });
const setDefault = (paymentMethodId: string): SetDefaultPaymentMethod => ({
  type: 'SetDefaultPaymentMethod',
  data: { accountId: 'acct-1', paymentMethodId },
});

const added = (paymentMethodId: string, data: Partial<PaymentMethodAdded['data']> = {}): PaymentMethodAdded => ({
  type: 'PaymentMethodAdded',
  data: { accountId: 'acct-1', paymentMethodId, type: 'card', token: 'tok_approve', last4: LAST4[paymentMethodId] ?? '4242', ...data },
});
const removed = (paymentMethodId: string, wasDefault: boolean): PaymentMethodRemoved => ({
  type: 'PaymentMethodRemoved',
  data: { accountId: 'acct-1', paymentMethodId, type: 'card', last4: LAST4[paymentMethodId] ?? '4242', wasDefault },
});
const defaultChanged = (from: string | null, to: string | null, cause: DefaultPaymentMethodChanged['data']['cause']): DefaultPaymentMethodChanged => ({
  type: 'DefaultPaymentMethodChanged',
  data: { accountId: 'acct-1', from, to, toType: to === null ? null : 'card', toLast4: to === null ? null : (LAST4[to] ?? '4242'), cause },
});

/** pm-1 (default) and pm-2 on file. */
const twoMethods: PaymentMethodsEvent[] = [added('pm-1'), defaultChanged(null, 'pm-1', 'added'), added('pm-2')];

const stateAfter = (events: PaymentMethodsEvent[]) => fold(paymentMethodsDecider, events);

function invalidFields(command: PaymentMethodsCommand, given: PaymentMethodsEvent[] = []): string[][] {
  return spec.given(given).when(command).thenThrows(InvalidInputError).details.map((d) => [d.field, d.rule]);
}

describe('paymentMethodsStream', () => {
  it('is one stream per account, tenant first', () => {
    expect(paymentMethodsStream('t1', 'acct-1')).toBe('paymentMethods-t1.acct-1');
  });
});

describe('AddPaymentMethod', () => {
  it('makes the first method the default', () => {
    spec.given([]).when(add('pm-1')).then([added('pm-1'), defaultChanged(null, 'pm-1', 'added')]);
  });

  it('makes the first method the default even with makeDefault false', () => {
    spec.given([]).when(add('pm-1', { makeDefault: false })).then([added('pm-1'), defaultChanged(null, 'pm-1', 'added')]);
  });

  it('makes a later method the default by default, naming the one it replaces', () => {
    spec.given(twoMethods).when(add('pm-3')).then([added('pm-3'), defaultChanged('pm-1', 'pm-3', 'added')]);
  });

  it('keeps the default with makeDefault false', () => {
    spec.given(twoMethods).when(add('pm-3', { makeDefault: false })).then([added('pm-3')]);
  });

  it('keeps an account on net terms with makeDefault false when other methods are on file', () => {
    const given = [...twoMethods, removed('pm-1', true), defaultChanged('pm-1', null, 'removed')];
    spec.given(given).when(add('pm-3', { makeDefault: false })).then([added('pm-3')]);
  });

  it('makes a method the default again when it is the only one on file after all were removed', () => {
    const given = [added('pm-1'), defaultChanged(null, 'pm-1', 'added'), removed('pm-1', true), defaultChanged('pm-1', null, 'removed')];
    spec.given(given).when(add('pm-2', { makeDefault: false })).then([added('pm-2'), defaultChanged(null, 'pm-2', 'added')]);
  });

  it('records a bank debit mandate and trims the token', () => {
    spec
      .given([])
      .when(add('pm-1', { type: 'bankDebit', token: ' tok_approve ', makeDefault: null }))
      .then([added('pm-1', { type: 'bankDebit' }), { type: 'DefaultPaymentMethodChanged', data: { ...defaultChanged(null, 'pm-1', 'added').data, toType: 'bankDebit' } }]);
  });

  it('decides nothing for the same id with the same content, whatever makeDefault says', () => {
    spec.given(twoMethods).when(add('pm-2')).then([]);
    spec.given(twoMethods).when(add('pm-2', { makeDefault: false })).then([]);
  });

  it('refuses the same id with other content, naming what differs', () => {
    const error = spec
      .given(twoMethods)
      .when(add('pm-2', { token: 'tok_decline', last4: '1111' }))
      .thenThrows(ConflictError, /payment method pm-2 already exists with a different token, last4/);
    expect(error.details.map((d) => [d.field, d.rule])).toEqual([
      ['token', 'sameAsRecorded'],
      ['last4', 'sameAsRecorded'],
    ]);
    spec.given(twoMethods).when(add('pm-2', { type: 'bankDebit' })).thenThrows(ConflictError, /different type/);
  });

  it('refuses the id of a removed method: an id names one method', () => {
    const given = [...twoMethods, removed('pm-2', false)];
    const error = spec.given(given).when(add('pm-2')).thenThrows(ConflictError, /payment method pm-2 was removed/);
    expect(error.details[0]).toMatchObject({ field: 'paymentMethodId', rule: 'notRemoved' });
  });

  it('refuses an unknown type, naming the allowed ones', () => {
    const error = spec.given([]).when(add('pm-1', { type: 'paypal' as never })).thenThrows(InvalidInputError, /type must be one of card, bankDebit/);
    expect(error.details).toEqual([expect.objectContaining({ field: 'type', rule: 'oneOf' })]);
  });

  it.each([
    ['missing', undefined, 'required'],
    ['a number', 42, 'type'],
    ['blank', '   ', 'notBlank'],
    ['with a space', 'tok approve', 'token'],
    ['not ASCII', 'tok_\u00e9', 'token'],
    ['256 characters', 't'.repeat(256), 'maxLength'],
  ])('refuses a token %s (rule %s)', (_label, token, rule) => {
    expect(invalidFields(add('pm-1', { token: token as string }))).toEqual([['token', rule]]);
  });

  it('accepts a real processor token of the maximum length', () => {
    const token = `pm_${'A1'.repeat(126)}`; // 255 characters
    spec.given([]).when(add('pm-1', { token })).then([added('pm-1', { token }), defaultChanged(null, 'pm-1', 'added')]);
  });

  it.each(['424', '42424', 'abcd', ''])('refuses last4 %j', (last4) => {
    const fields = invalidFields(add('pm-1', { last4 }));
    expect(fields).toHaveLength(1);
    expect(fields[0][0]).toBe('last4');
  });

  it('reports every invalid field at once', () => {
    const command = add('bad id', { accountId: '', type: 'cash' as never, token: '', last4: 'x', makeDefault: 'yes' as never });
    expect(invalidFields(command).map(([field]) => field)).toEqual(['accountId', 'paymentMethodId', 'type', 'token', 'last4', 'makeDefault']);
  });
});

describe('RemovePaymentMethod', () => {
  it('removes a method that is not the default and keeps the default', () => {
    spec.given(twoMethods).when(remove('pm-2')).then([removed('pm-2', false)]);
  });

  it('removes the default and leaves no default: the account is on net terms', () => {
    const events = spec.given(twoMethods).when(remove('pm-1')).then([removed('pm-1', true), defaultChanged('pm-1', null, 'removed')]);
    const state = stateAfter([...twoMethods, ...events]);
    expect(defaultPaymentMethod(state)).toBeNull();
    expect(paymentMethods(state).map((m) => m.id)).toEqual(['pm-2']);
  });

  it('decides nothing when the method was already removed', () => {
    spec.given([...twoMethods, removed('pm-2', false)]).when(remove('pm-2')).then([]);
  });

  it('refuses an unknown id', () => {
    spec.given(twoMethods).when(remove('pm-9')).thenThrows(NotFoundError, /Payment method pm-9 was not found/);
  });

  it('refuses an invalid id, naming the field', () => {
    expect(invalidFields(remove('a/b'), twoMethods)).toEqual([['paymentMethodId', 'id']]);
  });
});

describe('SetDefaultPaymentMethod', () => {
  it('moves the default, naming both methods', () => {
    spec.given(twoMethods).when(setDefault('pm-2')).then([defaultChanged('pm-1', 'pm-2', 'setDefault')]);
  });

  it('gives an account on net terms a default again', () => {
    const given = [...twoMethods, removed('pm-1', true), defaultChanged('pm-1', null, 'removed')];
    spec.given(given).when(setDefault('pm-2')).then([defaultChanged(null, 'pm-2', 'setDefault')]);
  });

  it('decides nothing when the method already is the default', () => {
    spec.given(twoMethods).when(setDefault('pm-1')).then([]);
  });

  it('refuses an unknown or removed id', () => {
    spec.given(twoMethods).when(setDefault('pm-9')).thenThrows(NotFoundError, /pm-9 was not found/);
    spec.given([...twoMethods, removed('pm-2', false)]).when(setDefault('pm-2')).thenThrows(NotFoundError, /pm-2 was not found/);
  });
});

describe('state and defaultPaymentMethod', () => {
  it('is null before any method: a new account is on net terms', () => {
    expect(defaultPaymentMethod(paymentMethodsDecider.initialState)).toBeNull();
    expect(paymentMethods(paymentMethodsDecider.initialState)).toEqual([]);
  });

  it('holds the methods by id, oldest first, with the default and its token', () => {
    const state = stateAfter([...twoMethods, added('pm-3', { token: 'tok_insufficient_funds' }), defaultChanged('pm-1', 'pm-3', 'added')]);
    expect(paymentMethods(state).map((m) => m.id)).toEqual(['pm-1', 'pm-2', 'pm-3']);
    expect(defaultPaymentMethod(state)).toEqual({ id: 'pm-3', type: 'card', token: 'tok_insufficient_funds', last4: '9995' });
    expect(state.methods.get('pm-2')?.last4).toBe('0002');
  });

  it('never leaves the default on a removed method, whatever order the events come in', () => {
    expect(defaultPaymentMethod(stateAfter([...twoMethods, removed('pm-1', true)]))).toBeNull();
  });

  it('does not change the state it folds from', () => {
    const before = stateAfter(twoMethods);
    stateAfter([...twoMethods, removed('pm-1', true)]);
    paymentMethodsDecider.evolve(before, removed('pm-2', false));
    expect(paymentMethods(before).map((m) => m.id)).toEqual(['pm-1', 'pm-2']);
    expect(before.removedIds.size).toBe(0);
    expect(paymentMethodsDecider.initialState.methods.size).toBe(0);
  });
});
