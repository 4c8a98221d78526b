import { Body, Controller, Delete, HttpCode, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { commandContextFrom } from '../../platform/http/request-context';
import { ApplyCouponCommand, ApplyCouponDto, CouponReasonDto, CouponView, CreateCouponCommand, CreateCouponDto, DeactivateCouponCommand, RemoveCouponCommand } from './coupons';
import { CreateTaxRateCommand, CreateTaxRateDto } from './tax-rates';

@ApiTags('pricing')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class CouponsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post('coupons')
  @ApiOperation({
    summary:
      'Create a coupon (201): percentOff or amountOff (with currency), once, repeating (durationInPeriods invoices) or forever, ' +
      'on every plan or only planIds/serviceIds, with an optional maxRedemptions (accounts) and expiresOn. Coupons cannot be changed.',
  })
  createCoupon(@CurrentTenant() tenant: TenantView, @Body() input: CreateCouponDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<CouponView>(new CreateCouponCommand({ ...input }, context), reply);
  }

  @Post('accounts/:id/coupons')
  @ApiOperation({
    summary:
      "Apply a coupon to an account (201): it discounts the invoices of the account and of its descendants, unless a nearer account has its own; " +
      'it replaces a coupon set on the account before. An expired coupon, an exhausted one or an amount off in another currency is 422.',
  })
  applyCoupon(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: ApplyCouponDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new ApplyCouponCommand({ accountId: id, input: { ...input } }, context), reply);
  }

  @Post('coupons/:id/deactivate')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'End a coupon with a reason (200 with the coupon, active: false): it can no longer be applied (422 couponInactive). Accounts that have it keep it ' +
      'and it runs its duration there until removed from them (DELETE /v1/accounts/{id}/coupons/{couponId}). Deactivating again is 422; unknown 404.',
  })
  deactivateCoupon(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: CouponReasonDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<CouponView>(new DeactivateCouponCommand({ couponId: id, reason: input?.reason }, context), reply);
  }

  @Delete('accounts/:id/coupons/:couponId')
  @ApiOperation({
    summary:
      'Remove the coupon set on an account, with a reason (200 { accountId, couponId, removedOn, reason }): from its next invoice on, the account and its ' +
      "descendants no longer get it (they get an ancestor's coupon, if one has). A coupon not set on the account itself (none, another, or only inherited) is 422 couponNotApplied.",
  })
  removeCoupon(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Param('couponId') couponId: string,
    @Body() input: CouponReasonDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new RemoveCouponCommand({ accountId: id, couponId, reason: input?.reason }, context), reply);
  }

  @Post('tax-rates')
  @ApiOperation({
    summary:
      'Create a tax rate (201): percent (0-100) for accounts in country (and region), for lines of services with taxCategory, exclusive (added) or inclusive ' +
      '(carved out of prices). Each invoice then has one tax line per rate on the discounted amounts; tax-exempt accounts get none.',
  })
  createTaxRate(@CurrentTenant() tenant: TenantView, @Body() input: CreateTaxRateDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new CreateTaxRateCommand({ ...input }, context), reply);
  }
}
