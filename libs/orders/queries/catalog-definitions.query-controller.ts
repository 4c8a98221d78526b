import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { CurrentTenant, orderingOffered } from '../../tenancy';
import { CustomerMay } from '../../platform/http/customer-access';
import { TenantView } from '../../tenancy/domain';
import { INSTALLMENT_TERMS, installmentTermById, InstallmentTermDoc, itemById, ItemDoc, ITEMS } from '../read-model';

@ApiTags('orders')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class CatalogDefinitionsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay('catalog', orderingOffered)
  @Get('items')
  @ApiOperation({ summary: 'One-time items, sorted by id, a page at a time: { items: [{ id, name, currency, unitPrice, taxCategory?, createdOn }], nextCursor? }' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async listItems(@CurrentTenant() tenant: TenantView, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const page = await findPage<ItemDoc>(this.store, ITEMS, tenant.id, { sortBy: 'id', limit: pageSize(limit) }, cursor);
    return withCursor(page.items.map(itemOf), page.nextCursor);
  }

  @CustomerMay('catalog', orderingOffered)
  @Get('items/:id')
  @ApiOperation({ summary: 'A one-time item' })
  async getItem(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await itemById(this.store, tenant.id, id);
    if (!doc) throw new NotFoundError('Item', id);
    return itemOf(doc);
  }

  @CustomerMay('catalog', orderingOffered)
  @Get('installment-terms')
  @ApiOperation({
    summary:
      'Installment terms, sorted by id, a page at a time: { items: [{ id, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn }], nextCursor? }',
  })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async listInstallmentTerms(@CurrentTenant() tenant: TenantView, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const page = await findPage<InstallmentTermDoc>(this.store, INSTALLMENT_TERMS, tenant.id, { sortBy: 'id', limit: pageSize(limit) }, cursor);
    return withCursor(page.items.map(termOf), page.nextCursor);
  }

  @CustomerMay('catalog', orderingOffered)
  @Get('installment-terms/:id')
  @ApiOperation({ summary: 'An installment term' })
  async getInstallmentTerm(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await installmentTermById(this.store, tenant.id, id);
    if (!doc) throw new NotFoundError('Installment term', id);
    return termOf(doc);
  }
}

/** The API shapes, fields in a fixed order; the store's bookkeeping (and unitAmount) stays inside. */
function itemOf({ itemId, name, currency, unitPrice, taxCategory, createdOn }: ItemDoc) {
  return { id: itemId, name, currency, unitPrice, ...(taxCategory !== undefined ? { taxCategory } : {}), createdOn };
}

function termOf({ termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn }: InstallmentTermDoc) {
  return { id: termId, name, schedule, frequency, installments, lumpSum, daysUntilDue, lumpSumDaysUntilDue, createdOn };
}
