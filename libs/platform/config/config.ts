import * as path from 'node:path';
import { z } from 'zod';

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

const MINUTES_PER_LEAP_YEAR = 60 * 24 * 366;

/**
 * The environment's schema (zod, decision 0026): each variable's rule, default and message in one place. Messages
 * name the variable, the rule and the value given, so a bad value stops the process before anything is stored (e.g. a
 * generated admin key). Every bad variable is reported at once.
 */
const ENV = z
  .object({
    PORT: wholeNumber('PORT', '3000').pipe(z.number().max(65535, { error: (issue) => `PORT must be at most 65535; got "${issue.input}"` })),
    HOST: z.string().default('0.0.0.0'),
    DATA_DIR: z.string().default('./data').transform((dir) => path.resolve(dir)),
    BILLING_ADMIN_KEY: unlessEmpty(),
    EVENT_STORE: oneOf('EVENT_STORE', ['sqlite', 'kurrentdb'] as const, 'sqlite'),
    KURRENTDB_URL: z.string().optional(),
    READ_STORE: oneOf('READ_STORE', ['sqlite', 'mongodb'] as const, 'sqlite'),
    MONGODB_URL: z.string().optional(),
    MONGODB_DATABASE: z.string().default('billing'),
    LOG_LEVEL: z.string().default('info'),
    READ_YOUR_WRITES_TIMEOUT_MS: wholeNumber('READ_YOUR_WRITES_TIMEOUT_MS', '5000'),
    BUSINESS_DAY_TICK_MS: wholeNumber('BUSINESS_DAY_TICK_MS', '60000'),
    SETTLE_TIMEOUT_MS: wholeNumber('SETTLE_TIMEOUT_MS', '60000'),
    PROJECTORS: oneOf('PROJECTORS', ['thread', 'inline'] as const, 'thread'),
    AUTH_FAILURE_LIMIT: wholeNumber('AUTH_FAILURE_LIMIT', '20'),
    AUTH_FAILURE_WINDOW_MS: wholeNumber('AUTH_FAILURE_WINDOW_MS', '60000'),
    PARKED_RETRY_BASE_MS: wholeNumber('PARKED_RETRY_BASE_MS', '5000'),
    PARKED_RETRY_MAX_MS: wholeNumber('PARKED_RETRY_MAX_MS', '900000'),
    WEBHOOK_SECRET_KEY: unlessEmpty(),
    WEBHOOK_ALLOW_PRIVATE_URLS: oneOf('WEBHOOK_ALLOW_PRIVATE_URLS', ['true', 'false'] as const, 'false'),
    WEBHOOK_TIMEOUT_MS: wholeNumber('WEBHOOK_TIMEOUT_MS', '10000'),
    WEBHOOK_RETRY_BASE_MS: wholeNumber('WEBHOOK_RETRY_BASE_MS', '60000'),
    SMTP_URL: unlessEmpty(),
    PUBLIC_URL: unlessEmpty(),
    SESSION_LIFETIME_MINUTES: between('SESSION_LIFETIME_MINUTES', '720', 1, MINUTES_PER_LEAP_YEAR),
    SESSION_IDLE_MINUTES: between('SESSION_IDLE_MINUTES', '30', 1, MINUTES_PER_LEAP_YEAR),
    SELF_SERVICE_SCRYPT_LOG2N: between('SELF_SERVICE_SCRYPT_LOG2N', '15', 10, 20),
    BILLING_FAULT: unlessEmpty(),
  })
  .superRefine((env, context) => {
    if (env.EVENT_STORE === 'kurrentdb' && !env.KURRENTDB_URL) context.addIssue({ code: 'custom', path: ['KURRENTDB_URL'], message: 'EVENT_STORE=kurrentdb needs KURRENTDB_URL' });
    if (env.READ_STORE === 'mongodb' && !env.MONGODB_URL) context.addIssue({ code: 'custom', path: ['MONGODB_URL'], message: 'READ_STORE=mongodb needs MONGODB_URL' });
    const url = env.PUBLIC_URL?.trim();
    if (url !== undefined && url !== '' && !/^https?:\/\/[^\s/]+/.test(url)) {
      context.addIssue({ code: 'custom', path: ['PUBLIC_URL'], message: `PUBLIC_URL must be an http(s) address such as https://billing.example.com; got "${env.PUBLIC_URL}"` });
    }
  });

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const parsed = ENV.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    adminKey: e.BILLING_ADMIN_KEY,
    eventStore: e.EVENT_STORE,
    kurrentDbUrl: e.KURRENTDB_URL,
    readStore: e.READ_STORE,
    mongoUrl: e.MONGODB_URL,
    mongoDatabase: e.MONGODB_DATABASE,
    logLevel: e.LOG_LEVEL,
    readYourWritesTimeoutMs: e.READ_YOUR_WRITES_TIMEOUT_MS,
    businessDayTickMs: e.BUSINESS_DAY_TICK_MS,
    settleTimeoutMs: e.SETTLE_TIMEOUT_MS,
    projectors: e.PROJECTORS,
    authFailureLimit: e.AUTH_FAILURE_LIMIT,
    authFailureWindowMs: e.AUTH_FAILURE_WINDOW_MS,
    parkedRetryBaseMs: e.PARKED_RETRY_BASE_MS,
    parkedRetryMaxMs: e.PARKED_RETRY_MAX_MS,
    webhookSecretKey: e.WEBHOOK_SECRET_KEY,
    webhookAllowPrivateUrls: e.WEBHOOK_ALLOW_PRIVATE_URLS === 'true',
    webhookTimeoutMs: e.WEBHOOK_TIMEOUT_MS,
    webhookRetryBaseMs: e.WEBHOOK_RETRY_BASE_MS,
    smtpUrl: e.SMTP_URL,
    // Where customers reach the product: default http://localhost:<PORT>, no trailing slash.
    publicUrl: (e.PUBLIC_URL?.trim() || `http://localhost:${e.PORT}`).replace(/\/+$/, ''),
    sessionLifetimeMinutes: e.SESSION_LIFETIME_MINUTES,
    sessionIdleMinutes: e.SESSION_IDLE_MINUTES,
    scryptLog2N: e.SELF_SERVICE_SCRYPT_LOG2N,
    fault: e.BILLING_FAULT,
  };
}

/** A whole number of at most 15 digits given as text; `fallback` when the variable is unset. */
function wholeNumber(name: string, fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value) => value.trim())
    .pipe(z.string().regex(/^\d{1,15}$/, { error: (issue) => `${name} must be a whole number; got "${issue.input}"` }))
    .transform(Number);
}

/** A whole number from `min` to `max`; an empty value counts as unset. */
function between(name: string, fallback: string, min: number, max: number) {
  const message = (issue: { input?: unknown }) => `${name} must be from ${min} to ${max}; got "${issue.input}"`;
  return z
    .preprocess((value) => (value === '' ? undefined : value), wholeNumber(name, fallback))
    .pipe(z.number().min(min, { error: message }).max(max, { error: message }));
}

function oneOf<T extends readonly [string, ...string[]]>(name: string, allowed: T, fallback: T[number]) {
  return z.enum(allowed, { error: (issue) => `${name} must be one of ${allowed.join(', ')}; got "${issue.input}"` }).default(fallback as never);
}

/** Optional text where an empty value means unset. */
function unlessEmpty() {
  return z
    .string()
    .optional()
    .transform((value) => value || undefined);
}

export const APP_CONFIG = Symbol('APP_CONFIG');
