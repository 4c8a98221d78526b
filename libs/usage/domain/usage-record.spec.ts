import { InvalidInputError } from '../../shared-kernel/errors';
import { todayIn } from '../../shared-kernel/calendar-date';
import { occurrenceDate } from './occurrence-date';
import { parseSingleUsage, parseUsageBatch } from './usage-record';

const valid = { accountId: 'acme', serviceId: 'data', quantity: '12.5', occurredAt: '2026-11-03', idempotencyKey: 'evt-1' };

function refusal(body: Record<string, unknown>): { field: string; rule: string } {
  try {
    parseSingleUsage(body, 'UTC');
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    const [detail] = (error as InvalidInputError).details;
    return { field: detail.field, rule: detail.rule };
  }
  throw new Error(`accepted ${JSON.stringify(body)}`);
}

describe('Usage records: input', () => {
  it('accepts a record and normalises its quantity', () => {
    expect(parseSingleUsage(valid, 'UTC')).toEqual({ accountId: 'acme', serviceId: 'data', quantity: '12.5', occurredOn: '2026-11-03', idempotencyKey: 'evt-1' });
    for (const [sent, kept] of [['12.50', '12.5'], ['007', '7'], ['0.1', '0.1'], ['00.0100', '0.01'], ['5.0', '5'], ['0.0000000001', '0.0000000001']]) {
      expect(parseSingleUsage({ ...valid, quantity: sent }, 'UTC').quantity).toBe(kept);
    }
  });

  it('accepts the largest quantity of one record, 10^12', () => {
    expect(parseSingleUsage({ ...valid, quantity: '1000000000000.000' }, 'UTC').quantity).toBe('1000000000000');
  });

  it.each([
    ['a negative quantity', { quantity: '-1' }, 'quantity', 'positive'],
    ['a zero quantity', { quantity: '0' }, 'quantity', 'positive'],
    ['a zero quantity with decimals', { quantity: '0.000' }, 'quantity', 'positive'],
    ['a quantity as a JSON number', { quantity: 12.5 }, 'quantity', 'decimal'],
    ['a non-numeric quantity', { quantity: 'ten' }, 'quantity', 'decimal'],
    ['a quantity in exponent form', { quantity: '1e3' }, 'quantity', 'decimal'],
    ['a quantity with a sign', { quantity: '+1' }, 'quantity', 'decimal'],
    ['a quantity with spaces', { quantity: ' 1' }, 'quantity', 'decimal'],
    ['a quantity with 11 decimals', { quantity: '0.00000000001' }, 'quantity', 'maxDecimals'],
    ['a quantity with 19 integer digits', { quantity: '1234567890123456789' }, 'quantity', 'maxDigits'],
    ['a quantity above 10^12', { quantity: '1000000000000.0000000001' }, 'quantity', 'quantityRange'],
    ['a missing quantity', { quantity: undefined }, 'quantity', 'required'],
    ['an impossible date', { occurredAt: '2026-02-30' }, 'occurredAt', 'isoDateOrInstant'],
    ['an instant without an offset', { occurredAt: '2026-11-03T10:00:00' }, 'occurredAt', 'isoDateOrInstant'],
    ['an hour 24', { occurredAt: '2026-11-03T24:00:00Z' }, 'occurredAt', 'isoDateOrInstant'],
    ['a date as a number', { occurredAt: 20261103 }, 'occurredAt', 'isoDateOrInstant'],
    ['a missing date', { occurredAt: undefined }, 'occurredAt', 'required'],
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey', 'length'],
    ['a 256-character idempotency key', { idempotencyKey: 'k'.repeat(256) }, 'idempotencyKey', 'length'],
    ['an idempotency key as a number', { idempotencyKey: 7 }, 'idempotencyKey', 'length'],
    ['a missing idempotency key', { idempotencyKey: undefined }, 'idempotencyKey', 'required'],
    ['a malformed account id', { accountId: 'a b' }, 'accountId', 'id'],
    ['a missing service id', { serviceId: undefined }, 'serviceId', 'required'],
    ['an unknown field', { unit: 'GB' }, 'unit', 'unknownField'],
  ])('refuses %s (400 naming the field)', (_name, change, field, rule) => {
    expect(refusal({ ...valid, ...change })).toEqual({ field, rule });
  });

  it('accepts a 255-character idempotency key', () => {
    expect(parseSingleUsage({ ...valid, idempotencyKey: 'k'.repeat(255) }, 'UTC').idempotencyKey).toHaveLength(255);
  });

  it('reports every bad record of a batch with its index, and every bad field of each', () => {
    const records = [valid, { ...valid, quantity: '-2' }, valid, { ...valid, serviceId: '', occurredAt: 'yesterday' }, 'not a record'];
    let error: InvalidInputError | undefined;
    try {
      parseUsageBatch({ records }, 'UTC');
    } catch (caught) {
      error = caught as InvalidInputError;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error?.details.map((d) => `${d.field}:${d.rule}`)).toEqual([
      'records[1].quantity:positive',
      'records[3].serviceId:id',
      'records[3].occurredAt:isoDateOrInstant',
      'records[4]:object',
    ]);
  });

  it('takes 1 to 10,000 records, and nothing else in the body', () => {
    expect(() => parseUsageBatch({ records: [] }, 'UTC')).toThrow(/1 to 10000/);
    expect(() => parseUsageBatch({}, 'UTC')).toThrow(InvalidInputError);
    expect(() => parseUsageBatch([valid], 'UTC')).toThrow(/body must be an object/);
    expect(() => parseUsageBatch({ records: [valid], tenantId: 'x' }, 'UTC')).toThrow(/tenantId is not a known field/);
    expect(() => parseUsageBatch({ records: Array(10_001).fill(valid) }, 'UTC')).toThrow(/got 10001/);
    expect(parseUsageBatch({ records: Array(10_000).fill(valid) }, 'UTC')).toHaveLength(10_000);
  });
});

describe('Usage records: the occurrence date in the tenant time zone', () => {
  it('takes a calendar date as it is, and an instant as the date it was in the tenant zone', () => {
    expect(occurrenceDate('2026-11-03', 'Asia/Tokyo')).toBe('2026-11-03');
    expect(occurrenceDate('2026-11-03T23:30:00-05:00', 'UTC')).toBe('2026-11-04');
    expect(occurrenceDate('2026-11-03T23:30:00-05:00', 'America/New_York')).toBe('2026-11-03');
    expect(occurrenceDate('2026-11-03T23:30:00Z', 'Asia/Tokyo')).toBe('2026-11-04');
    expect(occurrenceDate('2026-11-03T23:30Z', 'UTC')).toBe('2026-11-03');
    // A day a YYYY-MM-DD date cannot write is no date (refused as input, never a 500).
    expect(occurrenceDate('9999-12-31T23:00:00-05:00', 'UTC')).toBeNull();
    expect(occurrenceDate('0000-01-01T00:30:00+05:00', 'UTC')).toBeNull();
    expect(occurrenceDate('2026-11-03T23:59:59.999999999+00:00', 'UTC')).toBe('2026-11-03');
    expect(occurrenceDate('2026-11-03T00:00:00+14:00', 'UTC')).toBe('2026-11-02');
  });

  it('agrees with todayIn for every hour around transitions, across zones', () => {
    const zones = ['UTC', 'Europe/Paris', 'America/New_York', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns', 'Pacific/Apia'];
    const starts = ['2024-03-09T00:00:00Z', '2024-03-30T00:00:00Z', '2024-10-26T00:00:00Z', '2024-11-02T00:00:00Z', '2011-12-29T00:00:00Z', '2024-04-06T00:00:00Z'];
    for (const zone of zones) {
      for (const start of starts) {
        const from = Date.parse(start);
        for (let minutes = 0; minutes < 48 * 60; minutes += 29) {
          const instant = new Date(from + minutes * 60_000).toISOString();
          const offset = instant.replace('Z', '+00:00');
          expect(occurrenceDate(instant, zone)).toBe(todayIn(zone, instant));
          expect(occurrenceDate(offset, zone)).toBe(todayIn(zone, instant));
        }
      }
    }
  });

  it('agrees with todayIn for instants written with offsets, far in the past and future', () => {
    for (const instant of ['1970-01-01T00:00:00+01:00', '1900-03-01T12:00:00-11:30', '2099-12-31T23:59:59+00:01', '2000-02-29T23:00:00-02:00', '1600-02-29T10:00:00Z']) {
      for (const zone of ['UTC', 'Europe/Paris', 'Asia/Kathmandu', 'America/Los_Angeles']) {
        expect(occurrenceDate(instant, zone)).toBe(todayIn(zone, instant));
      }
    }
  });
});

describe('Usage records: occurredAt within the input date range (issue 15)', () => {
  it.each(['1900-01-01', '2199-12-31', '1900-01-01T00:00:00Z', '2199-12-31T23:59:59Z'])('accepts %s', (occurredAt) => {
    expect(parseSingleUsage({ ...valid, occurredAt }, 'UTC').occurredOn).toBe(occurredAt.slice(0, 10));
  });

  it.each(['1899-12-31', '2200-01-01', '0000-01-01', '9999-12-31', '2199-12-31T23:30:00-05:00', '1900-01-01T00:30:00+05:00'])(
    'refuses %s (as a date in the tenant zone) with rule dateRange, naming both limits',
    (occurredAt) => {
      expect(refusal({ ...valid, occurredAt })).toEqual({ field: 'occurredAt', rule: 'dateRange' });
      expect(() => parseSingleUsage({ ...valid, occurredAt }, 'UTC')).toThrow(`occurredAt must be a date from 1900-01-01 to 2199-12-31 (got "${occurredAt}")`);
    },
  );

  it('names the record of a batch', () => {
    expect(() => parseUsageBatch({ records: [valid, { ...valid, occurredAt: '2200-01-01' }] }, 'UTC')).toThrow(/records\[1\]\.occurredAt must be a date from 1900-01-01/);
  });
});
