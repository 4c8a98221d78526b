import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CalendarDate, parseCalendarDate } from '../../shared-kernel/calendar-date';
import { Decimal } from '../../shared-kernel/decimal';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { assertValidId } from '../../shared-kernel/ids';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { ACCOUNTS } from '../../accounts/read-model';
import { USAGE_TOTALS, UsageTotalDoc, usageTotalsFilter } from '../read-model/usage.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { CustomerMay } from '../../platform/http/customer-access';

export interface ServiceUsageTotal {
  serviceId: string;
  /** Exact decimal string. */
  total: string;
  count: number;
  lateTotal: string;
  lateCount: number;
}

@ApiTags('usage')
@UseGuards(MinPositionGuard)
@Controller('v1/accounts')
export class UsageQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly directory: TenantDirectory,
  ) {}

  @CustomerMay({ param: 'id' })
  @Get(':id/usage')
  @ApiOperation({
    summary:
      "The account's usage per service over an inclusive range of occurrence dates: { accountId, from, to, services: [{ serviceId, total, count, " +
      'lateTotal, lateCount }] }, totals as exact decimal strings, services in id order (only those with usage). ' +
      "Default range: the first day of the business date's month to the business date.",
  })
  @ApiQuery({ name: 'serviceId', required: false, description: 'Only this service' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD, inclusive, not before from' })
  async usage(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('serviceId') serviceId?: string,
    @Query('from') fromParam?: string,
    @Query('to') toParam?: string,
  ) {
    if (serviceId !== undefined) assertValidId(serviceId, 'serviceId');
    const today = this.directory.businessDate(tenant);
    const from: CalendarDate = fromParam === undefined ? `${today.slice(0, 7)}-01` : parseCalendarDate(fromParam, 'from');
    const to: CalendarDate = toParam === undefined ? today : parseCalendarDate(toParam, 'to');
    if (to < from) throw InvalidInputError.forField('to', 'range', `to (${to}) must not be before from (${from})`);
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);

    const filter = usageTotalsFilter(id, from, to, serviceId);
    const sums = new Map<string, { total: Decimal; count: number; lateTotal: Decimal; lateCount: number }>();
    let cursor: string | undefined;
    do {
      const page = await this.store.find<UsageTotalDoc>(USAGE_TOTALS, tenant.id, { filter, limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const doc of page.items) {
        const sum = sums.get(doc.serviceId) ?? { total: new Decimal(0), count: 0, lateTotal: new Decimal(0), lateCount: 0 };
        sums.set(doc.serviceId, {
          total: sum.total.plus(doc.total),
          count: sum.count + doc.count,
          lateTotal: sum.lateTotal.plus(doc.lateTotal),
          lateCount: sum.lateCount + doc.lateCount,
        });
      }
      cursor = page.nextCursor;
    } while (cursor);

    const services: ServiceUsageTotal[] = [...sums.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, sum]) => ({ serviceId: id, total: sum.total.toString(), count: sum.count, lateTotal: sum.lateTotal.toString(), lateCount: sum.lateCount }));
    return { accountId: id, from, to, services };
  }
}
