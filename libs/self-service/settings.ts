import { AppConfig } from '../platform/config/config';

/**
 * Session lifetimes: an absolute lifetime from sign-in (12 hours) and an idle timeout (30 minutes without a
 * request). `SESSION_LIFETIME_MINUTES` and `SESSION_IDLE_MINUTES` override them (checked with the rest of the
 * configuration when a process starts). Activity is recorded (CustomerSessionExtended) at most every `extendEveryMinutes`,
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

/** From the process configuration (libs/platform/config: SESSION_LIFETIME_MINUTES, SESSION_IDLE_MINUTES, PUBLIC_URL, checked at start). */
export function selfServiceSettings(config: Pick<AppConfig, 'sessionLifetimeMinutes' | 'sessionIdleMinutes' | 'publicUrl'>): SelfServiceSettings {
  const { sessionLifetimeMinutes: lifetimeMinutes, sessionIdleMinutes: idleMinutes, publicUrl } = config;
  return { lifetimeMinutes, idleMinutes, extendEveryMinutes: idleMinutes / 6, publicUrl };
}

/** The link a set-password or reset email carries; the portal's page reads `tenant` and `token` from the fragment. */
export function passwordLink(publicUrl: string, tenantId: string, token: string): string {
  return `${publicUrl}/portal/#reset?tenant=${encodeURIComponent(tenantId)}&token=${encodeURIComponent(token)}`;
}
