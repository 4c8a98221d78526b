import { InvalidInputError } from './errors';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { assertValidId, deterministicUuid, generatedId, ID_NAMESPACE, isValidId, uuidV5 } from './ids';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('client-supplied ids', () => {
  it.each(['a', 'acct-001', 'ACME_corp.eu:42', '0', 'x'.repeat(64), 'f47ac10b-58cc-4372-a567-0e02b2c3d479'])('accepts %s', (id) => {
    expect(isValidId(id)).toBe(true);
    expect(() => assertValidId(id, 'id')).not.toThrow();
  });

  it.each(['', 'x'.repeat(65), 'a/b', 'a b', ' a', 'a\n', '.', '..', '-a', '_a', ':a', 'a?b', 'a#b', 'a%2F', 'é', 'a\u0000'])(
    'rejects %j',
    (id) => {
      expect(isValidId(id)).toBe(false);
      expect(() => assertValidId(id, 'accountId')).toThrow(InvalidInputError);
    },
  );

  it('rejects non-strings and names the field', () => {
    try {
      assertValidId(42, 'parentAccountId');
      throw new Error('expected an error');
    } catch (error) {
      expect((error as InvalidInputError).details).toEqual([
        { field: 'parentAccountId', rule: 'id', message: expect.stringContaining('parentAccountId') },
      ]);
    }
  });
});

describe('deterministic ids', () => {
  it('implements RFC 4122 version 5 (the example.com vector)', () => {
    expect(uuidV5('www.example.com', '6ba7b810-9dad-11d1-80b4-00c04fd430c8')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('is a v5 UUID, the same for the same parts', () => {
    const id = deterministicUuid('command-1', 'account-a', '0');
    expect(id).toMatch(UUID);
    expect(deterministicUuid('command-1', 'account-a', '0')).toBe(id);
  });

  it('differs when any part differs, and does not confuse part boundaries', () => {
    const ids = [
      deterministicUuid('command-1', 'account-a', '0'),
      deterministicUuid('command-1', 'account-a', '1'),
      deterministicUuid('command-2', 'account-a', '0'),
      deterministicUuid('a:b'),
      deterministicUuid('a', 'b'),
      deterministicUuid('ab'),
      deterministicUuid('a', 'b', ''),
    ];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('needs at least one part', () => {
    expect(() => deterministicUuid()).toThrow(RangeError);
  });

  it('gives the same ids as the plain RFC 4122 computation (hex of the digest, version and variant bits set)', () => {
    const reference = (name: string, namespace: string): string => {
      const bytes = createHash('sha1').update(Buffer.from(namespace.replace(/-/g, ''), 'hex')).update(name, 'utf8').digest().subarray(0, 16);
      bytes[6] = (bytes[6] & 0x0f) | 0x50;
      bytes[8] = (bytes[8] & 0x3f) | 0x80;
      const hex = bytes.toString('hex');
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    };
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.uuid(), (name, namespace) => {
        expect(uuidV5(name, namespace)).toBe(reference(name, namespace));
        expect(uuidV5(name, ID_NAMESPACE)).toBe(reference(name, ID_NAMESPACE));
      }),
      { numRuns: 500 },
    );
    expect(() => uuidV5('x', 'not-a-uuid')).toThrow(RangeError);
  });
});

describe('generatedId', () => {
  it('is the prefix and the first 20 hex digits of the command id\'s SHA-256: the same for the same command, a valid id', () => {
    const id = generatedId('acc', 'cmd-1');
    expect(id).toBe(`acc_${createHash('sha256').update('cmd-1').digest('hex').slice(0, 20)}`);
    expect(generatedId('acc', 'cmd-1')).toBe(id);
    expect(generatedId('acc', 'cmd-2')).not.toBe(id);
    expect(isValidId(id)).toBe(true);
  });
});
