import { daysBilledByOthers, UsageHolder } from './usage-facts';

describe('usage of a service held by several plan instances of one account is billed once', () => {
  const holder = (id: string, startDate: string, cancelledOn: string | null = null, usageServiceIds = ['gb']): UsageHolder => ({ id, startDate, cancelledOn, usageServiceIds });

  it('leaves out the days an instance that started earlier (then the lower id) covers, up to its cancellation', () => {
    const others = [holder('a', '2024-01-01', '2024-03-10'), holder('b', '2024-02-01'), holder('c', '2024-02-01'), holder('d', '2023-06-01', null, ['sms'])];
    expect(daysBilledByOthers({ id: 'b', startDate: '2024-02-01' }, 'gb', others)).toEqual([{ from: '2024-01-01', to: '2024-03-10' }]);
    expect(daysBilledByOthers({ id: 'c', startDate: '2024-02-01' }, 'gb', others)).toEqual([
      { from: '2024-01-01', to: '2024-03-10' },
      { from: '2024-02-01', to: '9999-12-31' },
    ]);
    // The first holder bills everything; another service's holder changes nothing.
    expect(daysBilledByOthers({ id: 'a', startDate: '2024-01-01' }, 'gb', others)).toEqual([]);
    expect(daysBilledByOthers({ id: 'x', startDate: '2024-05-01' }, 'sms', others)).toEqual([{ from: '2023-06-01', to: '9999-12-31' }]);
  });
});
