import { ratesOfPlace } from '../../catalog/read-model';
import { TaxRate } from '../../catalog/domain';
import { taxPlaceOf } from './tax-calculation.port';

describe('the built-in tax calculation: the rates of a place', () => {
  const rate = (taxRateId: string, country: string | null, region: string | null): TaxRate => ({ taxRateId, name: taxRateId, percent: '5', country, region, taxCategory: null, inclusive: false });
  const table = [rate('anywhere', null, null), rate('us', 'US', null), rate('ca-state', 'US', 'CA'), rate('gb', 'GB', null)];
  const ids = (rates: TaxRate[]) => rates.map((r) => r.taxRateId);

  it.each([
    ['US', 'CA', ['anywhere', 'us', 'ca-state']],
    ['US', 'ca', ['anywhere', 'us', 'ca-state']],
    ['US', 'NY', ['anywhere', 'us']],
    ['US', null, ['anywhere', 'us']],
    ['GB', null, ['anywhere', 'gb']],
    [null, null, ['anywhere']],
  ])('country %s, region %s: %j', (country, region, expected) => {
    expect(ids(ratesOfPlace(table, country, region))).toEqual(expected);
  });

  it("places an account by its address, else its own country; exempt only when it says so", () => {
    expect(taxPlaceOf('a', { country: 'US', contact: { address: { country: 'GB', region: 'Kent' } } })).toEqual({ accountId: 'a', country: 'GB', region: 'Kent', exempt: false });
    expect(taxPlaceOf('a', { country: 'US', contact: {}, taxExempt: true })).toEqual({ accountId: 'a', country: 'US', region: null, exempt: true });
    expect(taxPlaceOf('a', null)).toEqual({ accountId: 'a', country: null, region: null, exempt: false });
  });
});
