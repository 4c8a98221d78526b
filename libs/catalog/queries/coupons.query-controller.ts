import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { Filter, READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, listPage, oneOf, PageQueries, pageSize, textParameter } from '../../platform/http/paging';
import { HIERARCHY } from '../../accounts/read-model';
import type { CouponTerms } from '../domain/coupon';
import { ACCOUNT_COUPONS, COUPONS } from '../read-model/coupons.projection';

/**
 * Coupons as operators read them (decision 0021, "Managing coupons"): the tenant's coupons, one coupon with how
 * many accounts it was applied to and how many it may still be, and the coupons an account has, its own and
 * inherited. Operator routes: a customer session is refused (403), as it is on every route not marked for customers.
 */
@ApiTags('pricing')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class CouponsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('coupons')
  @ApiOperation({
    summary:
      "The tenant's coupons, by id, a page at a time: { items: [coupon], nextCursor?, hasMore }; each as GET /v1/coupons/{id} answers. " +
      'active=true: only those that may still be applied (not deactivated; an expired or exhausted one is still listed); active=false: only deactivated ones.',
  })
  @ApiQuery({ name: 'active', required: false, enum: ['true', 'false'], description: 'true: not deactivated; false: deactivated' })
  @PageQueries()
  async list(@CurrentTenant() tenant: TenantView, @Query('active') active?: string, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const wanted = oneOf('active', active, ['true', 'false'] as const);
    const filter: Filter = wanted === undefined ? {} : { deactivatedOn: wanted === 'true' ? null : { ne: null } };
    const size = pageSize(limit);
    const page = await findPage(this.store, COUPONS, tenant.id, { filter, sortBy: 'id', limit: size }, textParameter('cursor', cursor, 4096));
    return listPage(page.items.map(({ id, ...doc }) => toCoupon(id, doc)), page.nextCursor);
  }

  @Get('coupons/:id')
  @ApiOperation({
    summary:
      'A coupon: its terms, redemptions (accounts it was applied to, each once, removals included), remaining (maxRedemptions less redemptions; ' +
      'null without a limit), active, deactivatedOn and deactivationReason.',
  })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get(COUPONS, tenant.id, id);
    if (!doc) throw new NotFoundError('Coupon', id);
    const { id: _id, ...fields } = doc;
    return toCoupon(id, fields);
  }

  @Get('accounts/:id/coupons')
  @ApiOperation({
    summary:
      "The coupons of an account, nearest first: { accountId, inForce, items: [{ couponId, setOn, inherited, inForce, appliedOn, coupon }] }: the one set on " +
      'the account itself (inherited: false) and those set on its ancestors (inherited: true, setOn the ancestor). inForce is the couponId billing uses ' +
      '(the nearest), or null. coupon: the terms as applied, with active saying whether the coupon may still be applied elsewhere.',
  })
  async ofAccount(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string) {
    const placement = await this.store.get<{ ancestors: string[] }>(HIERARCHY, tenant.id, accountId);
    if (!placement) throw new NotFoundError('Account', accountId);
    const owners = [accountId, ...placement.ancestors];
    const set = await this.store.getMany<{ couponId: string; appliedOn: string; coupon: CouponTerms }>(ACCOUNT_COUPONS, tenant.id, owners);
    const byOwner = new Map(set.map((doc) => [doc.id, doc]));
    const found = owners.flatMap((owner) => (byOwner.has(owner) ? [byOwner.get(owner)!] : []));
    const definitions = await this.store.getMany(COUPONS, tenant.id, [...new Set(found.map((doc) => doc.couponId))]);
    const deactivated = new Map(definitions.map((doc) => [doc.id, (doc.deactivatedOn as string | null | undefined) ?? null]));
    const items = found.map(({ id: setOn, couponId, appliedOn, coupon }, index) => {
      const { couponId: _couponId, ...terms } = coupon;
      return { couponId, setOn, inherited: setOn !== accountId, inForce: index === 0, appliedOn, coupon: { id: couponId, ...terms, active: deactivated.get(couponId) === null } };
    });
    return { accountId, inForce: items[0]?.couponId ?? null, items };
  }
}

/** The API shape of a coupon document, fields in a fixed order (as the command answers, `couponView`); `_position` stays inside. */
function toCoupon(id: string, doc: Record<string, unknown>) {
  const { name, percentOff, amountOff, currency, duration, durationInPeriods, planIds, serviceIds, maxRedemptions, expiresOn, createdOn } = doc;
  const redemptions = (doc.redemptions as number | undefined) ?? 0;
  const deactivatedOn = (doc.deactivatedOn as string | null | undefined) ?? null;
  const remaining = typeof maxRedemptions === 'number' ? Math.max(0, maxRedemptions - redemptions) : null;
  return {
    id, name, percentOff, amountOff, currency, duration, durationInPeriods, planIds, serviceIds, maxRedemptions, expiresOn,
    redemptions, remaining, createdOn,
    active: deactivatedOn === null, deactivatedOn, deactivationReason: (doc.deactivationReason as string | null | undefined) ?? null,
  };
}
