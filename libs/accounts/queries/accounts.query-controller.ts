import { Controller, Get, Inject, Param, UseInterceptors } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { accountStream } from '../domain/account.decider';
import { ACCOUNTS } from '../read-model/accounts.projection';
import { PAYMENT_RESPONSIBILITIES } from '../read-model/payment-responsibilities.projection';
import { PaymentResponsibility } from '../domain/payment-responsibility';
import { withDefaults } from '../domain/payment-responsibility.decider';
import { DEFAULT_PAYMENT_TERMS_DAYS } from '../domain/payment-terms';
import { MinPositionInterceptor } from '../../platform/http/min-position.interceptor';
import { CustomerMay } from '../../platform/http/customer-access';

@ApiTags('accounts')
@UseInterceptors(MinPositionInterceptor)
@Controller('v1/accounts')
export class AccountsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
  ) {}

  @CustomerMay({ param: 'id' })
  @Get(':id')
  @ApiOperation({ summary: 'An account, from its read model' })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get(ACCOUNTS, tenant.id, id);
    if (!doc) throw new NotFoundError('Account', id);
    const { _position, id: _, ...account } = doc;
    // A document projected before payment terms existed (and not rebuilt since) has no paymentTermsDays: 0.
    return { id, ...account, paymentTermsDays: account.paymentTermsDays ?? DEFAULT_PAYMENT_TERMS_DAYS };
  }

  @Get(':id/payment-responsibility')
  @ApiOperation({ summary: "Who pays each class of the account's charges (every class spelled out; default: the account itself)" })
  async paymentResponsibility(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, id))) throw new NotFoundError('Account', id);
    const setting = await this.store.get<{ responsibility: PaymentResponsibility }>(PAYMENT_RESPONSIBILITIES, tenant.id, id);
    return { accountId: id, ...withDefaults(id, setting?.responsibility ?? {}) };
  }

  @Get(':id/history')
  @ApiOperation({ summary: "The account's events in order, read from the log itself (the audit trail)" })
  async history(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const events = await this.events.readStream(accountStream(tenant.id, id));
    if (events.length === 0) throw new NotFoundError('Account', id);
    return events.map((event) => ({
      position: event.position,
      revision: event.revision,
      type: event.type,
      data: event.data,
      metadata: event.metadata,
      recordedAt: event.recordedAt,
      businessDate: event.metadata.businessDate,
    }));
  }
}
