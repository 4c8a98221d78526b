import { Inject, UnauthorizedException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner, toDomainEvent } from '../../platform/command-pipeline/decider-runner';
import { AppConfig, APP_CONFIG } from '../../platform/config/config';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { AuthFailureLimiter } from '../../platform/http/auth-failure-limiter';
import type { CustomerSession } from '../../platform/http/customer-access';
import { fold } from '../../shared-kernel/decider';
import { InvalidInputError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { text, validateAll } from '../../shared-kernel/validation';
import { TenantDirectory } from '../../tenancy';
import { canSignIn, CustomerUserEvent, customerUserDecider, customerUserIdOf, CustomerUserState, customerUserStream, normalizedEmail, PASSWORD_MAX_LENGTH } from '../domain';
import { PasswordHasher } from '../security/passwords';
import { newSessionId, newSessionToken, tokenHash } from '../security/tokens';
import { selfServiceSettings } from '../settings';
import { contextOf, customerActor, RequestMeta } from './request-meta';

/** The one answer to every failed sign-in: wrong password, unknown email or tenant, no password yet, locked. */
export const SIGN_IN_REFUSED = 'The email or password is not valid, or the user cannot sign in now';

/**
 * Failed sign-ins per client address and per tenant and email, in windows (AUTH_FAILURE_LIMIT per
 * AUTH_FAILURE_WINDOW_MS, as for API keys): over it, 429 with Retry-After. In-process, like the guard's.
 */
export class SignInLimiter extends AuthFailureLimiter {}

export function signInLimiterFrom(config: AppConfig): SignInLimiter {
  return new SignInLimiter(config.authFailureLimit, config.authFailureWindowMs);
}

export class SignInDto {
  @ApiProperty({ description: "The tenant whose customer signs in (the portal's link names it)" })
  @IsOptional()
  tenantId: unknown;

  @ApiProperty({ example: 'ann@example.com' })
  @IsOptional()
  email: unknown;

  @ApiProperty({ description: 'At most 200 characters' })
  @IsOptional()
  password: unknown;
}

export interface SignInBody {
  token: string;
  expiresAt: string;
  idleTimeoutSeconds: number;
  userId: string;
  accountId: string;
  accountIds: string[];
}

export class SignInCommand extends Command<SignInDto & { meta: RequestMeta }, Partial<CommandContext>> {}
export class SignOutCommand extends Command<{ session: CustomerSession; meta: RequestMeta }, Partial<CommandContext>> {}

/** Reads a user's stream (not the read model: no lag) and folds it. */
export async function loadCustomerUser(events: EventStore, tenantId: string, userId: string): Promise<CustomerUserState> {
  return fold(customerUserDecider, (await events.readStream(customerUserStream(tenantId, userId))).map(toDomainEvent) as CustomerUserEvent[]);
}

/**
 * Sign-in. Every refusal is the same 401 after the same work: the password is always put through scrypt (a dummy
 * hash for an unknown tenant or email, a user without a password, or a locked one), so neither the answer nor its
 * time tells whether the email exists. A wrong password of a user who could sign in records CustomerSignInFailed
 * (the fifth in a row also CustomerUserLocked, for 15 minutes); a success records CustomerSignedIn with the token's
 * SHA-256, and resets the count.
 */
@CommandHandler(SignInCommand)
export class SignInHandler implements ICommandHandler<SignInCommand, CommandOutcome<SignInBody>> {
  private readonly settings;

  constructor(
    private readonly runner: DeciderRunner,
    private readonly hasher: PasswordHasher,
    private readonly directory: TenantDirectory,
    private readonly limiter: SignInLimiter,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.settings = selfServiceSettings(config);
  }

  async execute({ data }: SignInCommand): Promise<CommandOutcome<SignInBody>> {
    const { tenantId, email, password } = validateAll({
      tenantId: () => text(data.tenantId, 'tenantId', 64),
      email: () => normalizedEmail(data.email),
      password: () => signInPassword(data.password),
    });
    const at = this.clock.now().toISOString();
    const tenant = isValidId(tenantId) ? await this.directory.byId(tenantId) : null;
    const userId = customerUserIdOf(tenantId, email);
    const user = tenant ? await loadCustomerUser(this.events, tenantId, userId) : null;
    const refuse = () => {
      this.limiter.recordFailure(data.meta.clientAddress, `${tenantId}\n${email}`);
      return new UnauthorizedException(SIGN_IN_REFUSED);
    };
    if (!tenant || !canSignIn(user, at)) {
      await this.hasher.verifyDummy(password);
      throw refuse();
    }
    const context = contextOf(data.meta, tenantId, this.directory.businessDate(tenant), customerActor(userId), false);
    const stream = customerUserStream(tenantId, userId);
    if (!(await this.hasher.verify(password, user.passwordHash!))) {
      await this.runner.run(customerUserDecider, stream, { type: 'RecordFailedSignIn', data: { at } }, context);
      throw refuse();
    }
    const token = newSessionToken();
    const outcome = await this.runner.run(
      customerUserDecider,
      stream,
      { type: 'SignIn', data: { sessionId: newSessionId(), tokenHash: tokenHash(token), lifetimeMinutes: this.settings.lifetimeMinutes, at } },
      context,
    );
    const signedIn = outcome.events.find((event) => event.type === 'CustomerSignedIn');
    if (!signedIn) throw refuse(); // locked by a concurrent failure meanwhile
    return {
      body: {
        token,
        expiresAt: signedIn.data.expiresAt,
        idleTimeoutSeconds: this.settings.idleMinutes * 60,
        userId,
        accountId: user.accountId,
        accountIds: [user.accountId],
      },
      position: outcome.position,
    };
  }
}

/** The sign-in password: a string of at most 200 characters (a shorter one than a password may be is just wrong). */
function signInPassword(value: unknown): string {
  if (value === undefined || value === null) throw InvalidInputError.forField('password', 'required', 'password is required');
  if (typeof value !== 'string') throw InvalidInputError.forField('password', 'type', 'password must be a string');
  if ([...value].length > PASSWORD_MAX_LENGTH) throw InvalidInputError.forField('password', 'maxLength', `password must be at most ${PASSWORD_MAX_LENGTH} characters`);
  return value;
}

/** Sign-out: CustomerSignedOut; the session's document is deleted, so the token is refused from then on. */
@CommandHandler(SignOutCommand)
export class SignOutHandler implements ICommandHandler<SignOutCommand, CommandOutcome<null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data: { session, meta } }: SignOutCommand): Promise<CommandOutcome<null>> {
    const tenant = await this.directory.byId(session.tenantId);
    if (!tenant) throw new UnauthorizedException('Sign in first: a customer session token is required');
    const context = contextOf(meta, session.tenantId, this.directory.businessDate(tenant), customerActor(session.userId));
    const outcome = await this.runner.run(
      customerUserDecider,
      customerUserStream(session.tenantId, session.userId),
      { type: 'SignOut', data: { sessionId: session.sessionId, at: this.clock.now().toISOString() } },
      context,
    );
    return { body: null, position: outcome.position };
  }
}
