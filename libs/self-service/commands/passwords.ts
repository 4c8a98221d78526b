import { Inject, UnauthorizedException } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Logger } from 'pino';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { CommandContext } from '../../platform/command-pipeline/command-context';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import type { CustomerSession } from '../../platform/http/customer-access';
import { LOGGER } from '../../platform/logging/logger';
import { InvalidInputError, RuleViolationError } from '../../shared-kernel/errors';
import { isValidId } from '../../shared-kernel/ids';
import { text, validateAll } from '../../shared-kernel/validation';
import { TenantDirectory } from '../../tenancy';
import { checkPassword, checkPasswordToken, customerUserDecider, customerUserIdOf, customerUserStream, invalidToken, normalizedEmail } from '../domain';
import { PasswordHasher } from '../security/passwords';
import { newPasswordToken, tokenHash, userIdOfPasswordToken } from '../security/tokens';
import { PasswordEmails } from './password-emails';
import { contextOf, customerActor, RequestMeta } from './request-meta';
import { loadCustomerUser, SignInLimiter } from './sessions';

export class PasswordResetDto {
  @ApiProperty({ description: 'The tenant of the customer user' })
  @IsOptional()
  tenantId: unknown;

  @ApiProperty({ example: 'ann@example.com' })
  @IsOptional()
  email: unknown;
}

export class ConfirmPasswordResetDto {
  @ApiProperty({ description: 'The tenant of the customer user (the link names it)' })
  @IsOptional()
  tenantId: unknown;

  @ApiProperty({ description: 'The token of the set-password or reset link' })
  @IsOptional()
  token: unknown;

  @ApiProperty({ description: 'The new password: 10–200 characters' })
  @IsOptional()
  password: unknown;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsOptional()
  currentPassword: unknown;

  @ApiProperty({ description: '10–200 characters' })
  @IsOptional()
  newPassword: unknown;
}

/** The 202 of a reset request, whether or not the email is a user's. */
export const RESET_REQUESTED = { status: 'accepted', message: 'If this email belongs to a customer user of the tenant, a link to choose a new password is on its way; it works once, for 1 hour.' };

export class RequestPasswordResetCommand extends Command<PasswordResetDto & { meta: RequestMeta }, Partial<CommandContext>> {}
export class ConfirmPasswordResetCommand extends Command<ConfirmPasswordResetDto & { meta: RequestMeta }, Partial<CommandContext>> {}
export class ChangePasswordCommand extends Command<ChangePasswordDto & { session: CustomerSession; meta: RequestMeta }, Partial<CommandContext>> {}

/**
 * A reset request answers 202 with the same body at once, whatever the email; the work (a token, its hash in the
 * user's stream, the email) happens after the answer, so neither the body nor the time tells whether the user exists.
 * Only malformed input (tenantId, email) is refused, 400.
 */
@CommandHandler(RequestPasswordResetCommand)
export class RequestPasswordResetHandler implements ICommandHandler<RequestPasswordResetCommand, CommandOutcome<typeof RESET_REQUESTED>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly directory: TenantDirectory,
    private readonly emails: PasswordEmails,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async execute({ data }: RequestPasswordResetCommand): Promise<CommandOutcome<typeof RESET_REQUESTED>> {
    const { tenantId, email } = validateAll({ tenantId: () => text(data.tenantId, 'tenantId', 64), email: () => normalizedEmail(data.email) });
    const at = this.clock.now().toISOString();
    void this.issue(tenantId, email, at, data.meta).catch((error: unknown) => this.logger.error({ err: error }, 'a password reset could not be issued'));
    return { body: RESET_REQUESTED, position: 0 };
  }

  private async issue(tenantId: string, email: string, at: string, meta: RequestMeta): Promise<void> {
    const tenant = isValidId(tenantId) ? await this.directory.byId(tenantId) : null;
    if (!tenant) return;
    const userId = customerUserIdOf(tenantId, email);
    if ((await loadCustomerUser(this.events, tenantId, userId)) === null) return;
    const token = newPasswordToken(userId);
    const context = contextOf(meta, tenantId, this.directory.businessDate(tenant), customerActor(userId));
    const stream = customerUserStream(tenantId, userId);
    const outcome = await this.runner.run(customerUserDecider, stream, { type: 'RequestPasswordReset', data: { tokenHash: tokenHash(token), at } }, context);
    if (outcome.events.length > 0 && outcome.state) await this.emails.send(context, stream, outcome.revision, outcome.state, token);
  }
}

/**
 * Sets the password with the link's token: 400 on `token` (invalidToken) when it is malformed, unknown, used,
 * replaced by a newer one or expired (nothing written); the password is hashed only after the token checked out.
 * Setting it ends every session of the user and lifts a lock.
 */
@CommandHandler(ConfirmPasswordResetCommand)
export class ConfirmPasswordResetHandler implements ICommandHandler<ConfirmPasswordResetCommand, CommandOutcome<null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly hasher: PasswordHasher,
    private readonly directory: TenantDirectory,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data }: ConfirmPasswordResetCommand): Promise<CommandOutcome<null>> {
    const { tenantId, userId, password } = validateAll({
      tenantId: () => text(data.tenantId, 'tenantId', 64),
      userId: () => {
        const named = userIdOfPasswordToken(data.token);
        if (named === null) throw invalidToken();
        return named;
      },
      password: () => checkPassword(data.password),
    });
    const at = this.clock.now().toISOString();
    const tenant = isValidId(tenantId) ? await this.directory.byId(tenantId) : null;
    if (!tenant) throw invalidToken();
    const hash = tokenHash(data.token as string);
    checkPasswordToken(await loadCustomerUser(this.events, tenantId, userId), hash, at);
    const passwordHash = await this.hasher.hash(password);
    const context = contextOf(data.meta, tenantId, this.directory.businessDate(tenant), customerActor(userId));
    const outcome = await this.runner.run(customerUserDecider, customerUserStream(tenantId, userId), { type: 'SetPasswordWithToken', data: { tokenHash: hash, passwordHash, at } }, context);
    return { body: null, position: outcome.position };
  }
}

/**
 * A signed-in customer changes its password: the current one must match (422 on currentPassword, rule
 * `currentPassword`, recorded as a failed sign-in: five in a row lock the user as at sign-in). The other sessions of
 * the user end; this one goes on.
 */
@CommandHandler(ChangePasswordCommand)
export class ChangePasswordHandler implements ICommandHandler<ChangePasswordCommand, CommandOutcome<null>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly hasher: PasswordHasher,
    private readonly directory: TenantDirectory,
    private readonly limiter: SignInLimiter,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data }: ChangePasswordCommand): Promise<CommandOutcome<null>> {
    const { session, meta } = data;
    const { current, next } = validateAll({
      current: () => currentPassword(data.currentPassword),
      next: () => checkPassword(data.newPassword, 'newPassword'),
    });
    const at = this.clock.now().toISOString();
    const tenant = await this.directory.byId(session.tenantId);
    if (!tenant) throw new UnauthorizedException('Sign in first: a customer session token is required');
    const context = contextOf(meta, session.tenantId, this.directory.businessDate(tenant), customerActor(session.userId));
    const stream = customerUserStream(session.tenantId, session.userId);
    const user = await loadCustomerUser(this.events, session.tenantId, session.userId);
    if (!user?.passwordHash || !(await this.hasher.verify(current, user.passwordHash))) {
      await this.runner.run(customerUserDecider, stream, { type: 'RecordFailedSignIn', data: { at } }, { ...context, commandId: `${context.commandId}:failed` });
      this.limiter.recordFailure(meta.clientAddress, `${session.tenantId}\n${session.email}`);
      const message = 'currentPassword is not the current password';
      throw new RuleViolationError(message, [{ field: 'currentPassword', rule: 'currentPassword', message }]);
    }
    const passwordHash = await this.hasher.hash(next);
    const outcome = await this.runner.run(customerUserDecider, stream, { type: 'ChangePassword', data: { sessionId: session.sessionId, passwordHash, at } }, context);
    return { body: null, position: outcome.position };
  }
}

function currentPassword(value: unknown): string {
  if (value === undefined || value === null) throw InvalidInputError.forField('currentPassword', 'required', 'currentPassword is required');
  if (typeof value !== 'string') throw InvalidInputError.forField('currentPassword', 'type', 'currentPassword must be a string');
  return value;
}
