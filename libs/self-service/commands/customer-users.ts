import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { loadAccount } from '../../accounts';
import { CustomerUser, customerUserDecider, customerUserIdOf, CustomerUserScope, customerUserStream, parseNewCustomerUser } from '../domain';
import { PasswordHasher } from '../security/passwords';
import { newPasswordToken, tokenHash } from '../security/tokens';
import { PasswordEmails } from './password-emails';

/*
 * Customer users, created by the tenant with its API key. Every field is checked by the domain (input.ts), so each
 * error has one format and every bad field is reported at once; the DTO lets the validation pipe refuse unknown fields.
 */

export class CreateCustomerUserDto {
  @ApiProperty({ example: 'ann@example.com', description: 'The user signs in with it; unique in the tenant (compared trimmed and lower-cased)' })
  @IsOptional()
  email: unknown;

  @ApiPropertyOptional({ description: '10–200 characters. Absent: the user is invited by email to set one (the link works 7 days, once)' })
  @IsOptional()
  password?: unknown;

  @ApiPropertyOptional({ enum: ['account', 'descendants'], description: 'account (default): this account only; descendants: also every account below it' })
  @IsOptional()
  scope?: unknown;
}

/** What the API answers for a user: never a hash or a token. */
export interface CustomerUserBody {
  id: string;
  accountId: string;
  email: string;
  scope: CustomerUserScope;
  status: 'active' | 'invited';
  createdAt: string;
}

export function customerUserBody(user: CustomerUser): CustomerUserBody {
  const { userId, accountId, email, scope, createdAt, passwordHash } = user;
  return { id: userId, accountId, email, scope, status: passwordHash === null ? 'invited' : 'active', createdAt };
}

export class CreateCustomerUserCommand extends Command<CreateCustomerUserDto & { accountId: string }> {}

@CommandHandler(CreateCustomerUserCommand)
export class CreateCustomerUserHandler implements ICommandHandler<CreateCustomerUserCommand, CommandOutcome<CustomerUserBody>> {
  constructor(
    private readonly runner: DeciderRunner,
    private readonly hasher: PasswordHasher,
    private readonly emails: PasswordEmails,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data, context }: CreateCustomerUserCommand): Promise<CommandOutcome<CustomerUserBody>> {
    const input = parseNewCustomerUser(data);
    if (!(await loadAccount(this.events, context.tenantId, data.accountId))) throw new NotFoundError('Account', data.accountId);
    const userId = customerUserIdOf(context.tenantId, input.email);
    const stream = customerUserStream(context.tenantId, userId);
    const passwordHash = input.password === null ? null : await this.hasher.hash(input.password);
    const invitation = input.password === null ? newPasswordToken(userId) : null;
    const outcome = await this.runner.run(
      customerUserDecider,
      stream,
      {
        type: 'CreateCustomerUser',
        data: { userId, accountId: data.accountId, email: input.email, scope: input.scope, passwordHash, invite: invitation ? { tokenHash: tokenHash(invitation) } : null, at: this.clock.now().toISOString() },
      },
      context,
    );
    const user = outcome.state;
    if (user === null) throw new Error('creating a customer user succeeded but left none'); // decide guarantees it
    // A repeat (same Idempotency-Key) wrote nothing and knows no token: the first request sent the email.
    if (invitation && outcome.events.length > 0) await this.emails.send(context, stream, outcome.revision, user, invitation);
    return { body: customerUserBody(user), position: outcome.position };
  }
}
