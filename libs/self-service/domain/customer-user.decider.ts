import { assertNever, Decider, DomainCommand, DomainEvent } from '../../shared-kernel/decider';
import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { CustomerUserScope, epochMs, parseNewCustomerUser, plusMinutes } from './input';

/**
 * A customer user (issue 20): one person who signs in to the self-service API of one account, with its
 * password's hash, its failed sign-ins and lock, its single pending set-password token, and its live sessions.
 * Stream `customerUser-<tenant>.<userId>`, the id derived from the tenant and the normalized email (input.ts),
 * so a second user with the same email finds the stream taken (409).
 *
 * Passwords and tokens arrive hashed: hashing is slow and random (scrypt, a fresh salt), so it happens before
 * `decide`, which only compares and records. Instants (`at`, `expiresAt`) are ISO strings from the injected clock.
 */

/** Consecutive failed sign-ins that lock the user, and for how long. */
export const MAX_FAILED_SIGN_INS = 5;
export const LOCK_MINUTES = 15;
/** The set-password link of an invitation lives 7 days; a reset's 1 hour. */
export const INVITE_TOKEN_MINUTES = 7 * 24 * 60;
export const RESET_TOKEN_MINUTES = 60;
/** A new reset email within this long of the last one is not sent (an inbox is not flooded by repeated requests). */
export const RESET_REQUEST_INTERVAL_MINUTES = 1;

export type PasswordTokenPurpose = 'invite' | 'reset';
export type PasswordSetReason = 'created' | 'invite' | 'reset' | 'changed';
export type SignOutReason = 'signOut' | 'passwordChanged';

export interface CustomerUserSession {
  sessionId: string;
  tokenHash: string;
  expiresAt: string;
  lastActiveAt: string;
}

export interface CustomerUser {
  userId: string;
  accountId: string;
  email: string;
  scope: CustomerUserScope;
  createdAt: string;
  /** `scrypt$N$r$p$salt$hash`; null until the invited user sets one. */
  passwordHash: string | null;
  failedSignIns: number;
  lockedUntil: string | null;
  /** The one set-password link that works (a newer one replaces it); consumed when used. */
  passwordToken: { tokenHash: string; purpose: PasswordTokenPurpose; expiresAt: string; requestedAt: string } | null;
  /** Signed in and not signed out; expired ones are dropped as time passes (see `live`). */
  sessions: CustomerUserSession[];
}

export type CustomerUserState = CustomerUser | null;

export type CustomerUserCreated = DomainEvent<'CustomerUserCreated', { userId: string; accountId: string; email: string; scope: CustomerUserScope; createdAt: string }>;
export type CustomerPasswordSet = DomainEvent<'CustomerPasswordSet', { userId: string; passwordHash: string; reason: PasswordSetReason; at: string }>;
/** The token itself is never recorded: only its SHA-256 (hex). */
export type CustomerPasswordResetRequested = DomainEvent<
  'CustomerPasswordResetRequested',
  { userId: string; tokenHash: string; purpose: PasswordTokenPurpose; expiresAt: string; at: string }
>;
export type CustomerSignedIn = DomainEvent<
  'CustomerSignedIn',
  { userId: string; accountId: string; email: string; scope: CustomerUserScope; sessionId: string; tokenHash: string; expiresAt: string; at: string }
>;
export type CustomerSignInFailed = DomainEvent<'CustomerSignInFailed', { userId: string; failures: number; at: string }>;
export type CustomerUserLocked = DomainEvent<'CustomerUserLocked', { userId: string; lockedUntil: string; at: string }>;
export type CustomerSignedOut = DomainEvent<'CustomerSignedOut', { userId: string; sessionId: string; tokenHash: string; reason: SignOutReason; at: string }>;
export type CustomerSessionExtended = DomainEvent<'CustomerSessionExtended', { userId: string; sessionId: string; tokenHash: string; at: string }>;

export type CustomerUserEvent =
  | CustomerUserCreated
  | CustomerPasswordSet
  | CustomerPasswordResetRequested
  | CustomerSignedIn
  | CustomerSignInFailed
  | CustomerUserLocked
  | CustomerSignedOut
  | CustomerSessionExtended;

export const CUSTOMER_USER_EVENT_TYPES: CustomerUserEvent['type'][] = [
  'CustomerUserCreated',
  'CustomerPasswordSet',
  'CustomerPasswordResetRequested',
  'CustomerSignedIn',
  'CustomerSignInFailed',
  'CustomerUserLocked',
  'CustomerSignedOut',
  'CustomerSessionExtended',
];

/** A new user: with a password (hashed) it is active; without one, `invite` is the set-password link emailed. */
export type CreateCustomerUser = DomainCommand<
  'CreateCustomerUser',
  { userId: string; accountId: string; email: unknown; scope?: unknown; passwordHash: string | null; invite: { tokenHash: string } | null; at: string }
>;
export type RequestPasswordReset = DomainCommand<'RequestPasswordReset', { tokenHash: string; at: string }>;
export type SetPasswordWithToken = DomainCommand<'SetPasswordWithToken', { tokenHash: string; passwordHash: string; at: string }>;
/** The current password was verified before (scrypt); the session asking must be live. */
export type ChangePassword = DomainCommand<'ChangePassword', { sessionId: string; passwordHash: string; at: string }>;
/** The password was verified before; decides nothing when the user cannot sign in now (locked, no password). */
export type SignIn = DomainCommand<'SignIn', { sessionId: string; tokenHash: string; lifetimeMinutes: number; at: string }>;
export type RecordFailedSignIn = DomainCommand<'RecordFailedSignIn', { at: string }>;
export type SignOut = DomainCommand<'SignOut', { sessionId: string; at: string }>;
export type ExtendSession = DomainCommand<'ExtendSession', { sessionId: string; idleMinutes: number; at: string }>;

export type CustomerUserCommand = CreateCustomerUser | RequestPasswordReset | SetPasswordWithToken | ChangePassword | SignIn | RecordFailedSignIn | SignOut | ExtendSession;

/** Whether the user is locked at `at`. */
export function isLocked(user: CustomerUser, at: string): boolean {
  return user.lockedUntil !== null && epochMs(user.lockedUntil) > epochMs(at);
}

/** Whether the user may sign in at `at` (has a password, is not locked). */
export function canSignIn(user: CustomerUserState, at: string): user is CustomerUser {
  return user !== null && user.passwordHash !== null && !isLocked(user, at);
}

/** The sessions still within their lifetime at `at` (idle ones are the read side's concern, see ExtendSession). */
export function live(sessions: readonly CustomerUserSession[], at: string): CustomerUserSession[] {
  const now = epochMs(at);
  return sessions.filter((session) => epochMs(session.expiresAt) > now);
}

/** 400 on `token` (rule invalidToken): unknown, used, replaced or expired; which one is not said. */
export function invalidToken(): InvalidInputError {
  return InvalidInputError.forField('token', 'invalidToken', 'token is not valid: it is unknown, was used already or has expired; ask for a new password reset email');
}

/** The pending token `tokenHash` names, when it still works at `at`; else throws invalidToken. */
export function checkPasswordToken(user: CustomerUserState, tokenHash: string, at: string): NonNullable<CustomerUser['passwordToken']> {
  const token = user?.passwordToken;
  if (!token || token.tokenHash !== tokenHash || epochMs(token.expiresAt) <= epochMs(at)) throw invalidToken();
  return token;
}

export const customerUserDecider: Decider<CustomerUserCommand, CustomerUserEvent, CustomerUserState> = {
  initialState: null,
  decide(command, state) {
    switch (command.type) {
      case 'CreateCustomerUser': {
        const { userId, accountId, passwordHash, invite, at } = command.data;
        const { email, scope } = parseNewCustomerUser({ email: command.data.email, scope: command.data.scope });
        if (state !== null) {
          const message = `A customer user with the email ${email} already exists in this tenant: an email names one user`;
          throw new ConflictError(message, [{ field: 'email', rule: 'unique', message }]);
        }
        const created: CustomerUserEvent = { type: 'CustomerUserCreated', data: { userId, accountId, email, scope, createdAt: at } };
        if (passwordHash !== null) return [created, { type: 'CustomerPasswordSet', data: { userId, passwordHash, reason: 'created', at } }];
        if (invite === null) throw new Error('a customer user without a password needs an invitation token');
        const expiresAt = plusMinutes(at, INVITE_TOKEN_MINUTES);
        return [created, { type: 'CustomerPasswordResetRequested', data: { userId, tokenHash: invite.tokenHash, purpose: 'invite', expiresAt, at } }];
      }
      case 'RequestPasswordReset': {
        const { tokenHash, at } = command.data;
        if (state === null) return [];
        const last = state.passwordToken;
        if (last && epochMs(last.expiresAt) > epochMs(at) && epochMs(plusMinutes(last.requestedAt, RESET_REQUEST_INTERVAL_MINUTES)) > epochMs(at)) return [];
        // An invited user who never set a password keeps getting invitations' wording: it is still a first password.
        const purpose: PasswordTokenPurpose = state.passwordHash === null ? 'invite' : 'reset';
        const expiresAt = plusMinutes(at, RESET_TOKEN_MINUTES);
        return [{ type: 'CustomerPasswordResetRequested', data: { userId: state.userId, tokenHash, purpose, expiresAt, at } }];
      }
      case 'SetPasswordWithToken': {
        const { tokenHash, passwordHash, at } = command.data;
        const token = checkPasswordToken(state, tokenHash, at);
        const user = state!;
        const reason: PasswordSetReason = token.purpose === 'invite' ? 'invite' : 'reset';
        return [{ type: 'CustomerPasswordSet', data: { userId: user.userId, passwordHash, reason, at } }, ...signOutAll(user, at, null)];
      }
      case 'ChangePassword': {
        const { sessionId, passwordHash, at } = command.data;
        if (state === null || !live(state.sessions, at).some((session) => session.sessionId === sessionId)) {
          throw InvalidInputError.forField('session', 'signedIn', 'the session has ended: sign in again to change the password');
        }
        return [{ type: 'CustomerPasswordSet', data: { userId: state.userId, passwordHash, reason: 'changed', at } }, ...signOutAll(state, at, sessionId)];
      }
      case 'SignIn': {
        const { sessionId, tokenHash, lifetimeMinutes, at } = command.data;
        if (!canSignIn(state, at)) return [];
        const { userId, accountId, email, scope } = state;
        return [{ type: 'CustomerSignedIn', data: { userId, accountId, email, scope, sessionId, tokenHash, expiresAt: plusMinutes(at, lifetimeMinutes), at } }];
      }
      case 'RecordFailedSignIn': {
        const { at } = command.data;
        if (state === null || isLocked(state, at)) return [];
        const failures = state.failedSignIns + 1;
        const failed: CustomerUserEvent = { type: 'CustomerSignInFailed', data: { userId: state.userId, failures, at } };
        if (failures < MAX_FAILED_SIGN_INS) return [failed];
        return [failed, { type: 'CustomerUserLocked', data: { userId: state.userId, lockedUntil: plusMinutes(at, LOCK_MINUTES), at } }];
      }
      case 'SignOut': {
        const { sessionId, at } = command.data;
        const session = state?.sessions.find((candidate) => candidate.sessionId === sessionId);
        if (!state || !session) return [];
        return [{ type: 'CustomerSignedOut', data: { userId: state.userId, sessionId, tokenHash: session.tokenHash, reason: 'signOut', at } }];
      }
      case 'ExtendSession': {
        const { sessionId, idleMinutes, at } = command.data;
        const session = state ? live(state.sessions, at).find((candidate) => candidate.sessionId === sessionId) : undefined;
        if (!state || !session || isLocked(state, at)) return [];
        if (epochMs(plusMinutes(session.lastActiveAt, idleMinutes)) <= epochMs(at)) return []; // idle too long: it stays ended
        return [{ type: 'CustomerSessionExtended', data: { userId: state.userId, sessionId, tokenHash: session.tokenHash, at } }];
      }
      default:
        return assertNever(command);
    }
  },
  evolve(state, event) {
    if (event.type === 'CustomerUserCreated') {
      const { userId, accountId, email, scope, createdAt } = event.data;
      return { userId, accountId, email, scope, createdAt, passwordHash: null, failedSignIns: 0, lockedUntil: null, passwordToken: null, sessions: [] };
    }
    if (state === null) return state;
    switch (event.type) {
      case 'CustomerPasswordSet':
        return { ...state, passwordHash: event.data.passwordHash, passwordToken: null, failedSignIns: 0, lockedUntil: null };
      case 'CustomerPasswordResetRequested': {
        const { tokenHash, purpose, expiresAt, at } = event.data;
        return { ...state, passwordToken: { tokenHash, purpose, expiresAt, requestedAt: at } };
      }
      case 'CustomerSignedIn': {
        const { sessionId, tokenHash, expiresAt, at } = event.data;
        return { ...state, failedSignIns: 0, lockedUntil: null, sessions: [...live(state.sessions, at), { sessionId, tokenHash, expiresAt, lastActiveAt: at }] };
      }
      case 'CustomerSignInFailed':
        return { ...state, failedSignIns: event.data.failures };
      case 'CustomerUserLocked':
        // The count starts again once the lock is over.
        return { ...state, failedSignIns: 0, lockedUntil: event.data.lockedUntil };
      case 'CustomerSignedOut':
        return { ...state, sessions: state.sessions.filter((session) => session.sessionId !== event.data.sessionId) };
      case 'CustomerSessionExtended': {
        const { sessionId, at } = event.data;
        return { ...state, sessions: state.sessions.map((session) => (session.sessionId === sessionId ? { ...session, lastActiveAt: at } : session)) };
      }
      default:
        return assertNever(event);
    }
  },
};

/** Ends every live session but `keep` (the one changing its own password). */
function signOutAll(user: CustomerUser, at: string, keep: string | null): CustomerSignedOut[] {
  return live(user.sessions, at)
    .filter((session) => session.sessionId !== keep)
    .map(({ sessionId, tokenHash }) => ({ type: 'CustomerSignedOut', data: { userId: user.userId, sessionId, tokenHash, reason: 'passwordChanged', at } }));
}
