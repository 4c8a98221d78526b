import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCOUNTS } from '../../accounts/read-model';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { CurrentTenant } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { OrderView } from '../domain';
import { INSTALLMENT_SCHEDULES, InstallmentScheduleDoc, OrderDoc, ORDERS } from '../read-model';
import { CustomerMay } from '../../platform/http/customer-access';

const SHAPE =
  '{ id, accountId, currency, lines: [{ itemId, name, quantity, unitPrice, amount }], total, invoice: { id, invoiceDate, dueDate, total }, planInstanceId, ' +
  'installmentTermId, installmentSchedule: { id, status, installments: [{ number, kind, invoiceDate, dueDate, amount, status }] } | null }; the schedule and its ' +
  'rows as they are now (GET /v1/installment-schedules/{id} has the rest)';

@ApiTags('orders')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class OrdersQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay({ param: 'id', collection: 'orders' })
  @Get('orders/:id')
  @ApiOperation({ summary: `An order: ${SHAPE}` })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get<OrderDoc>(ORDERS, tenant.id, id);
    if (!doc) throw new NotFoundError('Order', id);
    const [order] = await this.withSchedules(tenant.id, [doc]);
    return order;
  }

  @CustomerMay({ param: 'id' })
  @Get('accounts/:id/orders')
  @ApiOperation({ summary: `The account's orders, newest first, a page at a time: { items: [${SHAPE}], nextCursor? }` })
  @PageQueries()
  async ofAccount(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const page = await findPage<OrderDoc>(this.store, ORDERS, tenant.id, { filter: { accountId: id }, sortBy: 'sequence', direction: 'desc', limit: pageSize(limit) }, cursor);
    return withCursor(await this.withSchedules(tenant.id, page.items), page.nextCursor);
  }

  /** The orders in the API's shape, each schedule's status and its rows' statuses taken from the schedule's read model. */
  private async withSchedules(tenantId: string, docs: OrderDoc[]): Promise<OrderView[]> {
    const ids = docs.flatMap((doc) => (doc.installmentSchedule ? [doc.installmentSchedule.id] : []));
    const schedules = ids.length === 0 ? [] : await this.store.getMany<InstallmentScheduleDoc>(INSTALLMENT_SCHEDULES, tenantId, ids);
    const byId = new Map(schedules.map((schedule) => [schedule.id, schedule]));
    return docs.map((doc): OrderView => {
      const { orderId: _orderId, id, accountId, currency, lines, total, subtotal, tax, adjustments, invoice, planInstanceId, installmentTermId, installmentSchedule } = doc as OrderDoc & { orderId?: string };
      const live = installmentSchedule ? byId.get(installmentSchedule.id) : undefined;
      const rowStatus = new Map(live?.installments.map((row) => [row.number, row.status]) ?? []);
      return {
        id,
        accountId,
        currency,
        lines,
        total,
        // With a coupon or a tax rate (decision 0021): total = subtotal + tax, and the discount and tax lines.
        ...(tax !== undefined ? { subtotal, tax, adjustments } : {}),
        invoice,
        planInstanceId,
        installmentTermId,
        installmentSchedule: installmentSchedule && {
          id: installmentSchedule.id,
          status: live?.status ?? installmentSchedule.status,
          installments: installmentSchedule.installments.map((row) => ({ ...row, status: rowStatus.get(row.number) ?? row.status })),
        },
      };
    });
  }
}
