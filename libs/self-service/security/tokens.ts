import { createHash, randomBytes } from 'node:crypto';
import { CUSTOMER_TOKEN_PREFIX } from '../../platform/http/customer-access';

/** SHA-256, hex: how session and password tokens are stored and looked up (a 256-bit random token needs no slow hash). */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** A session token: `cs_` + 32 random bytes, base64url (43 characters). Only its hash is ever stored. */
export function newSessionToken(): string {
  return `${CUSTOMER_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
}

/**
 * A set-password token: `<userId>.<32 random bytes base64url>`. The user's id in front lets the confirmation load
 * the user's stream directly (no read model to wait for); the random part is the secret, and only the SHA-256 of the
 * whole token is stored.
 */
export function newPasswordToken(userId: string): string {
  return `${userId}.${randomBytes(32).toString('base64url')}`;
}

/** The user a password token names, or null when it is not of that shape. */
export function userIdOfPasswordToken(token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const match = /^(cu_[0-9a-f]{40})\.[A-Za-z0-9_-]{43}$/.exec(token);
  return match ? match[1] : null;
}

/** A random session id (not secret: it names the session in events and actors). */
export function newSessionId(): string {
  return `ses_${randomBytes(12).toString('hex')}`;
}
