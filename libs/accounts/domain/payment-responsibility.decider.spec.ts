import { InvalidInputError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { payersNamed } from './payment-responsibility';
import { PaymentResponsibilityCommand, paymentResponsibilityDecider, withDefaults } from './payment-responsibility.decider';

const spec = specFor(paymentResponsibilityDecider);
const payers = { parent: { currency: 'USD' }, child: { currency: 'USD' }, euro: { currency: 'EUR' }, ghost: null };
const set = (responsibility: unknown, accountCurrency: string | null = 'USD'): PaymentResponsibilityCommand => ({
  type: 'SetPaymentResponsibility',
  data: { accountId: 'child', accountCurrency, responsibility, payers },
});

describe('Payment responsibility decider', () => {
  it('sets "parent pays recurring, child pays usage" in one setting', () => {
    spec
      .given([])
      .when(set({ recurring: [{ payerAccountId: 'parent', percent: '100' }] }))
      .then([{ type: 'PaymentResponsibilitySet', data: { accountId: 'child', responsibility: { recurring: [{ payerAccountId: 'parent', percent: '100' }] } } }]);
    expect(withDefaults('child', { recurring: [{ payerAccountId: 'parent', percent: '100' }] })).toEqual({
      recurring: [{ payerAccountId: 'parent', percent: '100' }],
      usage: [{ payerAccountId: 'child', percent: '100' }],
      oneTime: [{ payerAccountId: 'child', percent: '100' }],
      fees: [{ payerAccountId: 'child', percent: '100' }],
    });
  });

  it('splits a class between payers by percentages that sum to exactly 100, normalising the numbers', () => {
    spec
      .given([])
      .when(set({ usage: [{ payerAccountId: 'parent', percent: '60.00' }, { payerAccountId: 'child', percent: '40' }] }))
      .then([
        {
          type: 'PaymentResponsibilitySet',
          data: { accountId: 'child', responsibility: { usage: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'child', percent: '40' }] } },
        },
      ]);
    spec.given([]).when(set({ fees: [{ payerAccountId: 'parent', percent: '33.3333' }, { payerAccountId: 'child', percent: '66.6667' }] })).then([
      {
        type: 'PaymentResponsibilitySet',
        data: { accountId: 'child', responsibility: { fees: [{ payerAccountId: 'parent', percent: '33.3333' }, { payerAccountId: 'child', percent: '66.6667' }] } },
      },
    ]);
  });

  it('writes nothing when the setting does not change (an explicit "self pays 100" equals the default)', () => {
    const current = { type: 'PaymentResponsibilitySet' as const, data: { accountId: 'child', responsibility: { recurring: [{ payerAccountId: 'parent', percent: '100' }] } } };
    spec.given([current]).when(set({ recurring: [{ payerAccountId: 'parent', percent: '100' }] })).then([]);
    spec.given([]).when(set({ usage: [{ payerAccountId: 'child', percent: '100' }] })).then([]);
    spec.given([current]).when(set({})).then([{ type: 'PaymentResponsibilitySet', data: { accountId: 'child', responsibility: {} } }]);
  });

  it.each([
    ['shares not summing to 100', { usage: [{ payerAccountId: 'parent', percent: '60' }, { payerAccountId: 'child', percent: '30' }] }, 'usage', 'sumsTo100'],
    ['an empty list', { usage: [] }, 'usage', 'nonEmptyList'],
    ['a zero share', { usage: [{ payerAccountId: 'parent', percent: '0' }, { payerAccountId: 'child', percent: '100' }] }, 'usage[0].percent', 'percent'],
    ['a share above 100', { usage: [{ payerAccountId: 'parent', percent: '101' }] }, 'usage[0].percent', 'percent'],
    ['a percent that is not a decimal', { usage: [{ payerAccountId: 'parent', percent: '1e2' }] }, 'usage[0].percent', 'decimal'],
    ['a payer twice', { usage: [{ payerAccountId: 'parent', percent: '50' }, { payerAccountId: 'parent', percent: '50' }] }, 'usage[1].payerAccountId', 'unique'],
    ['a malformed payer id', { usage: [{ payerAccountId: 'a b', percent: '100' }] }, 'usage[0].payerAccountId', 'id'],
    ['an unknown charge class', { rent: [{ payerAccountId: 'parent', percent: '100' }] }, 'rent', 'unknownField'],
    ['an unknown field in a share', { usage: [{ payerAccountId: 'parent', percent: '100', note: 'x' }] }, 'usage[0].note', 'unknownField'],
  ])('refuses %s (400 naming the field)', (_name, responsibility, field, rule) => {
    const error = spec.given([]).when(set(responsibility)).thenThrows(InvalidInputError);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('refuses a payer that does not exist or bills in another currency (422 naming the payer)', () => {
    const unknown = spec.given([]).when(set({ recurring: [{ payerAccountId: 'ghost', percent: '100' }] })).thenThrows(RuleViolationError);
    expect(unknown.details).toEqual([expect.objectContaining({ field: 'recurring[0].payerAccountId', rule: 'accountExists' })]);
    const euro = spec.given([]).when(set({ recurring: [{ payerAccountId: 'euro', percent: '100' }] })).thenThrows(RuleViolationError, /EUR/);
    expect(euro.details).toEqual([expect.objectContaining({ field: 'recurring[0].payerAccountId', rule: 'sameCurrency' })]);
  });

  it('refuses a setting for an account that does not exist', () => {
    spec.given([]).when(set({}, null)).thenThrows(NotFoundError);
  });

  it('names the payers a setting mentions, once each, so the caller can look them up', () => {
    expect(payersNamed({ recurring: [{ payerAccountId: 'a', percent: '50' }, { payerAccountId: 'b', percent: '50' }], usage: [{ payerAccountId: 'a', percent: '100' }], fees: 'x' })).toEqual(['a', 'b']);
    expect(payersNamed(null)).toEqual([]);
  });
});
