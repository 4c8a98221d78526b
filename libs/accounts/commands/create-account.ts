import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { deterministicUuid, generatedId, ID_PATTERN } from '../../shared-kernel/ids';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { accountStream, Account, accountDecider, accountView, AccountRecord } from '../domain/account.decider';
import { assertParentExists, setParentLink } from './set-parent';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { CommandOutcome, Command } from '../../platform/command-pipeline/command';
import { ContactDto, IsEmailAddress, IsIsoCountry, IsPaymentTermsDays, PAYMENT_TERMS_DESCRIPTION } from './account.dto';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, IsString, Length, Matches, ValidateNested, Allow } from 'class-validator';
import { METADATA_DESCRIPTION } from '../../shared-kernel/metadata';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { MAX_PAYMENT_TERMS_DAYS } from '../domain/payment-terms';
import { assertNoCycle } from '../domain/hierarchy.decider';

export class CreateAccountDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'id must be 1 to 64 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit' })
  id?: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code; the account is billed in it' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "USD"' })
  currency: string;

  @ApiPropertyOptional({ description: 'Shorthand for contact.email' })
  @IsOptional()
  @IsEmailAddress()
  email?: string;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ example: 'US', description: 'ISO 3166-1 alpha-2 (an assigned code, or XK)' })
  @IsOptional()
  @IsIsoCountry()
  country?: string;

  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 language tag such as "en" or "pt-BR"' })
  @IsOptional()
  @IsString()
  language?: string;

  @ApiPropertyOptional({ example: 'acme-hq', description: 'Link the new account under this parent (it must exist)' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'parentAccountId must be an account id' })
  parentAccountId?: string;

  @ApiPropertyOptional({ example: 'web', description: 'Sales channel, free text' })
  @IsOptional()
  @IsString()
  channel?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_PAYMENT_TERMS_DAYS, default: 0, example: 30, description: PAYMENT_TERMS_DESCRIPTION })
  @IsOptional()
  @IsPaymentTermsDays()
  paymentTermsDays?: number;

  @ApiPropertyOptional({ type: 'object', additionalProperties: { type: 'string' }, example: { crmId: 'C-1042' }, description: METADATA_DESCRIPTION })
  @IsOptional()
  @IsObject({ message: 'metadata must be an object of string values' })
  metadata?: Record<string, string>;

  @ApiPropertyOptional({ example: false, description: 'true: its invoices carry no tax (DOMAIN.md §13); change it with PUT /v1/accounts/{id}/tax-exempt' })
  @Allow()
  taxExempt?: boolean;
}

export class CreateAccountCommand extends Command<CreateAccountDto> {}

@CommandHandler(CreateAccountCommand)
export class CreateAccountHandler implements ICommandHandler<CreateAccountCommand, CommandOutcome<Account>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  /**
   * With a parent: the parent is checked first, then the account is created, then linked (a command of
   * its own, with an id derived from this one, so a repeated request completes a link a crash cut short).
   */
  async execute({ data: input, context }: CreateAccountCommand): Promise<CommandOutcome<Account>> {
    const { id, parentAccountId, ...fields } = input;
    const accountId = id ?? generatedId('acc', context.commandId);
    // A new account has no children: only itself as parent makes a cycle, refused before anything is written.
    if (parentAccountId !== undefined) assertNoCycle(accountId, parentAccountId, new Map());
    await assertParentExists(this.events, context.tenantId, accountId, parentAccountId ?? null);
    const outcome = await this.runner.run(
      accountDecider,
      accountStream(context.tenantId, accountId),
      { type: 'CreateAccount', data: { ...fields, accountId, createdOn: context.businessDate } },
      context,
    );
    const account = accountView(outcome.state as AccountRecord);
    if (parentAccountId === undefined) return { body: account, position: outcome.position };
    const linkContext = { ...context, commandId: deterministicUuid(context.commandId, 'parent') };
    return setParentLink(this.runner, this.events, account, parentAccountId, linkContext);
  }
}
