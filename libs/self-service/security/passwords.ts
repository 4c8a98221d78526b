import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';

/**
 * Password hashing with Node's scrypt (memory-hard; no dependency). The parameters are stored with each hash,
 * `scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>`, so they can be raised later: a hash made with older
 * parameters still verifies with its own. Default N = 2^15, r = 8, p = 1: 128 · N · r = 32 MiB of memory per hash,
 * ~50–100 ms of one core. The async scrypt runs on libuv's thread pool, off the event loop.
 *
 * `SELF_SERVICE_SCRYPT_LOG2N` lowers (or raises) N for new hashes, e.g. 12 in tests that hash many passwords; never
 * below 2^10. Production leaves it unset.
 */
export interface ScryptParameters {
  N: number;
  r: number;
  p: number;
}

const KEY_LENGTH = 32;
const SALT_LENGTH = 16;

/** N = 2^log2n (the configuration checks 10 to 20: SELF_SERVICE_SCRYPT_LOG2N), r = 8, p = 1. */
export function scryptParameters(log2n = 15): ScryptParameters {
  return { N: 2 ** log2n, r: 8, p: 1 };
}

function derive(password: string, salt: Buffer, { N, r, p }: ScryptParameters): Promise<Buffer> {
  // maxmem above 128·N·r (the default 32 MiB is exactly N = 2^15's need, which Node refuses).
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r + 1024 * 1024 };
  return new Promise((resolve, reject) => scrypt(password.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => (error ? reject(error) : resolve(key))));
}

export class PasswordHasher {
  private dummy: Promise<string> | null = null;

  constructor(private readonly parameters: ScryptParameters = scryptParameters()) {}

  /** Makes the dummy hash now (off the event loop), so even the first unknown email costs one hash, not two. */
  prepare(): this {
    this.dummy ??= this.hash(randomBytes(24).toString('base64url'));
    return this;
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(SALT_LENGTH);
    const key = await derive(password, salt, this.parameters);
    const { N, r, p } = this.parameters;
    return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
  }

  /** Compares in constant time. A malformed stored hash verifies nothing. */
  async verify(password: string, stored: string): Promise<boolean> {
    const parts = stored.split('$');
    if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
    const [N, r, p] = parts.slice(1, 4).map(Number);
    const salt = Buffer.from(parts[4], 'base64url');
    const expected = Buffer.from(parts[5], 'base64url');
    if (![N, r, p].every(Number.isInteger) || expected.length === 0) return false;
    const key = await derive(password, salt, { N, r, p });
    return key.length === expected.length && timingSafeEqual(key, expected);
  }

  /**
   * Verifies against a hash of a password nobody has, with the current parameters: what sign-in does for an
   * unknown email, an unknown tenant or a user without a password, so they take as long as a wrong password.
   */
  async verifyDummy(password: string): Promise<false> {
    await this.verify(password, await this.prepare().dummy!);
    return false;
  }
}
