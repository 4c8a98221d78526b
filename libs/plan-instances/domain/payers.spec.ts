import { InvoiceLine, owedBy } from './invoice';
import { paidByOthers, withPayers } from './payers';

const line = (type: InvoiceLine['type'], amount: number): InvoiceLine => ({
  type,
  planInstanceId: 'pi-1',
  serviceId: type === 'usage' ? 'gb' : 'base',
  description: type,
  periodStart: '2024-01-01',
  periodEnd: '2024-01-31',
  quantity: '1',
  unitPrice: null,
  amount,
  prorated: false,
});

describe('split billing: payers of invoice lines (DOMAIN.md §7)', () => {
  it('parent pays recurring, child pays usage: one setting', () => {
    const lines = withPayers([line('recurring', 10000), line('credit', -500), line('usage', 2720)], 'child', {
      recurring: [{ payerAccountId: 'parent', percent: '100' }],
    });
    expect(lines.map((l) => l.payers)).toEqual([[{ accountId: 'parent', amount: 10000 }], [{ accountId: 'parent', amount: -500 }], undefined]);
    expect(owedBy({ accountId: 'child', lines })).toEqual([
      { accountId: 'child', amount: 2720 },
      { accountId: 'parent', amount: 9500 },
    ]);
    expect(paidByOthers(lines, 'child')).toBe(true);
  });

  it('splits percentage shares by largest remainder, ties to the lower account id, parts summing to the line', () => {
    const [split] = withPayers([line('recurring', 100)], 'a', {
      recurring: [
        { payerAccountId: 'z', percent: '33.3333' },
        { payerAccountId: 'b', percent: '33.3333' },
        { payerAccountId: 'a', percent: '33.3334' },
      ],
    });
    expect(split.payers).toEqual([
      { accountId: 'a', amount: 34 },
      { accountId: 'b', amount: 33 },
      { accountId: 'z', amount: 33 },
    ]);
    const [tie] = withPayers([line('recurring', 1)], 'x', { recurring: [{ payerAccountId: 'p2', percent: '50' }, { payerAccountId: 'p1', percent: '50' }] });
    expect(tie.payers).toEqual([
      { accountId: 'p1', amount: 1 },
      { accountId: 'p2', amount: 0 },
    ]);
  });

  it('leaves lines the account pays alone untouched', () => {
    const lines = [line('recurring', 100)];
    expect(withPayers(lines, 'a', {})).toEqual(lines);
    expect(withPayers(lines, 'a', { recurring: [{ payerAccountId: 'a', percent: '100' }] })).toEqual(lines);
    expect(paidByOthers(lines, 'a')).toBe(false);
    expect(owedBy({ accountId: 'a', lines })).toEqual([{ accountId: 'a', amount: 100 }]);
  });
});
