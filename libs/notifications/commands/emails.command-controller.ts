import { Body, Controller, HttpCode, Param, Put, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { EmailTemplateDto, SetEmailTemplateCommand } from './email-templates';

@ApiTags('notifications')
@Controller('v1/email-templates')
export class EmailsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Put(':name')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Set the email template of a notice (contactReminder, invoicePosted, paymentFailed) (200): { name, variables, subject, text, html, custom, enabled, updatedAt }. ' +
      'Mustache; a syntax error (rule templateSyntax) or a variable the notice does not give (rule knownVariable): 400 naming subject, text or html. ' +
      'invoicePosted is off until its template is set. An unknown name: 404.',
  })
  put(@CurrentTenant() tenant: TenantView, @Param('name') name: string, @Body() input: EmailTemplateDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new SetEmailTemplateCommand({ tenantId: tenant.id, name, input: { ...input } }, context), reply);
  }
}
