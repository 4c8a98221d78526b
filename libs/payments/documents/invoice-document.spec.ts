import { invoiceDocument } from './invoice-document';

describe('invoice document with a discount and tax (DOMAIN.md §13)', () => {
  const line = (description: string, amount: number) => ({ description, periodStart: '2024-01-01', periodEnd: '2024-01-31', quantity: '1', unitPrice: null, amount });
  const invoice = {
    id: 'inv-1', number: 7, accountId: 'acme', invoiceDate: '2024-01-01', dueDate: '2024-01-01', currency: 'USD', subtotal: 9000, tax: 1800, total: 10800, balance: 10800, status: 'unpaid',
    lines: [line('Gold – Base', 10000), line('Spring (10% off)', -1000), line('VAT 20%', 1800)],
  };

  it('shows the discount and tax lines, then subtotal, tax and total', () => {
    const document = invoiceDocument(invoice, null, 'Tenant');
    expect(document.tables[0].rows.map((row) => [row[0], row[4]])).toEqual([['Gold – Base', '$100.00'], ['Spring (10% off)', '-$10.00'], ['VAT 20%', '$18.00']]);
    expect(document.totals.slice(0, 3)).toEqual([['Subtotal', '$90.00'], ['Tax', '$18.00'], ['Total', '$108.00']]);
  });

  it('shows no subtotal or tax rows on an invoice without tax', () => {
    const document = invoiceDocument({ ...invoice, subtotal: 9000, tax: 0, total: 9000, balance: 9000, lines: invoice.lines.slice(0, 2) }, null, 'Tenant');
    expect(document.totals[0]).toEqual(['Total', '$90.00']);
  });
});
