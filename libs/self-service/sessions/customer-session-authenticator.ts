import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { ReadYourWrites } from '../../platform/app/read-your-writes';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { AppConfig, APP_CONFIG } from '../../platform/config/config';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { CUSTOMER_TOKEN_PREFIX, CustomerSession, CustomerSessionAuthenticator } from '../../platform/http/customer-access';
import { LOGGER } from '../../platform/logging/logger';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { HIERARCHY } from '../../accounts/read-model';
import { TenantDirectory } from '../../tenancy';
import { customerUserDecider, customerUserStream } from '../domain';
import { customerUserById, CustomerSessionDoc, sessionByTokenHash } from '../read-model';
import { tokenHash } from '../security/tokens';
import { selfServiceSettings } from '../settings';

/** How long an unknown token may wait for the read models to catch up (a sign-in a moment ago, split deployment). */
const NEW_SESSION_WAIT_MS = 2000;
/** Sessions whose last recorded activity this process remembers (beyond it the oldest are forgotten; the read model still has them). */
const REMEMBERED_SESSIONS = 10_000;
/** A token longer than this is no token of ours. */
const MAX_TOKEN_LENGTH = 100;

/**
 * Validates customer session tokens for the guard (tenancy/auth.ts), in every app: one read-model `get` by the
 * token's SHA-256, one of the user (a lock refuses its sessions), no hashing beyond one SHA-256. A token not found
 * waits (bounded) for the read models to reach the log's head and is looked up again, as API keys are, so a token
 * works on the request after the sign-in even where the worker builds the read models.
 *
 * Idle timeout: activity is recorded as CustomerSessionExtended at most every few minutes per session (a sixth of
 * the idle timeout), awaited, and remembered in-process so the next request does not depend on the read model
 * having caught up.
 */
@Injectable()
export class SelfServiceSessions implements CustomerSessionAuthenticator {
  private readonly settings;
  private readonly lastRecorded = new Map<string, number>();

  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    private readonly readYourWrites: ReadYourWrites,
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    this.settings = selfServiceSettings(config);
  }

  async authenticate(token: string): Promise<CustomerSession | null> {
    if (typeof token !== 'string' || !token.startsWith(CUSTOMER_TOKEN_PREFIX) || token.length > MAX_TOKEN_LENGTH) return null;
    const doc = await this.sessionOf(tokenHash(token));
    if (!doc) return null;
    const now = this.clock.now();
    const nowMs = now.getTime();
    if (Date.parse(doc.expiresAt) <= nowMs) return null;
    const lastActive = Math.max(Date.parse(doc.lastActiveAt), this.lastRecorded.get(doc.sessionId) ?? 0);
    if (lastActive + this.settings.idleMinutes * 60_000 <= nowMs) return null;
    const user = await customerUserById(this.store, doc.tenantId, doc.userId);
    if (!user || (user.lockedUntil !== null && Date.parse(user.lockedUntil) > nowMs)) return null;
    if (nowMs - lastActive >= this.settings.extendEveryMinutes * 60_000 && !(await this.extend(doc, now))) return null;
    const { sessionId, tenantId, userId, email, accountId, scope, expiresAt } = doc;
    return { sessionId, tenantId, userId, email, accountId, scope, expiresAt };
  }

  async covers(session: CustomerSession, accountId: string): Promise<boolean> {
    if (accountId === session.accountId) return true;
    if (session.scope !== 'descendants') return false;
    const placement = await this.store.get<{ ancestors: string[] }>(HIERARCHY, session.tenantId, accountId);
    return placement?.ancestors.includes(session.accountId) ?? false;
  }

  private async sessionOf(hash: string): Promise<CustomerSessionDoc | null> {
    const found = await sessionByTokenHash(this.store, hash);
    if (found) return found;
    const caughtUp = await this.readYourWrites.waitFor(await this.events.headPosition(), NEW_SESSION_WAIT_MS);
    return caughtUp ? sessionByTokenHash(this.store, hash) : null;
  }

  /** Records the activity; false when the session turned out to have ended (signed out, idle, locked) in its stream. */
  private async extend(doc: CustomerSessionDoc, now: Date): Promise<boolean> {
    try {
      const tenant = await this.directory.byId(doc.tenantId);
      if (!tenant) return false;
      const requestId = randomUUID();
      const outcome = await this.runner.run(
        customerUserDecider,
        customerUserStream(doc.tenantId, doc.userId),
        { type: 'ExtendSession', data: { sessionId: doc.sessionId, idleMinutes: this.settings.idleMinutes, at: now.toISOString() } },
        { tenantId: doc.tenantId, actor: `customer:${doc.userId}`, correlationId: requestId, causationId: requestId, commandId: requestId, businessDate: this.directory.businessDate(tenant) },
      );
      if (outcome.events.length === 0) return false;
      if (this.lastRecorded.size >= REMEMBERED_SESSIONS) this.lastRecorded.delete(this.lastRecorded.keys().next().value!);
      this.lastRecorded.set(doc.sessionId, now.getTime());
      return true;
    } catch (error) {
      // The request goes on: the activity is recorded on a later one.
      this.logger.warn({ err: error, sessionId: doc.sessionId }, 'the activity of a customer session could not be recorded');
      return true;
    }
  }
}
