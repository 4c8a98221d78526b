import { Controller, Get, Headers, Inject, Param, Query, Res, UseGuards } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { NotFoundError } from '../../shared-kernel/errors';
import { nestSections, Statement, StatementSection } from '../domain/statement';
import { accountStatus, outstanding, statementStatus } from '../domain/statement-money';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { findEach } from '../../platform/read-store/find-all';
import { ACCOUNTS } from '../../accounts/read-model';
import { ACCOUNT_BALANCES, AccountBalanceDoc, StatementDoc, statementOf, STATEMENT_SECTIONS, StatementSectionDoc, STATEMENTS, sectionsRange } from '../read-model/statements.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { RECEIVABLE_ACCOUNTS, RECEIVABLE_ITEMS, ReceivableAccountDoc, ReceivableItemDoc } from '../../payments/read-model';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { CustomerMay } from '../../platform/http/customer-access';
import { AccountForDocument, documentHtml, DocumentFormat, negotiateDocument, safeFileName } from '../../shared-kernel/documents';
import { statementDocument } from '../documents/statement-document';
import { renderPdf } from '../../platform/documents/pdf-renderer';
import { AsOfQueries, parseAsOf, PastView, TimeTravel } from '../../platform/time-travel/time-travel';

const STATEMENT_SHAPE =
  '{ id, accountId, statementDate, periodStart, periodEnd, currency, openingBalance, charges, payments, credits, closingBalance, amountDue, ' +
  'dueDate, outstanding, status: paid|unpaid|late|late_ok|installment_due_paid, invoiceIds, lines, sections: [{ accountId, name, lines, total, sections: [...] }] }. ' +
  'Amounts in minor units. payments: money received while it was the latest statement, less refunds and reversals; credits ' +
  '(shown positive): invoice credit lines, credit memos and write-offs; closingBalance = openingBalance + charges − payments − credits; ' +
  'amountDue: the closing balance when positive, else 0. outstanding: what is still owed now of the charges on it (its invoices and ' +
  "sections), as payments, credits and write-offs were applied to them; dueDate: the oldest due date of those still owed. Lines: the invoice line with invoiceId, " +
  'invoiceDate, dueDate, owed (what this account owes of it) and paidBy (the other accounts owing part of it). ' +
  "Sections: the accounts whose charges this account pays, nested as the tree is, in account-id order; total = owed for the section and its sections. " +
  "Status from the tenant's business date, over its own charges: paid (none owed), late_ok (none owed, but one was settled after its due date), " +
  'late (owed past dueDate), installment_due_paid (only installments not yet due are owed), else unpaid.';

@ApiTags('statements')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class StatementsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
    private readonly timeTravel: TimeTravel,
  ) {}

  @CustomerMay({ param: 'id', collection: 'statements' })
  @Get('statements/:id')
  @ApiOperation({
    summary:
      `A statement (id "<accountId>:<YYYY-MM-DD>"): ${STATEMENT_SHAPE} ` +
      'With Accept: application/pdf the statement as a PDF (also at /v1/statements/{id}.pdf), with Accept: text/html as a page (also {id}.html).',
  })
  @ApiProduces('application/json', 'application/pdf', 'text/html')
  @AsOfQueries()
  async get(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const format = negotiateDocument(accept);
    const past = parseAsOf({ asOf, asOfPosition });
    void reply.header('vary', 'Accept');
    return this.timeTravel.read<unknown>(tenant, past, this.store, (view) => (format === 'json' ? this.statement(tenant, id, view) : this.document(tenant, id, format, reply, view)));
  }

  @CustomerMay({ param: 'id', collection: 'statements' })
  @Get('statements/:id.pdf')
  @ApiOperation({
    summary:
      "A statement as a PDF: the tenant's name, the account's name and address, opening balance, charges, credits, payments, closing balance, " +
      "amount due, due date, its lines and nested sections, amounts for the currency and the account's language",
  })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'The PDF', content: { 'application/pdf': { schema: { type: 'string', format: 'binary' } } } })
  pdf(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(tenant, id, 'pdf', reply);
  }

  @CustomerMay({ param: 'id', collection: 'statements' })
  @Get('statements/:id.html')
  @ApiOperation({ summary: 'A statement as a small standalone HTML page (for the portal): the same content as the PDF' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } })
  html(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.document(tenant, id, 'html', reply);
  }

  /** The statement as of the view (the live read models and today, or the past's: time travel). */
  private async statement(tenant: TenantView, id: string, view: PastView = this.live(tenant)) {
    const doc = await view.store.get<StatementDoc>(STATEMENTS, tenant.id, id);
    if (!doc) throw new NotFoundError('Statement', id);
    return this.toApi(view, tenant, id, statementOf(doc));
  }

  private live(tenant: TenantView): PastView {
    return { store: this.store, position: Number.NaN, businessDate: this.directory.businessDate(tenant) };
  }

  /** The statement's PDF or HTML page; another tenant's or an unknown id is 404 as for the JSON. */
  private async document(tenant: TenantView, id: string, format: Exclude<DocumentFormat, 'json'>, reply: FastifyReply, view: PastView = this.live(tenant)): Promise<Buffer | string> {
    const statement = await this.statement(tenant, id, view);
    const account = await view.store.get<AccountForDocument>(ACCOUNTS, tenant.id, statement.accountId);
    const model = statementDocument(statement, account, tenant.name);
    if (format === 'html') {
      void reply.header('content-type', 'text/html; charset=utf-8');
      return documentHtml(model, account?.language);
    }
    const name = `statement-${safeFileName(`${statement.accountId}-${statement.statementDate}`)}`;
    void reply.header('content-type', 'application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`);
    return renderPdf(model, statement.statementDate);
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/statements')
  @ApiOperation({ summary: `The account's statements, newest first, a page at a time: { items: [statement], nextCursor? }. A statement: ${STATEMENT_SHAPE}` })
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
    return this.timeTravel.read(tenant, parseAsOf({ asOf, asOfPosition }), this.store, async (view) => {
      const { store } = view;
      if (!(await store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
      // Newest first by id: an account's statement ids differ only in their date ("<accountId>:<YYYY-MM-DD>").
      const page = await findPage<StatementDoc>(store, STATEMENTS, tenant.id, { filter: { accountId: id }, sortBy: 'id', direction: 'desc', limit: size }, cursor);
      const items = [];
      for (const doc of page.items) items.push(await this.toApi(view, tenant, doc.id, statementOf(doc)));
      return withCursor(items, page.nextCursor);
    });
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/balance')
  @ApiOperation({
    summary:
      "The account's balance now: { accountId, currency, balance, open, pastDue, credit, amountDue, dueDate, status, lastStatementId, lastStatementDate, asOf }. " +
      'balance: what it owes after payments, credits and write-offs (open − credit; negative: a credit), in minor units; with split billing only the shares it owes. ' +
      "pastDue: open shares due before the business date (asOf); credit: money not yet applied; dueDate: the oldest due date of a share still owed. " +
      'An account never invoiced has balance 0 and no statement.',
  })
  @AsOfQueries()
  async balance(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('asOf') asOfDate?: unknown, @Query('asOfPosition') asOfPosition?: unknown) {
    return this.timeTravel.read(tenant, parseAsOf({ asOf: asOfDate, asOfPosition }), this.store, (view) => this.balanceOf(view, tenant, id));
  }

  private async balanceOf({ store, businessDate }: PastView, tenant: TenantView, id: string) {
    const account = await store.get<{ currency: string }>(ACCOUNTS, tenant.id, id);
    if (!account) throw new NotFoundError('Account', id);
    const statements = await store.get<AccountBalanceDoc>(ACCOUNT_BALANCES, tenant.id, id);
    const totals = await store.get<ReceivableAccountDoc>(RECEIVABLE_ACCOUNTS, tenant.id, id);
    const asOf = businessDate;
    // What is owed comes from the payments context's receivables; the statements add where the last one is.
    let pastDue = 0;
    let dueDate: string | null = null;
    for await (const item of findEach<ReceivableItemDoc>(store, RECEIVABLE_ITEMS, tenant.id, { filter: { accountId: id } })) {
      if (item.balance <= 0) continue;
      if (item.dueDate < asOf) pastDue += item.balance;
      if (dueDate === null || item.dueDate < dueDate) dueDate = item.dueDate;
    }
    const balance = totals?.balance ?? 0;
    const amountDue = Math.max(balance, 0);
    return {
      accountId: id,
      currency: totals?.currency || account.currency,
      balance,
      open: totals?.open ?? 0,
      pastDue,
      credit: totals?.credit ?? 0,
      amountDue,
      dueDate,
      status: accountStatus(amountDue, dueDate, asOf),
      lastStatementId: statements?.lastStatementId ?? null,
      lastStatementDate: statements?.lastStatementDate ?? null,
      asOf,
    };
  }

  /** Fields in a fixed order, status from the business date, sections nested and named. */
  private async toApi({ store, businessDate }: PastView, tenant: TenantView, id: string, statement: Statement) {
    const { accountId, statementDate, periodStart, periodEnd, currency, openingBalance, charges, payments, credits, closingBalance, amountDue, dueDate } = statement;
    const sections = await this.sectionsOf(store, tenant.id, id);
    const ids = [...new Set(sections.map((section) => section.accountId))];
    const accounts = ids.length === 0 ? [] : await store.getMany<{ name: string }>(ACCOUNTS, tenant.id, ids);
    const names = new Map(accounts.map((account) => [account.id, account.name]));
    return {
      id,
      accountId,
      statementDate,
      periodStart,
      periodEnd,
      currency,
      openingBalance,
      charges,
      payments,
      credits,
      closingBalance,
      amountDue,
      dueDate,
      outstanding: outstanding(statement),
      status: statementStatus(statement, businessDate),
      invoiceIds: statement.invoiceIds,
      lines: statement.lines,
      sections: nestSections(sections, (sectionAccountId) => names.get(sectionAccountId) ?? null),
    };
  }

  /** Every section of the statement, in account-id order (a range of ids, a page of 1,000 at a time). */
  private async sectionsOf(store: ReadStore, tenantId: string, id: string): Promise<StatementSection[]> {
    const sections: StatementSection[] = [];
    for await (const { statementId, accountId, parentAccountId, lines, owed } of findEach<StatementSectionDoc>(store, STATEMENT_SECTIONS, tenantId, { filter: { id: sectionsRange(id) } })) {
      sections.push({ statementId, accountId, parentAccountId, lines, owed });
    }
    return sections;
  }
}
