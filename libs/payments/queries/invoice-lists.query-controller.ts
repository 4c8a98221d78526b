import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { Filter, READ_STORE, ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { encodeCursor } from '../../platform/read-store/query';
import { InvoiceDoc, INVOICES } from '../../plan-instances/read-model';
import { owedBy } from '../../plan-instances/domain';
import { InvalidInputError } from '../../shared-kernel/errors';
import { RECEIVABLE_ITEMS, ReceivableItemDoc, receivableItemId } from '../read-model';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';
import { dateParameter, findPage, listPage, oneOf, PageQueries, pageSize, textParameter } from '../../platform/http/paging';

export const INVOICE_STATUSES = ['unpaid', 'partiallyPaid', 'paid', 'writtenOff'] as const;

/** With `status`, at most this many store pages are read for one answer: a short page (hasMore: true) rather than an unbounded scan. */
const MAX_PAGES_READ = 5;

/**
 * GET /v1/invoices: the tenant's invoices, newest first (number descending), a page at a time.
 *
 * accountId, from and to (the invoice date) are conditions on the `invoices` read model's indexes. The status is
 * not in that read model: it is the invoiced account's receivable item's (this context's `receivableItems`, which
 * has no index on it either), so `status` filters the pages read, reading at most MAX_PAGES_READ store pages per
 * answer: a page may then hold fewer than `limit` items while hasMore is true. Receivables posted without an
 * invoice (late fees, orders, installments) are not invoices of this list.
 */
@ApiTags('billing')
@UseGuards(MinPositionGuard)
@Controller('v1/invoices')
export class InvoiceListsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Get()
  @ApiOperation({
    summary:
      "The tenant's invoices, newest first (number descending), a page at a time: { items: [{ id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status }], nextCursor?, hasMore }. " +
      'With status, a page may hold fewer than limit items while hasMore is true (the status is read beside the invoices, not indexed).',
  })
  @ApiQuery({ name: 'accountId', required: false, description: 'Only the invoices of this account' })
  @ApiQuery({ name: 'status', required: false, enum: INVOICE_STATUSES, description: "The invoiced account's own share's status" })
  @ApiQuery({ name: 'from', required: false, description: 'Invoice date YYYY-MM-DD, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'Invoice date YYYY-MM-DD, inclusive, not before from' })
  @PageQueries()
  @AsOfQueries()
  async list(
    @CurrentTenant() tenant: TenantView,
    @Query('accountId') accountId?: string,
    @Query('status') status?: string,
    @Query('from') from?: string,
    @Query('to') to?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const past = parseAsOf({ asOf, asOfPosition });
    const size = pageSize(limit);
    const account = textParameter('accountId', accountId);
    const wanted = oneOf('status', status, INVOICE_STATUSES);
    const start = dateParameter('from', from);
    const end = dateParameter('to', to);
    if (start !== undefined && end !== undefined && end < start) {
      throw InvalidInputError.forField('to', 'range', `to (${end}) must not be before from (${start})`);
    }
    const filter: Filter = {
      ...(account !== undefined ? { accountId: account } : {}),
      ...(start !== undefined || end !== undefined ? { invoiceDate: { ...(start !== undefined ? { gte: start } : {}), ...(end !== undefined ? { lte: end } : {}) } } : {}),
    };
    const first = textParameter('cursor', cursor, 4096);
    return this.timeTravel.read(tenant, past, this.store, ({ store }) => this.page(store, tenant.id, filter, size, wanted, first));
  }

  private async page(store: ReadStore, tenantId: string, filter: Filter, size: number, wanted: string | undefined, first: string | undefined) {
    let after = first;
    const items: ReturnType<typeof toListItem>[] = [];
    for (let read = 0; read < (wanted === undefined ? 1 : MAX_PAGES_READ); read++) {
      const page = await findPage<InvoiceDoc>(store, INVOICES, tenantId, { filter, sortBy: 'number', direction: 'desc', limit: size }, after);
      const owned = await ownShares(store, tenantId, page.items);
      for (const doc of page.items) {
        const item = toListItem(doc, owned.get(doc.id));
        if (wanted !== undefined && item.status !== wanted) continue;
        items.push(item);
        if (items.length === size) {
          // Full: the next page starts after this invoice (unless it was the store page's last and nothing follows).
          const last = doc === page.items[page.items.length - 1];
          return listPage(items, last && page.nextCursor === undefined ? undefined : encodeCursor('number', 'desc', { value: doc.number, id: doc.id }));
        }
      }
      after = page.nextCursor;
      if (after === undefined) break;
    }
    return listPage(items, after);
  }
}

/** The invoiced account's own receivable item of each invoice, in one read. */
async function ownShares(store: ReadStore, tenantId: string, invoices: StoredDoc<InvoiceDoc>[]): Promise<Map<string, { amount: number; item: ReceivableItemDoc | undefined }>> {
  const own = invoices.map((invoice) => ({ invoice, amount: owedBy(invoice).find((share) => share.accountId === invoice.accountId)?.amount }));
  const ids = own.filter((entry) => entry.amount !== undefined).map(({ invoice }) => receivableItemId(invoice.accountId, invoice.id));
  const found = new Map((await store.getMany<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, ids)).map((item) => [item.id, item]));
  const result = new Map<string, { amount: number; item: ReceivableItemDoc | undefined }>();
  for (const { invoice, amount } of own) {
    if (amount !== undefined) result.set(invoice.id, { amount, item: found.get(receivableItemId(invoice.accountId, invoice.id)) });
  }
  return result;
}

/** As GET /v1/invoices/{id} up to the lines: balance and status are the invoiced account's own share's (none: paid, 0). */
function toListItem(doc: StoredDoc<InvoiceDoc>, own: { amount: number; item: ReceivableItemDoc | undefined } | undefined) {
  const { number, accountId, planInstanceId, invoiceDate, dueDate, currency, total } = doc;
  let balance = 0;
  let status = 'paid';
  if (own) {
    // Not posted yet (the receivables-posting process manager follows the invoice): all of it is owed.
    balance = own.item ? own.item.balance : Math.max(own.amount, 0);
    status = own.item ? own.item.status : balance > 0 ? 'unpaid' : 'paid';
  }
  // subtotal and tax (DOMAIN.md §13): documents projected before tax have neither (all subtotal, no tax).
  return { id: doc.id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, subtotal: doc.subtotal ?? total, tax: doc.tax ?? 0, total, balance, status };
}
