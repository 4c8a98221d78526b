import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { DEFAULT_TEMPLATES, isDunningTemplateName, isNotice, Notice, NOTICE_VARIABLES, NOTICES, variablesOf } from '../domain';
import { EMAIL_TEMPLATES, EMAILS, EmailDoc, EmailTemplateDoc, NOTIFICATION_SETTINGS, NotificationSettingsDoc } from '../read-model';
import type { EmailTemplateView } from '../commands/email-templates';

/** Listed with the notices' (a tenant has a handful; the list is not paged). */
const MAX_DUNNING_TEMPLATES = 1000;

function custom(set: EmailTemplateDoc): EmailTemplateView {
  return { name: set.notice, variables: variablesOf(set.notice), subject: set.subject, text: set.text, html: set.html, custom: true, enabled: true, updatedAt: set.updatedAt };
}

@ApiTags('notifications')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class EmailsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('email-templates')
  @ApiOperation({
    summary:
      "The tenant's email templates, one per notice (the default where the tenant set none), then its dunning templates by name: { items: [{ name, variables, subject, text, html, custom, enabled, updatedAt }] }",
  })
  async list(@CurrentTenant() tenant: TenantView) {
    const notices = await Promise.all(NOTICES.map((notice) => this.template(tenant.id, notice)));
    const dunning = (await this.store.find<EmailTemplateDoc>(EMAIL_TEMPLATES, tenant.id, { limit: MAX_DUNNING_TEMPLATES })).items.filter((doc) => !isNotice(doc.notice));
    return { items: [...notices, ...dunning.sort((a, b) => a.notice.localeCompare(b.notice)).map(custom)] };
  }

  @Get('email-templates/:name')
  @ApiOperation({ summary: "One notice's email template (the default where the tenant set none; invoicePosted has none: enabled false), or a dunning template the tenant set" })
  async get(@CurrentTenant() tenant: TenantView, @Param('name') name: string) {
    if (isNotice(name)) return this.template(tenant.id, name);
    const set = isDunningTemplateName(name) ? await this.store.get<EmailTemplateDoc>(EMAIL_TEMPLATES, tenant.id, name) : null;
    if (!set) throw new NotFoundError('Email template', name);
    return custom(set);
  }

  @Get('notification-settings')
  @ApiOperation({ summary: "The tenant's notification settings: { email } (null: none set; a webhook endpoint disabled for failing is then told by its event alone)" })
  async settings(@CurrentTenant() tenant: TenantView) {
    const doc = await this.store.get<NotificationSettingsDoc>(NOTIFICATION_SETTINGS, tenant.id, 'settings');
    return { email: doc?.email ?? null };
  }

  @Get('emails')
  @ApiOperation({
    summary:
      "The tenant's emails, newest first: { items: [{ id, to, subject, text, html, notice, eventId, eventType, accountId, createdAt, status: kept|queued|sent|notSent, attempts, lastError, reason }], nextCursor? }. " +
      "A sandbox tenant's are kept (never sent).",
  })
  @PageQueries()
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
    if (set) return custom(set);
    const fallback = DEFAULT_TEMPLATES[notice];
    return { name: notice, variables, subject: fallback?.subject ?? null, text: fallback?.text ?? null, html: fallback?.html ?? null, custom: false, enabled: fallback !== null, updatedAt: null };
  }
}
