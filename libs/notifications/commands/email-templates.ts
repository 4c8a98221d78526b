import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { SYSTEM_CLOCK, SystemClock } from '../../platform/clock/clock';
import { Command, CommandOutcome } from '../../platform/command-pipeline/command';
import { DeciderRunner } from '../../platform/command-pipeline/decider-runner';
import { emailTemplatesDecider, emailTemplatesStream, invalidTemplateName, isTemplateName, TemplateName, variablesOf } from '../domain';
import { validTemplate } from '../email/templates';

export class EmailTemplateDto {
  @ApiProperty({ example: 'Invoice {{invoiceId}}: {{total}} {{currency}}', description: 'Mustache template, at most 500 characters' })
  @IsOptional()
  subject: unknown;

  @ApiProperty({ example: 'Hello {{accountName}},\n\nyour invoice {{invoiceId}} of {{total}} {{currency}} is due on {{dueDate}}.', description: 'Mustache template of the plain-text body' })
  @IsOptional()
  text: unknown;

  @ApiPropertyOptional({ description: 'Mustache template of the HTML body (values HTML-escaped)' })
  @IsOptional()
  html?: unknown;
}

export interface EmailTemplateView {
  /** A built-in notice's name, or a dunning template's. */
  name: TemplateName;
  variables: readonly string[];
  subject: string | null;
  text: string | null;
  html: string | null;
  /** false: the default (or, for invoicePosted, none: the notice is off). */
  custom: boolean;
  enabled: boolean;
  updatedAt: string | null;
}

export class SetEmailTemplateCommand extends Command<{ tenantId: string; name: string; input: EmailTemplateDto }> {}

/** Validates (syntax, known variables) before anything is written, then records EmailTemplateSet on the tenant's templates stream. */
@CommandHandler(SetEmailTemplateCommand)
export class SetEmailTemplateHandler implements ICommandHandler<SetEmailTemplateCommand, CommandOutcome<EmailTemplateView>> {
  constructor(
    private readonly runner: DeciderRunner,
    @Inject(SYSTEM_CLOCK) private readonly clock: SystemClock,
  ) {}

  async execute({ data: { tenantId, name, input }, context }: SetEmailTemplateCommand): Promise<CommandOutcome<EmailTemplateView>> {
    // A built-in notice, or a dunning template the tenant names (one a dunning process's notify action can name).
    if (!isTemplateName(name)) throw invalidTemplateName();
    const template = validTemplate(name, input);
    const at = this.clock.now().toISOString();
    const outcome = await this.runner.run(emailTemplatesDecider, emailTemplatesStream(tenantId), { type: 'SetEmailTemplate', data: { notice: name, ...template, at } }, context);
    const set = outcome.state[name]!;
    return {
      body: { name, variables: variablesOf(name), subject: set.subject, text: set.text, html: set.html, custom: true, enabled: true, updatedAt: set.setAt },
      position: outcome.position,
    };
  }
}
