import * as path from 'node:path';

/** Process configuration, read once from the environment (API.md "Running it"). */
export interface AppConfig {
  port: number;
  host: string;
  dataDir: string;
  adminKey: string | undefined;
  eventStore: 'sqlite' | 'kurrentdb';
  kurrentDbUrl: string | undefined;
  readStore: 'sqlite' | 'mongodb';
  mongoUrl: string | undefined;
  mongoDatabase: string;
  logLevel: string;
  /** How long a command's response (all-in-one) or a query with a minimum position waits for read models. */
  readYourWritesTimeoutMs: number;
  /** How often the worker checks whether production tenants' business days must start. */
  businessDayTickMs: number;
  /** How long one sandbox day may take to settle before POST /v1/clock/advance gives up. */
  settleTimeoutMs: number;
  /**
   * Where the all-in-one process runs its projectors on the embedded SQLite stores: `thread` (a worker thread,
   * the second core) or `inline` (the main thread). MongoDB/KurrentDB and a separate worker process: always inline.
   */
  projectors: 'thread' | 'inline';
  /** Failed authentications an address (or a key) may have per window before it is answered 429; 0 turns the limit off. */
  authFailureLimit: number;
  authFailureWindowMs: number;
  /** A parked event (one a consumer could not handle for one tenant) is retried after this long, doubling each time up to the max. */
  parkedRetryBaseMs: number;
  parkedRetryMaxMs: number;
  /** Key that encrypts webhook signing secrets at rest (any string; hashed to 32 bytes); unset: generated into the data folder. */
  webhookSecretKey: string | undefined;
  /** Lets production tenants' webhooks target private, loopback and link-local addresses. */
  webhookAllowPrivateUrls: boolean;
  /** How long one webhook delivery attempt may take. */
  webhookTimeoutMs: number;
  /** The first webhook retry waits about this long, doubling (with jitter) on each further failure. */
  webhookRetryBaseMs: number;
  /** Where email is sent (nodemailer: smtp://user:pass@host:port, smtps://…; ?from= sets the sender); unset: production emails are recorded as not sent. */
  smtpUrl: string | undefined;
  /** Where customers reach the product (links in invitation and reset emails); default `http://localhost:<PORT>`, no trailing slash. */
  publicUrl: string;
  /** A customer session's absolute lifetime and its idle timeout (self-service). */
  sessionLifetimeMinutes: number;
  sessionIdleMinutes: number;
  /** Customer password hashes cost scrypt N = 2^this (10 to 20). */
  scryptLog2N: number;
  /** Crash tests only (see libs/process-manager-runtime/faults.ts). */
  fault: string | undefined;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const eventStore = oneOf(env.EVENT_STORE ?? 'sqlite', ['sqlite', 'kurrentdb'] as const, 'EVENT_STORE');
  const readStore = oneOf(env.READ_STORE ?? 'sqlite', ['sqlite', 'mongodb'] as const, 'READ_STORE');
  if (eventStore === 'kurrentdb' && !env.KURRENTDB_URL) throw new ConfigError('EVENT_STORE=kurrentdb needs KURRENTDB_URL');
  if (readStore === 'mongodb' && !env.MONGODB_URL) throw new ConfigError('READ_STORE=mongodb needs MONGODB_URL');
  return {
    port: portNumber(env.PORT ?? '3000'),
    host: env.HOST ?? '0.0.0.0',
    dataDir: path.resolve(env.DATA_DIR ?? './data'),
    adminKey: env.BILLING_ADMIN_KEY || undefined,
    eventStore,
    kurrentDbUrl: env.KURRENTDB_URL,
    readStore,
    mongoUrl: env.MONGODB_URL,
    mongoDatabase: env.MONGODB_DATABASE ?? 'billing',
    logLevel: env.LOG_LEVEL ?? 'info',
    readYourWritesTimeoutMs: integer(env.READ_YOUR_WRITES_TIMEOUT_MS ?? '5000', 'READ_YOUR_WRITES_TIMEOUT_MS'),
    businessDayTickMs: integer(env.BUSINESS_DAY_TICK_MS ?? '60000', 'BUSINESS_DAY_TICK_MS'),
    settleTimeoutMs: integer(env.SETTLE_TIMEOUT_MS ?? '60000', 'SETTLE_TIMEOUT_MS'),
    projectors: oneOf(env.PROJECTORS ?? 'thread', ['thread', 'inline'] as const, 'PROJECTORS'),
    authFailureLimit: integer(env.AUTH_FAILURE_LIMIT ?? '20', 'AUTH_FAILURE_LIMIT'),
    authFailureWindowMs: integer(env.AUTH_FAILURE_WINDOW_MS ?? '60000', 'AUTH_FAILURE_WINDOW_MS'),
    parkedRetryBaseMs: integer(env.PARKED_RETRY_BASE_MS ?? '5000', 'PARKED_RETRY_BASE_MS'),
    parkedRetryMaxMs: integer(env.PARKED_RETRY_MAX_MS ?? '900000', 'PARKED_RETRY_MAX_MS'),
    webhookSecretKey: env.WEBHOOK_SECRET_KEY || undefined,
    webhookAllowPrivateUrls: oneOf(env.WEBHOOK_ALLOW_PRIVATE_URLS ?? 'false', ['true', 'false'] as const, 'WEBHOOK_ALLOW_PRIVATE_URLS') === 'true',
    webhookTimeoutMs: integer(env.WEBHOOK_TIMEOUT_MS ?? '10000', 'WEBHOOK_TIMEOUT_MS'),
    webhookRetryBaseMs: integer(env.WEBHOOK_RETRY_BASE_MS ?? '60000', 'WEBHOOK_RETRY_BASE_MS'),
    smtpUrl: env.SMTP_URL || undefined,
    publicUrl: publicUrl(env.PUBLIC_URL, env.PORT ?? '3000'),
    sessionLifetimeMinutes: bounded(env.SESSION_LIFETIME_MINUTES || '720', 'SESSION_LIFETIME_MINUTES', 1, MINUTES_PER_LEAP_YEAR),
    sessionIdleMinutes: bounded(env.SESSION_IDLE_MINUTES || '30', 'SESSION_IDLE_MINUTES', 1, MINUTES_PER_LEAP_YEAR),
    scryptLog2N: bounded(env.SELF_SERVICE_SCRYPT_LOG2N || '15', 'SELF_SERVICE_SCRYPT_LOG2N', 10, 20),
    fault: env.BILLING_FAULT || undefined,
  };
}

function oneOf<T extends string>(value: string, allowed: readonly T[], name: string): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}; got "${value}"`);
  }
  return value as T;
}

function integer(value: string, name: string): number {
  if (!/^\d+$/.test(value)) throw new ConfigError(`${name} must be a whole number; got "${value}"`);
  return Number(value);
}

const MINUTES_PER_LEAP_YEAR = 60 * 24 * 366;

function bounded(value: string, name: string, min: number, max: number): number {
  const number = integer(value.trim(), name);
  if (number < min || number > max) throw new ConfigError(`${name} must be from ${min} to ${max}; got "${value}"`);
  return number;
}

function publicUrl(value: string | undefined, port: string): string {
  const url = value?.trim() || `http://localhost:${port}`;
  if (!/^https?:\/\/[^\s/]+/.test(url)) throw new ConfigError(`PUBLIC_URL must be an http(s) address such as https://billing.example.com; got "${value}"`);
  return url.replace(/\/+$/, '');
}

// Refused here rather than by listen(), so a bad port fails before anything is stored (e.g. a generated admin key).
function portNumber(value: string): number {
  const port = integer(value, 'PORT');
  if (port > 65535) throw new ConfigError(`PORT must be at most 65535; got "${value}"`);
  return port;
}

export const APP_CONFIG = Symbol('APP_CONFIG');
