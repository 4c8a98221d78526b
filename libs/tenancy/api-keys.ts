import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Keys carry 192 random bits, so a plain SHA-256 is a safe stored form (no password stretching needed). */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function generateApiKey(prefix: 'bk' | 'adm'): string {
  return `${prefix}_${randomBytes(24).toString('base64url')}`;
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

