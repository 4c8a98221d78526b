import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ACCOUNTS } from '../../accounts/read-model';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { CurrentTenant } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { ACCOUNT_COMMENTS, AccountCommentDoc, INSTALLMENT_SCHEDULES, installmentScheduleById, InstallmentScheduleDoc, scheduleViewOfDoc } from '../read-model';
import { CustomerMay } from '../../platform/http/customer-access';

const SCHEDULE_SHAPE =
  '{ id, accountId, orderId, planInstanceId, termId, scheduleType, currency, total, orderDate, status: active|completed|cancelled, ' +
  'installments: [{ number (0: the lump sum), kind: lumpSum|installment, invoiceDate, dueDate, amount, status: scheduled|invoiced|cancelled, invoiceId }], ' +
  'remainder: { amount, invoiceDate, dueDate, numbers, invoiceId } | null, cancellation: { effective } | null, completion: { reason, on } | null }';

@ApiTags('orders')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class ScheduleQueriesController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay({ param: 'id', collection: 'installmentSchedules' })
  @Get('installment-schedules/:id')
  @ApiOperation({ summary: `An installment schedule: ${SCHEDULE_SHAPE}` })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await installmentScheduleById(this.store, tenant.id, id);
    if (!doc) throw new NotFoundError('Installment schedule', id);
    return scheduleViewOfDoc(doc);
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/installment-schedules')
  @ApiOperation({ summary: "The account's installment schedules, oldest first, a page at a time: { items: [schedule], nextCursor? }" })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async listForAccount(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.existingAccount(tenant.id, accountId);
    const page = await findPage<InstallmentScheduleDoc>(this.store, INSTALLMENT_SCHEDULES, tenant.id, { filter: { accountId }, sortBy: 'sequence', limit: pageSize(limit) }, cursor);
    return withCursor(page.items.map(scheduleViewOfDoc), page.nextCursor);
  }

  @Get('accounts/:id/comments')
  @ApiOperation({
    summary:
      "The account's comments, oldest first, a page at a time: { items: [{ date, text, actor }], nextCursor? }. Written by the system when an " +
      'installment schedule is created ("<type> installment <no> created for <service name> - <service no> on invoice <invoice no>") and when ' +
      'its status changes ("... status for ... on invoice ... was updated to: <status>").',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async comments(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.existingAccount(tenant.id, accountId);
    const page = await findPage<AccountCommentDoc>(this.store, ACCOUNT_COMMENTS, tenant.id, { filter: { accountId }, sortBy: 'sequence', limit: pageSize(limit) }, cursor);
    return withCursor(
      page.items.map(({ date, text, actor }) => ({ date, text, actor })),
      page.nextCursor,
    );
  }

  private async existingAccount(tenantId: string, accountId: string): Promise<void> {
    if (!(await this.store.get(ACCOUNTS, tenantId, accountId))) throw new NotFoundError('Account', accountId);
  }
}
