import { documentHtml, documentLocale, formatAmount, formatPrice, formatQuantity, negotiateDocument, safeFileName, toWinAnsi } from './documents';

const spaces = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('document formatting', () => {
  it('formats amounts with the digits of the currency and the conventions of the language', () => {
    expect(formatAmount(6452, 'USD')).toBe('$64.52');
    expect(formatAmount(-5, 'USD', 'en')).toBe('-$0.05');
    expect(formatAmount(6000, 'JPY', 'en')).toBe('¥6,000');
    expect(spaces(formatAmount(12345, 'KWD', 'en'))).toBe('KWD 12.345');
    expect(spaces(formatAmount(123456, 'EUR', 'de'))).toBe('1.234,56 €');
    expect(formatAmount(900719925474099, 'USD', 'en')).toBe('$9,007,199,254,740.99'); // exact: a decimal string, not a float
    expect(formatAmount(100, 'USD', 'not a tag!')).toBe('$1.00');
  });

  it('keeps every decimal of a price and a quantity', () => {
    expect(formatPrice('0.0035', 'USD', 'en')).toBe('$0.0035');
    expect(formatPrice('60', 'USD', 'en')).toBe('$60.00');
    expect(formatPrice('6000', 'JPY', 'en')).toBe('¥6,000');
    expect(formatQuantity('1234.5', 'de')).toBe('1.234,5');
    expect(documentLocale(null)).toBe('en');
  });

  it('answers JSON unless PDF or HTML is preferred', () => {
    expect(negotiateDocument(undefined)).toBe('json');
    expect(negotiateDocument('*/*')).toBe('json');
    expect(negotiateDocument('application/json')).toBe('json');
    expect(negotiateDocument('application/pdf')).toBe('pdf');
    expect(negotiateDocument('application/pdf;q=0.5, application/json')).toBe('json');
    expect(negotiateDocument('text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8')).toBe('html');
    expect(negotiateDocument('text/html;q=0')).toBe('json');
  });

  it('keeps what Helvetica draws and replaces the rest', () => {
    expect(toWinAnsi('Zoë € – “x”')).toBe('Zoë € – “x”');
    expect(toWinAnsi('Łódź ő 日本 ₹')).toBe('?ódz o ?? ?');
    expect(toWinAnsi('￥6,000')).toBe('¥6,000');
    expect(safeFileName('a/b "c".pdf')).toBe('a_b__c_.pdf');
  });

  it('escapes every text of the HTML page', () => {
    const html = documentHtml({ title: '<b>', issuer: ['A & B'], recipient: ['"x"'], facts: [['<i>', "'y'"]], tables: [], totals: [], notes: ['<script>'] });
    expect(html).not.toMatch(/<(b|i|script)>/);
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('A &amp; B');
  });
});
