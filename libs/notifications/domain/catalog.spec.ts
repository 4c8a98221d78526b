import { codeOf, EVENT_CATALOG, isPublished, publicPayload, PUBLISHED_TYPES } from './catalog';

describe('The public event catalog', () => {
  it('lists each type once', () => {
    expect(new Set(PUBLISHED_TYPES).size).toBe(PUBLISHED_TYPES.length);
  });

  it('publishes the coupon, tax and dated-start events of issue 23, each describing its data', () => {
    for (const type of ['CouponCreated', 'CouponApplied', 'CouponRemoved', 'CouponDeactivated', 'TaxRateCreated', 'AccountTaxExemptChanged', 'PlanInstanceActivated', 'PlanInstanceBillDateReset']) {
      expect([type, isPublished(type)]).toEqual([type, true]);
      expect(codeOf(type)).toBeUndefined();
    }
    const described = (type: string) => EVENT_CATALOG.find((entry) => entry.type === type)?.description ?? '';
    expect(described('CouponRemoved')).toContain('data: { couponId, accountId, removedOn, reason }');
    expect(described('CouponDeactivated')).toContain('data: { couponId, deactivatedOn, reason }');
    expect(described('AccountTaxExemptChanged')).toContain('data: { accountId, taxExempt }');
  });

  it('keeps internal bookkeeping unpublished', () => {
    for (const type of ['TimerScheduled', 'BusinessDayStarted', 'ReceivablePosted', 'CreditApplied', 'PoolRated', 'UsageRecorded', 'WebhookDeliveryAttempted', 'TenantCreated', 'TenantApiKeyRotated']) {
      expect([type, isPublished(type)]).toEqual([type, false]);
    }
  });

  it("publishes a coupon event's data as it is in the log", () => {
    const data = { couponId: 'ten', accountId: 'a', removedOn: '2024-01-15', reason: 'Customer asked' };
    expect(publicPayload(data)).toEqual(data);
  });
});
