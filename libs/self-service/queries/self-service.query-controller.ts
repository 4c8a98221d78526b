import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { CustomersOnly } from '../../platform/http/access';
import { CurrentCustomer, CustomerSession } from '../../platform/http/customer-access';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { ACCOUNTS } from '../../accounts/read-model';
import { CurrentTenant } from '../../tenancy';
import { selfServiceRules, TenantView } from '../../tenancy/domain';
import { CUSTOMER_USERS, CustomerUserDoc } from '../read-model';

/** Bound of one account's users listed at once (an account has a handful). */
const MAX_USERS_LISTED = 1000;

@ApiTags('self-service')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class SelfServiceQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('accounts/:id/customer-users')
  @ApiOperation({ summary: "The account's customer users, by id: { items: [{ id, accountId, email, scope, status, createdAt }] } (never a hash or a token)" })
  async listCustomerUsers(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, accountId))) throw new NotFoundError('Account', accountId);
    const page = await this.store.find<CustomerUserDoc>(CUSTOMER_USERS, tenant.id, { filter: { accountId }, limit: MAX_USERS_LISTED });
    return { items: page.items.map(({ userId, email, scope, status, createdAt }) => ({ id: userId, accountId, email, scope, status, createdAt })) };
  }

  @CustomersOnly()
  @Get('self-service/me')
  @ApiOperation({
    summary:
      'The signed-in customer: { userId, email, accountId, scope, expiresAt, rules: { planIds, paymentMethodTypes, ordering } } ' +
      '(rules: what the tenant lets its customers choose, so a page can offer only that)',
  })
  me(@CurrentCustomer() session: CustomerSession, @CurrentTenant() tenant: TenantView) {
    const { userId, email, accountId, scope, expiresAt } = session;
    return { userId, email, accountId, scope, expiresAt, rules: selfServiceRules(tenant.settings) };
  }
}
