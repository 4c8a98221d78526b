import { Controller, Get, Inject, Param, Query, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { InvoiceDoc, INVOICES } from '../read-model/invoices.projection';
import { MinPositionInterceptor } from '../../platform/http/min-position.interceptor';
import { DEFAULT_PAGE_SIZE, findPage, MAX_PAGE_SIZE, pageSize, withCursor } from '../../platform/http/paging';

@ApiTags('billing')
@UseInterceptors(MinPositionInterceptor)
@Controller('v1')
export class InvoicesQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('invoices/:id')
  @ApiOperation({
    summary:
      'An invoice: { id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status: unpaid|paid|credit, reason, lines, ancestors? }. ' +
      'Numbers run 1, 2, 3, … per tenant without gaps, in the order invoices were posted. Amounts in minor units. ' +
      'Lines of type usage are billed in arrears (late: true for late usage); a line another account pays has payers ' +
      '[{ accountId, amount }] (split billing), and the invoice then has the account\'s ancestors, nearest first.',
  })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get<InvoiceDoc>(INVOICES, tenant.id, id);
    if (!doc) throw new NotFoundError('Invoice', id);
    return { ...toInvoiceItem(id, doc), reason: doc.reason, lines: doc.lines, ...(doc.ancestors ? { ancestors: doc.ancestors } : {}) };
  }

  @Get('accounts/:id/invoices')
  @ApiOperation({
    summary:
      "The account's invoices, newest first (number descending), a page at a time: " +
      '{ items: [{ id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status, lines }], nextCursor? }',
  })
  @ApiQuery({ name: 'limit', required: false, description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async ofAccount(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const size = pageSize(limit);
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const page = await findPage<InvoiceDoc>(this.store, INVOICES, tenant.id, { filter: { accountId: id }, sortBy: 'number', direction: 'desc', limit: size }, cursor);
    return withCursor(
      page.items.map((doc) => ({ ...toInvoiceItem(doc.id, doc), lines: doc.lines })),
      page.nextCursor,
    );
  }
}

/** The API shape up to the lines, fields in a fixed order; `_position` stays inside. */
function toInvoiceItem(id: string, doc: InvoiceDoc) {
  const { number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status } = doc;
  return { id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status };
}
