import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CUSTOMER_SESSIONS, CustomerSessionAuthenticator } from '../../libs/platform/http/customer-access';
import { EVENT_STORE, EventStore } from '../../libs/platform/event-store/event-store.port';
import { callServer as call, ServerProcess, startServerProcess } from '../support/server-process';
import { startTestApp, TestApp } from '../support/test-app';

/** Customer users, sessions and password resets over real HTTP (issue 20): a sandbox tenant, its kept emails, the test clock. */
describe('Self-service users and sessions over HTTP', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let otherTenantId: string;
  let sessions: CustomerSessionAuthenticator;

  const REFUSED = { statusCode: 401, message: expect.any(String) };
  const advance = (minutes: number) => t.clock.set(new Date(t.clock.now().getTime() + minutes * 60_000));
  const post = (route: string, body: unknown, k: string | null = key) => t.request('POST', route, { key: k, body });
  const signIn = (email: string, password: string, tenant = tenantId) => post('/v1/self-service/sessions', { tenantId: tenant, email, password }, null);
  const me = (token: string) => t.request('GET', '/v1/self-service/me', { key: token });
  const users = async (accountId: string) => (await t.request('GET', `/v1/accounts/${accountId}/customer-users`, { key })).body.items;
  const rules = (body: { details: { field: string; rule: string }[] }) => body.details.map((d) => `${d.field}:${d.rule}`);

  async function emailTo(to: string, notice: string, count = 1): Promise<{ text: string; subject: string; to: string }> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const listed = (await t.request('GET', '/v1/emails', { key })).body.items.filter((e: { to: string; notice: string }) => e.to === to && e.notice === notice);
      if (listed.length >= count) return listed[0]; // newest first
      if (Date.now() > deadline) throw new Error(`no ${notice} email to ${to}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }
  const tokenIn = (text: string) => decodeURIComponent(/#reset\?tenant=[^&\s]+&token=([^\s&]+)/.exec(text)![1]);

  beforeAll(async () => {
    // Sign-in failures of this file stay under the per-address limit (its own test is in the unit specs).
    t = await startTestApp({ env: { AUTH_FAILURE_LIMIT: '1000' } });
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Portal Co', sandbox: true, businessDate: '2026-11-22' }));
    ({ id: otherTenantId } = await t.createTenant({ name: 'Other Co', sandbox: true, businessDate: '2026-11-22' }));
    for (const id of ['acc-a', 'acc-b', 'parent', 'child']) {
      expect((await post('/v1/accounts', { id, name: `Account ${id}`, currency: 'USD' })).status).toBe(201);
    }
    expect((await t.request('PUT', '/v1/accounts/child/parent', { key, body: { parentAccountId: 'parent' } })).status).toBe(200);
    sessions = t.app.get<CustomerSessionAuthenticator>(CUSTOMER_SESSIONS);
  });
  afterAll(() => t.close());

  describe('creating customer users', () => {
    it('with a password: active; without: invited; listed without any hash', async () => {
      const created = await post('/v1/accounts/acc-a/customer-users', { email: ' Ann@Example.com ', password: 'correct horse 1' });
      expect(created.status).toBe(201);
      expect(created.body).toEqual({ id: expect.stringMatching(/^cu_[0-9a-f]{40}$/), accountId: 'acc-a', email: 'ann@example.com', scope: 'account', status: 'active', createdAt: expect.any(String) });
      const invited = await post('/v1/accounts/acc-a/customer-users', { email: 'ivy@example.com' });
      expect(invited.status).toBe(201);
      expect(invited.body).toMatchObject({ email: 'ivy@example.com', status: 'invited' });
      const listed = await users('acc-a');
      expect(listed.map((u: { email: string; status: string }) => `${u.email}:${u.status}`).sort()).toEqual(['ann@example.com:active', 'ivy@example.com:invited']);
      expect(JSON.stringify(listed)).not.toMatch(/scrypt|hash|token/i);
    });

    it('the same email again (any case, spaces) is 409, also on another account; an unknown account 404; nothing written', async () => {
      const head = await t.app.get<EventStore>(EVENT_STORE).headPosition();
      const again = await post('/v1/accounts/acc-b/customer-users', { email: 'ANN@example.com  ', password: 'another password' });
      expect(again.status).toBe(409);
      expect(rules(again.body)).toEqual(['email:unique']);
      expect((await post('/v1/accounts/nope/customer-users', { email: 'new@example.com', password: 'long enough 1' })).status).toBe(404);
      expect(await t.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(head);
      expect((await t.request('GET', '/v1/accounts/nope/customer-users', { key })).status).toBe(404);
    });

    it.each<[string, Record<string, unknown>, string[]]>([
      ['a bad email', { email: 'not-an-email', password: 'long enough 1' }, ['email:email']],
      ['a password of 9 characters', { email: 'x@example.com', password: '123456789' }, ['password:minLength']],
      ['a password of 201 characters', { email: 'x@example.com', password: 'p'.repeat(201) }, ['password:maxLength']],
      ['an unknown scope', { email: 'x@example.com', scope: 'tenant' }, ['scope:oneOf']],
      ['an unknown field', { email: 'x@example.com', role: 'admin' }, ['role:unknownField']],
    ])('refuses %s with 400 naming the field and the rule, writing nothing', async (_, body, expected) => {
      const response = await post('/v1/accounts/acc-b/customer-users', body);
      expect(response.status).toBe(400);
      expect(rules(response.body)).toEqual(expected);
      expect(await users('acc-b')).toEqual([]);
    });

    it('an invited user gets a set-password email whose link sets the password once', async () => {
      const email = await emailTo('ivy@example.com', 'customerInvite');
      expect(email.text).toMatch(new RegExp(`/portal/#reset\\?tenant=${tenantId}&token=cu_[0-9a-f]{40}\\.`));
      const token = tokenIn(email.text);
      expect((await signIn('ivy@example.com', 'ivy password 1')).status).toBe(401); // no password yet
      const confirm = (password: string) => post('/v1/self-service/password-resets/confirm', { tenantId, token, password }, null);
      const short = await confirm('short');
      expect(short.status).toBe(400);
      expect(rules(short.body)).toEqual(['password:minLength']);
      expect((await confirm('ivy password 1')).status).toBe(204);
      expect((await users('acc-a')).find((u: { email: string }) => u.email === 'ivy@example.com').status).toBe('active');
      expect((await signIn('ivy@example.com', 'ivy password 1')).status).toBe(201);
      const reused = await confirm('ivy password 2');
      expect(reused.status).toBe(400);
      expect(rules(reused.body)).toEqual(['token:invalidToken']);
    });
  });

  describe('signing in', () => {
    it('answers a token, its expiry and idle timeout, and the accounts; the token works on the next request', async () => {
      const response = await signIn('ANN@example.com', 'correct horse 1');
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        token: expect.stringMatching(/^cs_[A-Za-z0-9_-]{43}$/),
        expiresAt: new Date(t.clock.now().getTime() + 12 * 3600_000).toISOString(),
        idleTimeoutSeconds: 1800,
        userId: expect.stringMatching(/^cu_/),
        accountId: 'acc-a',
        accountIds: ['acc-a'],
      });
      const session = await sessions.authenticate(response.body.token);
      expect(session).toMatchObject({ tenantId, accountId: 'acc-a', email: 'ann@example.com', scope: 'account' });
      const mine = await me(response.body.token);
      expect(mine.status).toBe(200);
      expect(mine.body).toEqual({ userId: response.body.userId, email: 'ann@example.com', accountId: 'acc-a', scope: 'account', expiresAt: response.body.expiresAt, rules: { planIds: null, paymentMethodTypes: ['card', 'bankDebit'], ordering: true } });
    });

    it('a wrong password, an unknown email, an unknown tenant and a user of another tenant all get the same 401', async () => {
      const answers = await Promise.all([
        signIn('ann@example.com', 'wrong password'),
        signIn('nobody@example.com', 'correct horse 1'),
        signIn('ann@example.com', 'correct horse 1', 'no-such-tenant'),
        signIn('ann@example.com', 'correct horse 1', otherTenantId),
      ]);
      for (const answer of answers) expect(answer.status).toBe(401);
      expect(new Set(answers.map((a) => JSON.stringify(a.body))).size).toBe(1);
      expect(answers[0].body).toMatchObject(REFUSED);
      expect(JSON.stringify(answers[0].body)).not.toMatch(/token/);
    });

    it('malformed sign-in input is 400 naming the field; unknown fields too', async () => {
      const response = await post('/v1/self-service/sessions', { tenantId, email: 'nope', password: 1 }, null);
      expect(response.status).toBe(400);
      expect(rules(response.body).sort()).toEqual(['email:email', 'password:type']);
      expect(rules((await post('/v1/self-service/sessions', { tenantId, email: 'a@b.co', password: 'x', remember: true }, null)).body)).toEqual(['remember:unknownField']);
    });

    it('locks after five failures in a row for 15 minutes (the right password too gets the same 401), then signs in', async () => {
      expect((await post('/v1/accounts/acc-b/customer-users', { email: 'leo@example.com', password: 'leo password 1' })).status).toBe(201);
      const before = (await signIn('leo@example.com', 'leo password 1')).body.token;
      const wrong = [];
      for (let i = 0; i < 5; i++) wrong.push(await signIn('leo@example.com', `wrong ${i}`));
      expect(wrong.map((w) => w.status)).toEqual([401, 401, 401, 401, 401]);
      const locked = await signIn('leo@example.com', 'leo password 1');
      expect(locked.status).toBe(401);
      expect(locked.body).toEqual(wrong[0].body);
      expect((await me(before)).status).toBe(401); // a locked user's sessions are refused while the lock lasts
      advance(14);
      expect((await signIn('leo@example.com', 'leo password 1')).status).toBe(401);
      advance(1);
      expect((await me(before)).status).toBe(200);
      expect((await signIn('leo@example.com', 'leo password 1')).status).toBe(201);
    });
  });

  describe('sessions', () => {
    it('end after 30 idle minutes; a request within them keeps the session going', async () => {
      const { token } = (await signIn('ann@example.com', 'correct horse 1')).body;
      advance(25);
      expect((await me(token)).status).toBe(200);
      advance(25);
      expect((await me(token)).status).toBe(200); // 25 minutes after the last request
      advance(30);
      expect((await me(token)).status).toBe(401);
      expect(await sessions.authenticate(token)).toBeNull();
    });

    it('end 12 hours after sign-in, however busy', async () => {
      const { token } = (await signIn('ann@example.com', 'correct horse 1')).body;
      for (let minutes = 0; minutes < 12 * 60 - 20; minutes += 20) {
        advance(20);
        expect((await me(token)).status).toBe(200);
      }
      advance(20);
      expect((await me(token)).status).toBe(401);
    });

    it('sign-out ends the token at once; it answers 204 and the session route refuses an API key', async () => {
      const { token } = (await signIn('ann@example.com', 'correct horse 1')).body;
      const other = (await signIn('ann@example.com', 'correct horse 1')).body.token;
      expect((await t.request('DELETE', '/v1/self-service/sessions/current', { key: token })).status).toBe(204);
      expect((await me(token)).status).toBe(401);
      expect(await sessions.authenticate(token)).toBeNull();
      expect((await me(other)).status).toBe(200); // only that session ended
      expect((await t.request('DELETE', '/v1/self-service/sessions/current', { key })).status).toBe(403);
      expect((await t.request('DELETE', '/v1/self-service/sessions/current', { key: null })).status).toBe(401);
    });

    it("a session covers its own account; with scope descendants also the accounts below", async () => {
      expect((await post('/v1/accounts/parent/customer-users', { email: 'pat@example.com', password: 'pat password 1', scope: 'descendants' })).status).toBe(201);
      expect((await post('/v1/accounts/child/customer-users', { email: 'kid@example.com', password: 'kid password 1' })).status).toBe(201);
      const pat = (await sessions.authenticate((await signIn('pat@example.com', 'pat password 1')).body.token))!;
      const kid = (await sessions.authenticate((await signIn('kid@example.com', 'kid password 1')).body.token))!;
      expect([await sessions.covers(pat, 'parent'), await sessions.covers(pat, 'child'), await sessions.covers(pat, 'acc-a')]).toEqual([true, true, false]);
      expect([await sessions.covers(kid, 'child'), await sessions.covers(kid, 'parent')]).toEqual([true, false]);
    });
  });

  describe('passwords', () => {
    it('a reset request answers the same 202 for an unknown email; the email link sets a password once and ends every session', async () => {
      const session = (await signIn('ann@example.com', 'correct horse 1')).body.token;
      const unknown = await post('/v1/self-service/password-resets', { tenantId, email: 'nobody@example.com' }, null);
      const known = await post('/v1/self-service/password-resets', { tenantId, email: 'Ann@example.com' }, null);
      const otherTenant = await post('/v1/self-service/password-resets', { tenantId: 'no-such-tenant', email: 'ann@example.com' }, null);
      expect([unknown.status, known.status, otherTenant.status]).toEqual([202, 202, 202]);
      expect(known.body).toEqual(unknown.body);
      expect(otherTenant.body).toEqual(unknown.body);
      const token = tokenIn((await emailTo('ann@example.com', 'passwordReset')).text);
      const confirm = (password: string) => post('/v1/self-service/password-resets/confirm', { tenantId, token, password }, null);
      expect((await confirm('a new password 1')).status).toBe(204);
      expect((await me(session)).status).toBe(401);
      expect((await signIn('ann@example.com', 'correct horse 1')).status).toBe(401);
      expect((await signIn('ann@example.com', 'a new password 1')).status).toBe(201);
      expect(rules((await confirm('a newer password 2')).body)).toEqual(['token:invalidToken']);
    });

    it('an expired or unknown token is 400 on token, and nothing is written', async () => {
      advance(5);
      expect((await post('/v1/self-service/password-resets', { tenantId, email: 'leo@example.com' }, null)).status).toBe(202);
      const token = tokenIn((await emailTo('leo@example.com', 'passwordReset')).text);
      advance(61);
      const log = t.app.get<EventStore>(EVENT_STORE);
      const head = await log.headPosition();
      const expired = await post('/v1/self-service/password-resets/confirm', { tenantId, token, password: 'too late password' }, null);
      expect(expired.status).toBe(400);
      expect(expired.body.details).toEqual([expect.objectContaining({ field: 'token', rule: 'invalidToken' })]);
      const forged = await post('/v1/self-service/password-resets/confirm', { tenantId, token: `${token.slice(0, -4)}AAAA`, password: 'forged password' }, null);
      expect(rules(forged.body)).toEqual(['token:invalidToken']);
      expect(rules((await post('/v1/self-service/password-resets/confirm', { tenantId, token: 'garbage', password: 'forged password' }, null)).body)).toEqual(['token:invalidToken']);
      expect(await log.headPosition()).toBe(head);
      expect((await signIn('leo@example.com', 'leo password 1')).status).toBe(201);
    });

    it('a reset lifts a lock', async () => {
      for (let i = 0; i < 5; i++) await signIn('kid@example.com', `wrong ${i}`);
      expect((await signIn('kid@example.com', 'kid password 1')).status).toBe(401);
      expect((await post('/v1/self-service/password-resets', { tenantId, email: 'kid@example.com' }, null)).status).toBe(202);
      const token = tokenIn((await emailTo('kid@example.com', 'passwordReset')).text);
      expect((await post('/v1/self-service/password-resets/confirm', { tenantId, token, password: 'kid password 2' }, null)).status).toBe(204);
      expect((await signIn('kid@example.com', 'kid password 2')).status).toBe(201);
    });

    it('a signed-in customer changes its password: the current one must match (422); the other sessions end, this one goes on', async () => {
      const mine = (await signIn('pat@example.com', 'pat password 1')).body.token;
      const other = (await signIn('pat@example.com', 'pat password 1')).body.token;
      const change = (body: unknown) => t.request('PUT', '/v1/self-service/password', { key: mine, body });
      const wrong = await change({ currentPassword: 'not it at all', newPassword: 'pat password 2' });
      expect(wrong.status).toBe(422);
      expect(rules(wrong.body)).toEqual(['currentPassword:currentPassword']);
      expect(rules((await change({ currentPassword: 'pat password 1', newPassword: 'short' })).body)).toEqual(['newPassword:minLength']);
      expect((await change({ currentPassword: 'pat password 1', newPassword: 'pat password 2' })).status).toBe(204);
      expect((await me(mine)).status).toBe(200);
      expect((await me(other)).status).toBe(401);
      expect((await signIn('pat@example.com', 'pat password 2')).status).toBe(201);
    });
  });
});

/** The built apps as three processes: only the worker builds the read models the query API validates sessions with. */
describe('Self-service sessions in a split deployment', () => {
  const ADMIN = 'split-self-service-admin';
  let dataDir: string;
  let servers: ServerProcess[] = [];

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'split-self-service-'));
    const env = { DATA_DIR: dataDir, BILLING_ADMIN_KEY: ADMIN };
    servers = await Promise.all(['command-api', 'query-api', 'worker'].map((app) => startServerProcess(app, env)));
  }, 60_000);
  afterAll(async () => {
    for (const server of servers) server.child.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.exited));
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('a token works on the query API right after sign-in, and is refused there right after sign-out', async () => {
    const [commands, queries] = servers;
    const tenant = (await call(commands.url, 'POST', '/v1/tenants', ADMIN, { name: 'Split portal' })).body;
    expect((await call(commands.url, 'POST', '/v1/accounts', tenant.apiKey, { id: 'acc', name: 'A', currency: 'USD' })).status).toBe(201);
    const user = await call(commands.url, 'POST', '/v1/accounts/acc/customer-users', tenant.apiKey, { email: 'sam@example.com', password: 'sam password 1' });
    expect(user.status).toBe(201);
    const signedIn = await call(commands.url, 'POST', '/v1/self-service/sessions', '', { tenantId: tenant.id, email: 'sam@example.com', password: 'sam password 1' });
    expect(signedIn.status).toBe(201);
    const { token } = signedIn.body;
    const me = await call(queries.url, 'GET', '/v1/self-service/me', token);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ email: 'sam@example.com', accountId: 'acc' });
    expect((await call(commands.url, 'DELETE', '/v1/self-service/sessions/current', token)).status).toBe(204);
    expect((await call(queries.url, 'GET', '/v1/self-service/me', token)).status).toBe(401);
  });
});
