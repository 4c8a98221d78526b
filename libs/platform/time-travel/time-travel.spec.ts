import { EventStore } from '../event-store/event-store.port';
import { InvalidInputError } from '../../shared-kernel/errors';
import { differingFields, sameJson } from '../audit/audit';
import { parseAsOf, TimeTravel } from './time-travel';

/** The rules of `?asOf` and `?asOfPosition` (decision 0020); test/http/time-travel.e2e.spec.ts checks the answers. */
describe('time travel: what asOf and asOfPosition stand for', () => {
  const tenant = { id: 't1', createdOn: '2024-01-01' };
  // Days started at these positions (the first day, 2024-01-01, was never "started": it is the tenant's first).
  const days = [
    { date: '2024-01-02', position: 10 },
    { date: '2024-01-03', position: 25 },
    { date: '2024-01-05', position: 40 },
  ];
  const timeTravel = new TimeTravel({
    events: { headPosition: async () => 57 } as unknown as EventStore,
    projectors: [],
    businessDays: async () => days,
    today: () => '2024-01-05',
  });
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(() => null, (caught: unknown) => caught);
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).details.map(({ field, rule }) => `${field}:${rule}`);
  };

  it('ends a business day right before the event that started the next one; today ends at the head', async () => {
    expect(await timeTravel.resolve(tenant, { asOf: '2024-01-01' })).toEqual({ position: 9, businessDate: '2024-01-01' });
    expect(await timeTravel.resolve(tenant, { asOf: '2024-01-02' })).toEqual({ position: 24, businessDate: '2024-01-02' });
    // A day with no BusinessDayStarted of its own (a gap in the list) ends where the next day started.
    expect(await timeTravel.resolve(tenant, { asOf: '2024-01-04' })).toEqual({ position: 39, businessDate: '2024-01-04' });
    expect(await timeTravel.resolve(tenant, { asOf: '2024-01-05' })).toEqual({ position: 57, businessDate: '2024-01-05' });
  });

  it('gives a position the business date of the last day started at or before it', async () => {
    expect(await timeTravel.resolve(tenant, { asOfPosition: 9 })).toEqual({ position: 9, businessDate: '2024-01-01' });
    expect(await timeTravel.resolve(tenant, { asOfPosition: 10 })).toEqual({ position: 10, businessDate: '2024-01-02' });
    expect(await timeTravel.resolve(tenant, { asOfPosition: 57 })).toEqual({ position: 57, businessDate: '2024-01-05' });
  });

  it('refuses a date before the tenant, after its business date, a position beyond the log, naming the rule', async () => {
    expect(await refusal(timeTravel.resolve(tenant, { asOf: '2023-12-31' }))).toEqual(['asOf:notBeforeTenant']);
    expect(await refusal(timeTravel.resolve(tenant, { asOf: '2024-01-06' }))).toEqual(['asOf:notAfterBusinessDate']);
    expect(await refusal(timeTravel.resolve(tenant, { asOfPosition: 58 }))).toEqual(['asOfPosition:notBeyondLog']);
  });

  it('parses the parameters: none is a live read; malformed values and both together are refused', async () => {
    expect(parseAsOf({})).toBeNull();
    expect(parseAsOf({ asOf: '2024-02-29' })).toEqual({ asOf: '2024-02-29' });
    expect(parseAsOf({ asOfPosition: '42' })).toEqual({ asOfPosition: 42 });
    expect(await refusal(Promise.resolve().then(() => parseAsOf({ asOf: '2023-02-29' })))).toEqual(['asOf:isoDate']);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '9999999999999999']) {
      expect(await refusal(Promise.resolve().then(() => parseAsOf({ asOfPosition: bad })))).toEqual(['asOfPosition:positiveInteger']);
    }
    expect(await refusal(Promise.resolve().then(() => parseAsOf({ asOf: '2024-01-01', asOfPosition: '3' })))).toEqual(['asOf:exclusive', 'asOfPosition:exclusive']);
  });
});

describe('audit: documents compared field by field', () => {
  it('names the top-level fields that differ; key order inside objects and _position do not count', () => {
    expect(differingFields({ id: 'a', _position: 3, a: { x: 1, y: 2 }, b: [1, 2] }, { id: 'a', _position: 9, a: { y: 2, x: 1 }, b: [1, 2] })).toEqual([]);
    expect(differingFields({ id: 'a', total: 1, lines: [{ amount: 5 }] }, { id: 'a', total: 2, lines: [{ amount: 6 }], extra: null })).toEqual(['extra', 'lines', 'total']);
  });

  it('compares JSON values: fields in any order, undefined as absent, arrays in order, no type coercion', () => {
    expect(sameJson({ a: 1, b: { c: [1, { d: 'x' }] } }, { b: { c: [1, { d: 'x' }] }, a: 1 })).toBe(true);
    expect(sameJson({ a: 1, gone: undefined }, { a: 1 })).toBe(true);
    expect(sameJson({ a: 1 }, { a: 1, gone: undefined })).toBe(true);
    expect(sameJson({ a: null }, {})).toBe(false);
    expect(sameJson({}, { a: null })).toBe(false);
    expect(sameJson([1, 2], [2, 1])).toBe(false);
    expect(sameJson([1, 2], [1, 2, 3])).toBe(false);
    expect(sameJson({ a: '1' }, { a: 1 })).toBe(false);
    expect(sameJson([], {})).toBe(false);
    expect(sameJson({ a: { b: 1 } }, { a: { b: 1, c: 0 } })).toBe(false);
    expect(sameJson(null, {})).toBe(false);
  });
});
