import { loadConfig } from '../../platform/config/config';
import { PasswordHasher, scryptParameters } from './passwords';
import { newPasswordToken, newSessionToken, tokenHash, userIdOfPasswordToken } from './tokens';

describe('password hashing (scrypt)', () => {
  const hasher = new PasswordHasher({ N: 2 ** 12, r: 8, p: 1 });

  it('stores its parameters and a fresh salt with each hash, and verifies only the same password', async () => {
    const first = await hasher.hash('correct horse battery');
    const second = await hasher.hash('correct horse battery');
    expect(first).toMatch(/^scrypt\$4096\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(await hasher.verify('correct horse battery', first)).toBe(true);
    expect(await hasher.verify('correct horse batterY', first)).toBe(false);
    expect(await hasher.verify('correct horse battery', 'bcrypt$nonsense')).toBe(false);
  });

  it('verifies a hash made with other parameters by its own (they can be raised later)', async () => {
    const old = await new PasswordHasher({ N: 2 ** 10, r: 8, p: 1 }).hash('an older password');
    expect(await hasher.verify('an older password', old)).toBe(true);
  });

  it('defaults to N = 2^15, r = 8, p = 1, and the production cost works (32 MiB)', async () => {
    expect(scryptParameters()).toEqual({ N: 32768, r: 8, p: 1 });
    expect(scryptParameters(loadConfig({ SELF_SERVICE_SCRYPT_LOG2N: '12' }).scryptLog2N)).toEqual({ N: 4096, r: 8, p: 1 });
    expect(() => loadConfig({ SELF_SERVICE_SCRYPT_LOG2N: '8' })).toThrow(/SELF_SERVICE_SCRYPT_LOG2N must be from 10 to 20/);
    const production = new PasswordHasher(scryptParameters(loadConfig({}).scryptLog2N));
    expect(await production.verify('a production password', await production.hash('a production password'))).toBe(true);
  });

  it('a dummy verification never succeeds', async () => {
    expect(await hasher.verifyDummy('anything at all')).toBe(false);
  });
});

describe('tokens', () => {
  it('session tokens: cs_ and 32 random bytes in base64url; stored as a SHA-256', () => {
    const token = newSessionToken();
    expect(token).toMatch(/^cs_[A-Za-z0-9_-]{43}$/);
    expect(tokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(newSessionToken()).not.toBe(token);
  });

  it('password tokens name their user, and nothing else parses as one', () => {
    const userId = `cu_${'a'.repeat(40)}`;
    expect(userIdOfPasswordToken(newPasswordToken(userId))).toBe(userId);
    expect(userIdOfPasswordToken(`${userId}.short`)).toBeNull();
    expect(userIdOfPasswordToken(42)).toBeNull();
    expect(userIdOfPasswordToken('cs_something')).toBeNull();
  });
});
