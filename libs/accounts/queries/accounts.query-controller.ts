import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { Metadata, shownMetadata } from '../../shared-kernel/metadata';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../platform/http/paging';
import { accountHistoryPage, parseHistoryQuery } from './account-history';
import { ACCOUNTS } from '../read-model/accounts.projection';
import { PAYMENT_RESPONSIBILITIES } from '../read-model/payment-responsibilities.projection';
import { PaymentResponsibility } from '../domain/payment-responsibility';
import { withDefaults } from '../domain/payment-responsibility.decider';
import { DEFAULT_PAYMENT_TERMS_DAYS } from '../domain/payment-terms';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { CustomerMay } from '../../platform/http/customer-access';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';

@ApiTags('accounts')
@UseGuards(MinPositionGuard)
@Controller('v1/accounts')
export class AccountsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @CustomerMay({ param: 'id' })
  @Get(':id')
  @ApiOperation({ summary: 'An account, from its read model (or as it was: asOf, asOfPosition)' })
  @AsOfQueries()
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('asOf') asOf?: unknown, @Query('asOfPosition') asOfPosition?: unknown) {
    // Only the events about the account are replayed for its own document (decision 0020).
    return this.timeTravel.readAccount(tenant, parseAsOf({ asOf, asOfPosition }), id, this.store, async ({ store }) => {
      const doc = await store.get(ACCOUNTS, tenant.id, id);
      if (!doc) throw new NotFoundError('Account', id);
      return toAccount(id, doc);
    });
  }

  @Get(':id/payment-responsibility')
  @ApiOperation({ summary: "Who pays each class of the account's charges (every class spelled out; default: the account itself)" })
  async paymentResponsibility(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const setting = await this.store.get<{ responsibility: PaymentResponsibility }>(PAYMENT_RESPONSIBILITIES, tenant.id, id);
    return { accountId: id, ...withDefaults(id, setting?.responsibility ?? {}) };
  }

  @Get(':id/history')
  @ApiOperation({
    summary:
      "Everything that happened to the account, from every stream it touches (its own, hierarchy links, plan instances, invoices, payments, credits, dunning, orders and installments, pools, payment responsibility), in log order, read from the log itself",
  })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  @ApiQuery({ name: 'limit', required: false, description: `1-${MAX_PAGE_SIZE}, default ${DEFAULT_PAGE_SIZE}` })
  @ApiQuery({ name: 'type', required: false, description: 'Only these event types (comma-separated)' })
  @ApiQuery({ name: 'from', required: false, description: 'Business date YYYY-MM-DD, inclusive' })
  @ApiQuery({ name: 'to', required: false, description: 'Business date YYYY-MM-DD, inclusive, not before from' })
  async history(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('cursor') cursor?: unknown,
    @Query('limit') limit?: unknown,
    @Query('type') type?: unknown,
    @Query('from') from?: unknown,
    @Query('to') to?: unknown,
  ) {
    const query = parseHistoryQuery({ cursor, limit, type, from, to });
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    return accountHistoryPage(this.store, this.events, tenant.id, id, query);
  }
}

/** The API shape of an account document: the list's search keys and `_position` stay inside. */
export function toAccount(id: string, doc: Record<string, unknown>) {
  const { _position, id: _, searchName, searchEmail, metadata, ...account } = doc;
  // A document projected before payment terms existed (and not rebuilt since) has no paymentTermsDays: 0.
  return { id, ...account, paymentTermsDays: account.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS, ...shownMetadata(metadata as Metadata | undefined) };
}
