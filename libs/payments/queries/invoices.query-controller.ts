import { Controller, Get, Headers, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { InvoiceDoc, INVOICES } from '../../plan-instances/read-model';
import { owedBy } from '../../plan-instances/domain';
import { RECEIVABLE_ITEMS, ReceivableItemDoc, receivableItemId } from '../read-model';
import { ledgerItem } from '../commands/payment-lookup';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { CustomerMay } from '../../platform/http/customer-access';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';
import { documentHtml, DocumentFormat, negotiateDocument, safeFileName } from '../../shared-kernel/documents';
import { AccountForDocument, InvoiceForDocument, invoiceDocument } from '../documents/invoice-document';
import { renderPdf } from '../../platform/documents/pdf-renderer';

const INVOICE_ACCESS = { param: 'id', collection: 'invoices', alsoIn: { collection: 'receivableItems', key: 'invoiceId' } };

/**
 * Invoices as the plan-instances context posts them, with what is still owed on them (this context's receivables):
 * `balance` and `status` are the invoiced account's own share (split billing: a child whose parent pays its
 * recurring charges owes only the rest), and `shares` lists every payer's when another account owes a part.
 */
@ApiTags('billing')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class InvoicesQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @CustomerMay(INVOICE_ACCESS)
  @Get('invoices/:id')
  @ApiOperation({
    summary:
      'An invoice: { id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status: unpaid|partiallyPaid|paid|writtenOff, taxCredited?, reason, lines, ancestors?, shares? }. ' +
      'taxCredited (only when some) is the tax credit memos on that share reversed. ' +
      "balance is what the invoiced account itself still owes of it; with split billing, shares: [{ accountId, amount, balance, status }] is each payer's part. " +
      'Numbers run 1, 2, 3, … per tenant without gaps, in the order invoices were posted. Amounts in minor units. ' +
      'Lines of type usage are billed in arrears (late: true for late usage); a line another account pays has payers ' +
      '[{ accountId, amount }] (split billing), and the invoice then has the account\'s ancestors, nearest first. ' +
      'With Accept: application/pdf the invoice as a PDF (also at /v1/invoices/{id}.pdf), with Accept: text/html as a page (also {id}.html).',
  })
  @ApiProduces('application/json', 'application/pdf', 'text/html')
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const format = negotiateDocument(accept);
    void reply.header('vary', 'Accept');
    if (format === 'json') return this.invoice(tenant, id);
    return this.document(tenant, id, format, reply);
  }

  @CustomerMay(INVOICE_ACCESS)
  @Get('invoices/:id.pdf')
  @ApiOperation({ summary: "An invoice as a PDF: the tenant's name, the account's name and address, dates, every line, total, balance and status, amounts for the currency and the account's language" })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  pdf(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(tenant, id, 'pdf', reply);
  }

  @CustomerMay(INVOICE_ACCESS)
  @Get('invoices/:id.html')
  @ApiOperation({ summary: 'An invoice as a small standalone HTML page (for the portal): the same content as the PDF' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  html(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(tenant, id, 'html', reply);
  }

  /** The invoice's PDF or HTML page; another tenant's or an unknown id is 404 as for the JSON. */
  private async document(tenant: TenantView, id: string, format: Exclude<DocumentFormat, 'json'>, reply: FastifyReply): Promise<Buffer | string> {
    const invoice = (await this.invoice(tenant, id)) as InvoiceForDocument;
    const account = await this.store.get<AccountForDocument>(ACCOUNTS, tenant.id, invoice.accountId);
    const model = invoiceDocument(invoice, account, tenant.name);
    const name = `invoice-${safeFileName(String(invoice.number ?? invoice.id))}`;
    if (format === 'html') {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return documentHtml(model, account?.language);
    }
    void reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`);
    return renderPdf(model, invoice.invoiceDate);
  }

  private async invoice(tenant: TenantView, id: string) {
    const doc = await this.store.get<InvoiceDoc>(INVOICES, tenant.id, id);
    if (!doc) return this.ledgerOnly(tenant.id, id);
    const shares = await this.sharesOf(this.store, tenant.id, [{ ...doc, id }]);
    const split = shares.length > 1 || shares.some((share) => share.accountId !== doc.accountId);
    return {
      ...toInvoiceItem(id, doc, shares),
      reason: doc.reason,
      lines: doc.lines,
      ...(doc.ancestors ? { ancestors: doc.ancestors } : {}),
      ...(split ? { shares: shares.map(({ invoiceId: _, ...share }) => share) } : {}),
    };
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/invoices')
  @ApiOperation({
    summary:
      "The account's invoices, newest first (number descending), a page at a time: " +
      '{ items: [{ id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, total, balance, status, lines }], nextCursor? }',
  })
  @PageQueries()
  @AsOfQueries()
  async ofAccount(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const size = pageSize(limit);
    return this.timeTravel.read(tenant, parseAsOf({ asOf, asOfPosition }), this.store, async ({ store }) => {
      if (!(await store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
      const page = await findPage<InvoiceDoc>(store, INVOICES, tenant.id, { filter: { accountId: id }, sortBy: 'number', direction: 'desc', limit: size }, cursor);
      const shares = await this.sharesOf(store, tenant.id, page.items);
      return withCursor(
        page.items.map((doc) => ({ ...toInvoiceItem(doc.id, doc, shares), lines: doc.lines })),
        page.nextCursor,
      );
    });
  }

  /** Each payer's share of the invoices and what is left of it, in one read. */
  private async sharesOf(store: ReadStore, tenantId: string, invoices: (InvoiceDoc & { id: string })[]): Promise<Share[]> {
    const owed = invoices.flatMap((invoice) => owedBy(invoice).map((share) => ({ invoiceId: invoice.id, ...share })));
    const items = await store.getMany<ReceivableItemDoc>(RECEIVABLE_ITEMS, tenantId, owed.map((share) => receivableItemId(share.accountId, share.invoiceId)));
    const byId = new Map(items.map((item) => [item.id, item]));
    return owed.map(({ invoiceId, accountId, amount }) => {
      const item = byId.get(receivableItemId(accountId, invoiceId));
      // Not posted yet (the receivables-posting process manager follows the invoice), or a share of 0: all of it is owed.
      const balance = item ? item.balance : Math.max(amount, 0);
      // Shown only where a credit memo reversed tax, so answers without any keep their shape.
      const taxCredited = item?.taxCredited ? { taxCredited: item.taxCredited } : {};
      return { invoiceId, accountId, amount, balance, status: item ? item.status : balance > 0 ? 'unpaid' : 'paid', ...taxCredited };
    });
  }

  /** A receivable posted to a ledger alone (a late fee, an order, an installment, a remainder): no lines, its kind. */
  private async ledgerOnly(tenantId: string, id: string) {
    const item = await ledgerItem(this.store, tenantId, id);
    if (!item) throw new NotFoundError('Invoice', id);
    const { accountId, invoiceDate, dueDate, currency, amount, balance, status, kind } = item;
    return { id, accountId, kind, invoiceDate, dueDate, currency, total: amount, balance, status, lines: [] };
  }
}

interface Share {
  invoiceId: string;
  accountId: string;
  amount: number;
  balance: number;
  status: string;
  /** Tax reversed by credit memos on this share (decision 0024); absent when none. */
  taxCredited?: number;
}

/** The API shape up to the lines, fields in a fixed order; `_position` stays inside. The balance is the invoiced account's share's. */
function toInvoiceItem(id: string, doc: InvoiceDoc, shares: readonly Share[]) {
  const { number, accountId, planInstanceId, invoiceDate, dueDate, currency, total } = doc;
  const own = shares.find((share) => share.invoiceId === id && share.accountId === accountId);
  // subtotal and tax (DOMAIN.md §13): documents projected before tax have neither (all subtotal, no tax).
  const credited = own?.taxCredited ? { taxCredited: own.taxCredited } : {};
  return { id, number, accountId, planInstanceId, invoiceDate, dueDate, currency, subtotal: doc.subtotal ?? total, tax: doc.tax ?? 0, total, balance: own?.balance ?? 0, status: own?.status ?? 'paid', ...credited };
}
