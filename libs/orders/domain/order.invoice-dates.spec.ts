import { AlignedPlanInstance, upcomingInvoiceDates } from './order.invoice-dates';

const monthly = (change: Partial<AlignedPlanInstance> = {}): AlignedPlanInstance => ({
  anchorDate: '2024-01-31',
  billDay: 31,
  billingInterval: { unit: 'month', count: 1 },
  nextBillDate: '2024-02-29',
  endsOn: null,
  ...change,
});

describe('upcomingInvoiceDates: the aligned plan instance\'s next invoice dates', () => {
  it('follows the grid from the anchor: bill day 31 clamps to February (leap year) and comes back', () => {
    expect(upcomingInvoiceDates(monthly(), '2024-02-10', 4)).toEqual(['2024-02-29', '2024-03-31', '2024-04-30', '2024-05-31']);
  });

  it('starts strictly after the order date: an order on a bill date that is already billed starts at the next one', () => {
    expect(upcomingInvoiceDates(monthly({ nextBillDate: '2024-03-31' }), '2024-02-29', 2)).toEqual(['2024-03-31', '2024-04-30']);
    // Not billed yet today (the bill run has not run): today is not "upcoming" either.
    expect(upcomingInvoiceDates(monthly({ nextBillDate: '2024-02-29' }), '2024-02-29', 2)).toEqual(['2024-03-31', '2024-04-30']);
  });

  it('never starts before the next bill date', () => {
    expect(upcomingInvoiceDates(monthly({ nextBillDate: '2024-04-30' }), '2024-02-10', 2)).toEqual(['2024-04-30', '2024-05-31']);
  });

  it('quarterly and weekly intervals', () => {
    const quarterly = monthly({ anchorDate: '2023-11-15', billDay: 15, billingInterval: { unit: 'month', count: 3 }, nextBillDate: '2024-02-15' });
    expect(upcomingInvoiceDates(quarterly, '2024-01-01', 3)).toEqual(['2024-02-15', '2024-05-15', '2024-08-15']);
    const biweekly = monthly({ anchorDate: '2024-01-01', billDay: 1, billingInterval: { unit: 'week', count: 2 }, nextBillDate: '2024-01-29' });
    expect(upcomingInvoiceDates(biweekly, '2024-01-20', 3)).toEqual(['2024-01-29', '2024-02-12', '2024-02-26']);
  });

  it('a year ahead, across the year end', () => {
    const dates = upcomingInvoiceDates(monthly({ anchorDate: '2024-01-15', billDay: 15, nextBillDate: '2024-12-15' }), '2024-12-01', 12);
    expect(dates[0]).toBe('2024-12-15');
    expect(dates[1]).toBe('2025-01-15');
    expect(dates[11]).toBe('2025-11-15');
  });

  it('stops where the billing ends (a cancellation, done or scheduled); none once cancelled', () => {
    expect(upcomingInvoiceDates(monthly({ endsOn: '2024-04-30' }), '2024-02-10', 6)).toEqual(['2024-02-29', '2024-03-31']);
    expect(upcomingInvoiceDates(monthly({ nextBillDate: null }), '2024-02-10', 6)).toEqual([]);
    expect(upcomingInvoiceDates(monthly(), '2024-02-10', 0)).toEqual([]);
  });
});
