/**
 * Session lifetimes: an absolute lifetime from sign-in (12 hours) and an idle timeout (30 minutes without a
 * request). `SESSION_LIFETIME_MINUTES` and `SESSION_IDLE_MINUTES` override them (read once per process, when the
 * context's providers are built). Activity is recorded (CustomerSessionExtended) at most every `extendEveryMinutes`,
 * a sixth of the idle timeout (5 minutes by default), so a session in use costs one event per five minutes, not one
 * per request.
 *
 * The public address of the product (`PUBLIC_URL`, else `http://localhost:<PORT>`) begins the links in the
 * set-password and reset emails: `<base>/portal/#reset?tenant=<tenantId>&token=<token>`.
 */
export interface SelfServiceSettings {
  lifetimeMinutes: number;
  idleMinutes: number;
  extendEveryMinutes: number;
  publicUrl: string;
}

export const DEFAULT_SESSION_LIFETIME_MINUTES = 12 * 60;
export const DEFAULT_SESSION_IDLE_MINUTES = 30;

export function selfServiceSettings(env: NodeJS.ProcessEnv = process.env, port = env.PORT ?? '3000'): SelfServiceSettings {
  const lifetimeMinutes = minutes(env.SESSION_LIFETIME_MINUTES, DEFAULT_SESSION_LIFETIME_MINUTES, 'SESSION_LIFETIME_MINUTES');
  const idleMinutes = minutes(env.SESSION_IDLE_MINUTES, DEFAULT_SESSION_IDLE_MINUTES, 'SESSION_IDLE_MINUTES');
  const publicUrl = (env.PUBLIC_URL?.trim() || `http://localhost:${port}`).replace(/\/+$/, '');
  return { lifetimeMinutes, idleMinutes, extendEveryMinutes: idleMinutes / 6, publicUrl };
}

function minutes(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 60 * 24 * 366) throw new Error(`${name} must be a whole number of minutes from 1 to 527040; got "${raw}"`);
  return value;
}

/** The link a set-password or reset email carries; the portal's page reads `tenant` and `token` from the fragment. */
export function passwordLink(publicUrl: string, tenantId: string, token: string): string {
  return `${publicUrl}/portal/#reset?tenant=${encodeURIComponent(tenantId)}&token=${encodeURIComponent(token)}`;
}
