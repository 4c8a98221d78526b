import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { READ_STORE, ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { DEFAULT_PAGE_SIZE, findPage, MAX_PAGE_SIZE, pageSize, withCursor } from '../../platform/http/paging';
import { PAYMENT_METHODS, PaymentMethodDoc, PAYMENTS, PaymentDoc, TRANSACTIONS, TransactionDoc } from '../read-model';
import { CustomerMay } from '../../platform/http/customer-access';

const PAGING = [
  { name: 'limit', required: false, description: `1–${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` },
  { name: 'cursor', required: false, description: 'The nextCursor of the previous page' },
] as const;

@ApiTags('payments')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class PaymentsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay({ param: 'id', collection: 'payments' })
  @Get('payments/:id')
  @ApiOperation({ summary: 'A payment: { id, accountId, date, amount, currency, status: succeeded|failed, failureReason, source, reference, applications, unapplied, refunded, reversed }' })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get<PaymentDoc>(PAYMENTS, tenant.id, id);
    if (!doc) throw new NotFoundError('Payment', id);
    return paymentOf(doc);
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/payments')
  @ApiOperation({ summary: "The account's payments, newest first, a page at a time: { items, nextCursor? }" })
  @ApiQuery(PAGING[0])
  @ApiQuery(PAGING[1])
  async ofAccount(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.existing(tenant.id, id);
    const page = await findPage<PaymentDoc>(this.store, PAYMENTS, tenant.id, { filter: { accountId: id }, sortBy: 'sequence', direction: 'desc', limit: pageSize(limit) }, cursor);
    return withCursor(page.items.map(paymentOf), page.nextCursor);
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/transactions')
  @ApiOperation({
    summary:
      "The account's ledger, newest first: { items: [{ id, type: invoice|payment|refund|creditMemo|writeOff|reversal, date, amount, balanceAfter, reference }], nextCursor? }. " +
      'Charges positive, money received negative; the amounts sum to the balance. A credit memo that reversed tax also says `tax`, the part of its amount that is tax.',
  })
  @ApiQuery(PAGING[0])
  @ApiQuery(PAGING[1])
  async transactions(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    await this.existing(tenant.id, id);
    const page = await findPage<TransactionDoc>(this.store, TRANSACTIONS, tenant.id, { filter: { accountId: id }, sortBy: 'sequence', direction: 'desc', limit: pageSize(limit) }, cursor);
    return withCursor(
      page.items.map(({ entryId, type, date, amount, balanceAfter, reference, tax }) => ({ id: entryId, type, date, amount, balanceAfter, reference, ...(tax !== undefined ? { tax } : {}) })),
      page.nextCursor,
    );
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/payment-methods')
  @ApiOperation({ summary: "The account's payment methods in the order added: { items: [{ id, accountId, type, last4, status: active|removed, isDefault }] } (never the gateway token)" })
  async paymentMethods(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    await this.existing(tenant.id, id);
    const page = await this.store.find<PaymentMethodDoc>(PAYMENT_METHODS, tenant.id, { filter: { accountId: id }, sortBy: 'sequence', limit: 1000 });
    return { items: page.items.map(({ paymentMethodId, accountId, type, last4, status, isDefault }) => ({ id: paymentMethodId, accountId, type, last4, status, isDefault })) };
  }

  private async existing(tenantId: string, accountId: string) {
    const account = await this.store.get(ACCOUNTS, tenantId, accountId);
    if (!account) throw new NotFoundError('Account', accountId);
    return account;
  }
}

function paymentOf(doc: StoredDoc<PaymentDoc>) {
  const { id, accountId, date, amount, currency, status, failureReason, source, reference, paymentMethodId, applications, unapplied, refunded, reversed } = doc;
  return { id, accountId, date, amount, currency, status, failureReason, source, reference, paymentMethodId, applications, unapplied, refunded, reversed };
}
