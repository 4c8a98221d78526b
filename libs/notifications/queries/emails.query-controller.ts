import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MinPositionInterceptor } from '../../platform/http/min-position.interceptor';
import { DEFAULT_PAGE_SIZE, findPage, MAX_PAGE_SIZE, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { DEFAULT_TEMPLATES, isNotice, Notice, NOTICE_VARIABLES, NOTICES } from '../domain';
import { EMAIL_TEMPLATES, EMAILS, EmailDoc, EmailTemplateDoc } from '../read-model';
import type { EmailTemplateView } from '../commands/email-templates';

@ApiTags('notifications')
@UseInterceptors(MinPositionInterceptor)
@Controller('v1')
export class EmailsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('email-templates')
  @ApiOperation({ summary: "The tenant's email templates, one per notice: { items: [{ name, variables, subject, text, html, custom, enabled, updatedAt }] } (the default where the tenant set none)" })
  async list(@CurrentTenant() tenant: TenantView) {
    return { items: await Promise.all(NOTICES.map((notice) => this.template(tenant.id, notice))) };
  }

  @Get('email-templates/:name')
  @ApiOperation({ summary: 'One notice\'s email template (the default where the tenant set none; invoicePosted has none: enabled false)' })
  async get(@CurrentTenant() tenant: TenantView, @Param('name') name: string) {
    if (!isNotice(name)) throw new NotFoundError('Email template', name);
    return this.template(tenant.id, name);
  }

  @Get('emails')
  @ApiOperation({
    summary:
      "The tenant's emails, newest first: { items: [{ id, to, subject, text, html, notice, eventId, eventType, accountId, createdAt, status: kept|queued|sent|notSent, attempts, lastError, reason }], nextCursor? }. " +
      "A sandbox tenant's are kept (never sent).",
  })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async emails(@CurrentTenant() tenant: TenantView, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const page = await findPage<EmailDoc>(this.store, EMAILS, tenant.id, { sortBy: 'sequence', direction: 'desc' as const, limit: pageSize(limit) }, cursor);
    return withCursor(
      page.items.map(({ emailId, to, subject, text, html, notice, eventId, eventType, accountId, createdAt, status, attempts, lastError, reason }) => ({
        id: emailId,
        to,
        subject,
        text,
        html,
        notice,
        eventId,
        eventType,
        accountId,
        createdAt,
        status,
        attempts,
        lastError,
        reason,
      })),
      page.nextCursor,
    );
  }

  private async template(tenantId: string, notice: Notice): Promise<EmailTemplateView> {
    const set = await this.store.get<EmailTemplateDoc>(EMAIL_TEMPLATES, tenantId, notice);
    const variables = NOTICE_VARIABLES[notice];
    if (set) return { name: notice, variables, subject: set.subject, text: set.text, html: set.html, custom: true, enabled: true, updatedAt: set.updatedAt };
    const fallback = DEFAULT_TEMPLATES[notice];
    return { name: notice, variables, subject: fallback?.subject ?? null, text: fallback?.text ?? null, html: fallback?.html ?? null, custom: false, enabled: fallback !== null, updatedAt: null };
  }
}
