import { ConfigError, loadConfig } from './config';

/** The process configuration is checked whole when a process starts: a bad value stops it with the variable named. */
describe('loadConfig', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      eventStore: 'sqlite',
      readStore: 'sqlite',
      projectors: 'thread',
      readYourWritesTimeoutMs: 5000,
      publicUrl: 'http://localhost:3000',
      sessionLifetimeMinutes: 720,
      sessionIdleMinutes: 30,
      scryptLog2N: 15,
    });
  });

  it('derives the public address from PORT, and drops a trailing slash of PUBLIC_URL', () => {
    expect(loadConfig({ PORT: '8080' }).publicUrl).toBe('http://localhost:8080');
    expect(loadConfig({ PUBLIC_URL: ' https://billing.example.com/ ' }).publicUrl).toBe('https://billing.example.com');
  });

  it.each([
    [{ PORT: 'http' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be at most 65535/],
    [{ EVENT_STORE: 'postgres' }, /EVENT_STORE must be one of sqlite, kurrentdb/],
    [{ EVENT_STORE: 'kurrentdb' }, /needs KURRENTDB_URL/],
    [{ PROJECTORS: 'threads' }, /PROJECTORS must be one of thread, inline/],
    [{ READ_YOUR_WRITES_TIMEOUT_MS: '5s' }, /READ_YOUR_WRITES_TIMEOUT_MS must be a whole number/],
    [{ PUBLIC_URL: 'billing.example.com' }, /PUBLIC_URL must be an http\(s\) address/],
    [{ SESSION_IDLE_MINUTES: '0' }, /SESSION_IDLE_MINUTES must be from 1 to 527040/],
    [{ SESSION_LIFETIME_MINUTES: '1.5' }, /SESSION_LIFETIME_MINUTES must be a whole number/],
    [{ SELF_SERVICE_SCRYPT_LOG2N: '21' }, /SELF_SERVICE_SCRYPT_LOG2N must be from 10 to 20/],
    [{ WEBHOOK_ALLOW_PRIVATE_URLS: 'yes' }, /WEBHOOK_ALLOW_PRIVATE_URLS must be one of true, false/],
  ])('refuses %j', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('reports every bad variable at once, each with its rule and the value given', () => {
    expect(() => loadConfig({ PORT: 'x', PROJECTORS: 'threads', SESSION_IDLE_MINUTES: '0' })).toThrow(
      'PORT must be a whole number; got "x"; PROJECTORS must be one of thread, inline; got "threads"; SESSION_IDLE_MINUTES must be from 1 to 527040; got "0"',
    );
  });

  it('takes an empty value as unset where the variable is optional or has a default that empty cannot mean', () => {
    expect(loadConfig({ SESSION_IDLE_MINUTES: '', BILLING_ADMIN_KEY: '', SMTP_URL: '', PUBLIC_URL: '' })).toMatchObject({ sessionIdleMinutes: 30, adminKey: undefined, smtpUrl: undefined, publicUrl: 'http://localhost:3000' });
    expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE_URLS: 'true', READ_YOUR_WRITES_TIMEOUT_MS: ' 250 ' })).toMatchObject({ webhookAllowPrivateUrls: true, readYourWritesTimeoutMs: 250 });
  });
});
