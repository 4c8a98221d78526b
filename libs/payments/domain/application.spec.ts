import { ApplicableItem, ApplicationMethod, applicationOrder, applyAmount } from './application';

const item = (invoiceId: string, balance: number, invoiceDate: string, dueDate: string, postingOrder: number, kind: ApplicableItem['kind'] = 'charge'): ApplicableItem => ({
  invoiceId,
  balance,
  invoiceDate,
  dueDate,
  postingOrder,
  kind,
});

describe("Aria's worked example", () => {
  // 60.00 (older) and 150.00 owed; she pays 175.00.
  const older = item('inv-older', 6000, '2025-01-01', '2025-01-31', 0);
  const newer = item('inv-newer', 15000, '2025-02-01', '2025-03-03', 1);

  it('FIFO: 60.00 and 115.00 applied, 35.00 still owed on the second', () => {
    const result = applyAmount(17500, [newer, older], 'fifo', '2025-02-10');
    expect(result).toEqual({
      applications: [
        { invoiceId: 'inv-older', amount: 6000 },
        { invoiceId: 'inv-newer', amount: 11500 },
      ],
      unapplied: 0,
    });
    expect(newer.balance - result.applications[1].amount).toBe(3500);
  });
});

describe('application methods where the order differs', () => {
  // A charge invoiced first but due last, a charge invoiced later but due earlier, a past installment and a future one.
  const items = [
    item('charge-early-invoice', 6000, '2025-01-01', '2025-03-20', 0),
    item('charge-early-due', 15000, '2025-02-01', '2025-02-10', 1),
    item('installment-due', 10000, '2025-01-15', '2025-02-15', 2, 'installment'),
    item('installment-future', 10000, '2025-01-15', '2025-04-15', 3, 'installment'),
  ];
  const today = '2025-03-01';

  it.each<[ApplicationMethod, number, [string, number][], number]>([
    ['fifo', 17500, [['charge-early-invoice', 6000], ['installment-due', 10000], ['installment-future', 1500]], 0],
    ['fdfo', 17500, [['charge-early-due', 15000], ['installment-due', 2500]], 0],
    ['statementFifo', 17500, [['charge-early-invoice', 6000], ['charge-early-due', 11500]], 0],
    ['fifo', 50000, [['charge-early-invoice', 6000], ['installment-due', 10000], ['installment-future', 10000], ['charge-early-due', 15000]], 9000],
    ['fdfo', 50000, [['charge-early-due', 15000], ['installment-due', 10000], ['charge-early-invoice', 6000], ['installment-future', 10000]], 9000],
    // non-installment charges first, then installments due by the business date; the future one stays unpaid
    ['statementFifo', 50000, [['charge-early-invoice', 6000], ['charge-early-due', 15000], ['installment-due', 10000]], 19000],
    ['statementFifo', 25000, [['charge-early-invoice', 6000], ['charge-early-due', 15000], ['installment-due', 4000]], 0],
  ])('%s applies %i as %j, leaving %i', (method, amount, expected, unapplied) => {
    expect(applyAmount(amount, items, method, today)).toEqual({
      applications: expected.map(([invoiceId, applied]) => ({ invoiceId, amount: applied })),
      unapplied,
    });
  });

  it('pays a named invoice first, up to its balance, then by the method', () => {
    expect(applyAmount(17500, items, 'fifo', today, 'charge-early-due').applications).toEqual([
      { invoiceId: 'charge-early-due', amount: 15000 },
      { invoiceId: 'charge-early-invoice', amount: 2500 },
    ]);
    expect(applyAmount(4000, items, 'fdfo', today, 'charge-early-invoice').applications).toEqual([{ invoiceId: 'charge-early-invoice', amount: 4000 }]);
  });

  it('pays a named future installment even under Statement FIFO: the payer chose it', () => {
    expect(applyAmount(12000, items, 'statementFifo', today, 'installment-future').applications).toEqual([
      { invoiceId: 'installment-future', amount: 10000 },
      { invoiceId: 'charge-early-invoice', amount: 2000 },
    ]);
  });

  it('skips a named invoice with nothing owed', () => {
    const settled = [{ ...items[0], balance: 0 }, ...items.slice(1)];
    expect(applyAmount(1000, settled, 'fifo', today, 'charge-early-invoice').applications).toEqual([{ invoiceId: 'installment-due', amount: 1000 }]);
  });

  it('counts an installment due on the business date as due', () => {
    expect(applicationOrder(items, 'statementFifo', '2025-04-15').map((i) => i.invoiceId)).toEqual([
      'charge-early-invoice',
      'charge-early-due',
      'installment-due',
      'installment-future',
    ]);
  });
});

describe('applicationOrder', () => {
  it('breaks ties by posting order (fifo) and by invoice date then posting order (fdfo)', () => {
    const tied = [
      item('c', 100, '2025-01-02', '2025-02-01', 2),
      item('b', 100, '2025-01-01', '2025-02-01', 1),
      item('a', 100, '2025-01-01', '2025-02-01', 3),
      item('d', 100, '2025-01-01', '2025-01-20', 4),
    ];
    expect(applicationOrder(tied, 'fifo', '2025-03-01').map((i) => i.invoiceId)).toEqual(['b', 'a', 'd', 'c']);
    expect(applicationOrder(tied, 'fdfo', '2025-03-01').map((i) => i.invoiceId)).toEqual(['d', 'b', 'a', 'c']);
  });

  it('leaves out items with nothing owed', () => {
    const items = [item('paid', 0, '2025-01-01', '2025-01-01', 0), item('owed', 5, '2025-01-02', '2025-01-02', 1)];
    for (const method of ['fifo', 'fdfo', 'statementFifo'] as const) {
      expect(applicationOrder(items, method, '2025-03-01').map((i) => i.invoiceId)).toEqual(['owed']);
    }
  });

  it('applies nothing of a zero amount and keeps everything of an amount with nothing owed', () => {
    expect(applyAmount(0, [item('a', 100, '2025-01-01', '2025-01-01', 0)], 'fifo', '2025-03-01')).toEqual({ applications: [], unapplied: 0 });
    expect(applyAmount(700, [], 'fdfo', '2025-03-01')).toEqual({ applications: [], unapplied: 700 });
  });

  it('refuses an amount that is negative or not a whole number of minor units', () => {
    expect(() => applyAmount(-1, [], 'fifo', '2025-03-01')).toThrow(RangeError);
    expect(() => applyAmount(1.5, [], 'fifo', '2025-03-01')).toThrow(RangeError);
  });
});
