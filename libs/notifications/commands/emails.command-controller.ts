import { Body, Controller, HttpCode, Param, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { EmailTemplateDto, SetEmailTemplateCommand } from './email-templates';
import { NotificationSettingsDto, SetNotificationSettingsCommand } from './notification-settings';

@ApiTags('notifications')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class EmailsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Put('email-templates/:name')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Set the email template of a notice (contactReminder, invoicePosted, paymentFailed, dunningNotice, webhookEndpointDisabled) or a dunning template of any other name ' +
      '(^[a-z][a-zA-Z0-9_-]{0,63}$, variables accountId, accountName, step, date, pastDue, currency, processId; a dunning process\'s notify action names it) (200): ' +
      '{ name, variables, subject, text, html, custom, enabled, updatedAt }. ' +
      'Mustache; a syntax error (rule templateSyntax) or a variable the template is not given (rule knownVariable): 400 naming subject, text or html. ' +
      'invoicePosted is off until its template is set. Another name: 400 (field name, rule templateName).',
  })
  put(@CurrentTenant() tenant: TenantView, @Param('name') name: string, @Body() input: EmailTemplateDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new SetEmailTemplateCommand({ tenantId: tenant.id, name, input: { ...input } }, context), reply);
  }

  @Put('notification-settings')
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Set the tenant's notification email (200): { email }. The tenant is emailed there when a webhook endpoint is disabled after failing for three days " +
      '(template webhookEndpointDisabled). null removes it. Not an email address: 400 (field email, rule email).',
  })
  putSettings(@CurrentTenant() tenant: TenantView, @Body() input: NotificationSettingsDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new SetNotificationSettingsCommand({ tenantId: tenant.id, input: { ...input } }, context), reply);
  }
}
