import { ConflictError, InvalidInputError } from '../../shared-kernel/errors';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import {
  CreateCustomerUser,
  CustomerPasswordResetRequested,
  CustomerPasswordSet,
  CustomerSignedIn,
  CustomerSignInFailed,
  CustomerUserCreated,
  customerUserDecider,
  CustomerUserEvent,
  CustomerUserLocked,
} from './customer-user.decider';
import { customerUserIdOf, parseNewCustomerUser } from './input';

const spec = specFor(customerUserDecider);
const T0 = '2026-11-22T10:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const create = (change: Partial<CreateCustomerUser['data']> = {}): CreateCustomerUser => ({
  type: 'CreateCustomerUser',
  data: { userId: 'cu_1', accountId: 'acc', email: ' Ann@Example.com ', scope: undefined, passwordHash: 'scrypt$h1', invite: null, at: T0, ...change },
});
const created: CustomerUserCreated = { type: 'CustomerUserCreated', data: { userId: 'cu_1', accountId: 'acc', email: 'ann@example.com', scope: 'account', createdAt: T0 } };
const passwordSet = (passwordHash = 'scrypt$h1', reason: CustomerPasswordSet['data']['reason'] = 'created', when = T0): CustomerPasswordSet => ({
  type: 'CustomerPasswordSet',
  data: { userId: 'cu_1', passwordHash, reason, at: when },
});
const requested = (tokenHash: string, purpose: 'invite' | 'reset', when: string, expiresAt: string): CustomerPasswordResetRequested => ({
  type: 'CustomerPasswordResetRequested',
  data: { userId: 'cu_1', tokenHash, purpose, expiresAt, at: when },
});
const signedIn = (sessionId: string, when = T0): CustomerSignedIn => ({
  type: 'CustomerSignedIn',
  data: { userId: 'cu_1', accountId: 'acc', email: 'ann@example.com', scope: 'account', sessionId, tokenHash: `hash-${sessionId}`, expiresAt: at(Math.round((Date.parse(when) - Date.parse(T0)) / 60_000) + 720), at: when },
});
const failed = (failures: number, when = T0): CustomerSignInFailed => ({ type: 'CustomerSignInFailed', data: { userId: 'cu_1', failures, at: when } });
const active: CustomerUserEvent[] = [created, passwordSet()];

describe('customer user decider', () => {
  describe('creating', () => {
    it('with a password: created (email trimmed and lower-cased, scope account by default) and its password set', () => {
      spec.given([]).when(create()).then([created, passwordSet()]);
    });

    it('without a password: invited, with a set-password token valid 7 days (its hash only)', () => {
      spec.given([]).when(create({ passwordHash: null, invite: { tokenHash: 'th' }, scope: 'descendants' })).then([
        { ...created, data: { ...created.data, scope: 'descendants' } },
        requested('th', 'invite', T0, '2026-11-29T10:00:00.000Z'),
      ]);
    });

    it('the same email again is a 409 on email (rule unique)', () => {
      const error = spec.given(active).when(create({ accountId: 'other' })).thenThrows(ConflictError, /already exists/);
      expect(error.details).toEqual([expect.objectContaining({ field: 'email', rule: 'unique' })]);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a bad email', { email: 'ann' }, ['email:email']],
      ['no email', { email: undefined }, ['email:required']],
      ['a short password', { email: 'a@b.co', password: 'x'.repeat(9) }, ['password:minLength']],
      ['a long password', { email: 'a@b.co', password: 'x'.repeat(201) }, ['password:maxLength']],
      ['a password that is not text', { email: 'a@b.co', password: 1234567890 }, ['password:type']],
      ['an unknown scope, and a bad email', { email: 'nope', scope: 'tenant' }, ['email:email', 'scope:oneOf']],
    ])('refuses %s naming the field and the rule', (_, input, expected) => {
      let error: unknown;
      try {
        parseNewCustomerUser(input as never);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).details.map((d) => `${d.field}:${d.rule}`)).toEqual(expected);
    });

    it('a user id derives from the tenant and the normalized email, within the id pattern', () => {
      const id = customerUserIdOf('t1', 'ann@example.com');
      expect(id).toMatch(/^cu_[0-9a-f]{40}$/);
      expect(customerUserIdOf('t2', 'ann@example.com')).not.toBe(id);
    });
  });

  describe('signing in', () => {
    const signIn = (sessionId: string, when = T0) => ({ type: 'SignIn' as const, data: { sessionId, tokenHash: `hash-${sessionId}`, lifetimeMinutes: 720, at: when } });

    it('records the session with its token hash and its expiry', () => {
      spec.given(active).when(signIn('s1')).then([signedIn('s1')]);
    });

    it('decides nothing for an invited user (no password) or a locked one', () => {
      spec.given([created]).when(signIn('s1')).then([]);
      const locked: CustomerUserLocked = { type: 'CustomerUserLocked', data: { userId: 'cu_1', lockedUntil: at(15), at: T0 } };
      spec.given([...active, locked]).when(signIn('s1', at(14))).then([]);
      spec.given([...active, locked]).when(signIn('s1', at(15))).then([signedIn('s1', at(15))]);
    });

    it('locks after five failures in a row, for 15 minutes; a success in between starts the count again', () => {
      const fail = { type: 'RecordFailedSignIn' as const, data: { at: T0 } };
      spec.given([...active, failed(1), failed(2)]).when(fail).then([failed(3)]);
      spec.given([...active, failed(1), failed(2), failed(3), failed(4)]).when(fail).then([
        failed(5),
        { type: 'CustomerUserLocked', data: { userId: 'cu_1', lockedUntil: at(15), at: T0 } },
      ]);
      spec.given([...active, failed(1), failed(2), failed(3), failed(4), signedIn('s1')]).when(fail).then([failed(1)]);
    });

    it('records no failure while locked, and counts from zero after the lock', () => {
      const events = [...active, failed(1), failed(2), failed(3), failed(4), failed(5), { type: 'CustomerUserLocked', data: { userId: 'cu_1', lockedUntil: at(15), at: T0 } } as CustomerUserEvent];
      spec.given(events).when({ type: 'RecordFailedSignIn', data: { at: at(10) } }).then([]);
      spec.given(events).when({ type: 'RecordFailedSignIn', data: { at: at(16) } }).then([failed(1, at(16))]);
    });
  });

  describe('sessions', () => {
    it('signs out a live session once', () => {
      spec.given([...active, signedIn('s1')]).when({ type: 'SignOut', data: { sessionId: 's1', at: at(1) } }).then([
        { type: 'CustomerSignedOut', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', reason: 'signOut', at: at(1) } },
      ]);
      const out: CustomerUserEvent = { type: 'CustomerSignedOut', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', reason: 'signOut', at: at(1) } };
      spec.given([...active, signedIn('s1'), out]).when({ type: 'SignOut', data: { sessionId: 's1', at: at(2) } }).then([]);
    });

    it('extends a session in use; not one idle too long, expired or signed out', () => {
      const extend = (minutes: number) => ({ type: 'ExtendSession' as const, data: { sessionId: 's1', idleMinutes: 30, at: at(minutes) } });
      spec.given([...active, signedIn('s1')]).when(extend(29)).then([{ type: 'CustomerSessionExtended', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', at: at(29) } }]);
      spec.given([...active, signedIn('s1')]).when(extend(30)).then([]);
      const extended: CustomerUserEvent = { type: 'CustomerSessionExtended', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', at: at(715) } };
      spec.given([...active, signedIn('s1'), extended]).when(extend(721)).then([]);
      spec.given([...active]).when(extend(1)).then([]);
    });
  });

  describe('passwords', () => {
    const resetRequest = (when: string) => ({ type: 'RequestPasswordReset' as const, data: { tokenHash: 'r1', at: when } });

    it('a reset request of an active user: a token valid 1 hour; none for an unknown user', () => {
      spec.given(active).when(resetRequest(T0)).then([requested('r1', 'reset', T0, at(60))]);
      spec.given([]).when(resetRequest(T0)).then([]);
    });

    it('a second request within a minute of a working token sends nothing; later it replaces the token', () => {
      const first = requested('r0', 'reset', T0, at(60));
      spec.given([...active, first]).when(resetRequest(at(0.5))).then([]);
      spec.given([...active, first]).when(resetRequest(at(2))).then([requested('r1', 'reset', at(2), at(62))]);
    });

    it('setting a password with the token: once, before it expires; it ends every session and lifts a lock', () => {
      const token = requested('r0', 'reset', T0, at(60));
      const set = (tokenHash: string, minutes: number) => ({ type: 'SetPasswordWithToken' as const, data: { tokenHash, passwordHash: 'scrypt$h2', at: at(minutes) } });
      const locked: CustomerUserEvent = { type: 'CustomerUserLocked', data: { userId: 'cu_1', lockedUntil: at(15), at: T0 } };
      spec.given([...active, signedIn('s1'), signedIn('s2'), locked, token]).when(set('r0', 5)).then([
        passwordSet('scrypt$h2', 'reset', at(5)),
        { type: 'CustomerSignedOut', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', reason: 'passwordChanged', at: at(5) } },
        { type: 'CustomerSignedOut', data: { userId: 'cu_1', sessionId: 's2', tokenHash: 'hash-s2', reason: 'passwordChanged', at: at(5) } },
      ]);
      const invalid = (events: CustomerUserEvent[], command: ReturnType<typeof set>) => {
        const error = spec.given(events).when(command).thenThrows(InvalidInputError);
        expect(error.details).toEqual([expect.objectContaining({ field: 'token', rule: 'invalidToken' })]);
      };
      invalid([...active, token], set('other', 5)); // unknown
      invalid([...active, token], set('r0', 60)); // expired
      invalid([...active, token, passwordSet('scrypt$h2', 'reset', at(5))], set('r0', 6)); // used
      invalid([...active, token, requested('r1', 'reset', at(2), at(62))], set('r0', 6)); // replaced
      invalid([], set('r0', 5)); // no user
    });

    it("an invitation's token sets the first password (reason invite)", () => {
      const invite = requested('i1', 'invite', T0, at(7 * 24 * 60));
      spec.given([created, invite]).when({ type: 'SetPasswordWithToken', data: { tokenHash: 'i1', passwordHash: 'scrypt$h2', at: at(60 * 24) } }).then([passwordSet('scrypt$h2', 'invite', at(60 * 24))]);
    });

    it('changing the password from a session keeps that session and ends the others', () => {
      spec.given([...active, signedIn('s1'), signedIn('s2')]).when({ type: 'ChangePassword', data: { sessionId: 's2', passwordHash: 'scrypt$h3', at: at(1) } }).then([
        passwordSet('scrypt$h3', 'changed', at(1)),
        { type: 'CustomerSignedOut', data: { userId: 'cu_1', sessionId: 's1', tokenHash: 'hash-s1', reason: 'passwordChanged', at: at(1) } },
      ]);
      spec.given(active).when({ type: 'ChangePassword', data: { sessionId: 's9', passwordHash: 'x', at: at(1) } }).thenThrows(InvalidInputError, /sign in again/);
    });
  });
});
