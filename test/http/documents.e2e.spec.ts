import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatAmount, formatPrice, formatQuantity, safeFileName, toWinAnsi } from '../../libs/shared-kernel/documents';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Invoice and statement documents over HTTP (issue 22, Must have 3): the PDF at {id}.pdf and with
 * Accept: application/pdf, read back with poppler's pdftotext and compared with the JSON invoice; amounts for the
 * currency (JPY 0 digits, KWD 3) and the account's language; the first page rendered with pdftoppm and kept in
 * test-artifacts/documents/; the HTML view escaped; 404 for unknown ids, another tenant's and another customer's.
 */
const ARTIFACTS = path.join(__dirname, '..', '..', 'test-artifacts', 'documents');

/** pdftotext's text, with no-break spaces as spaces and runs of blanks as one. */
function textOf(pdf: Buffer, name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.pdf`);
  writeFileSync(file, pdf);
  return squash(execFileSync('/usr/bin/pdftotext', ['-layout', file, '-']).toString('utf8'));
}

/** The first page as a PNG kept next to it (test-artifacts/documents/<name>.png). */
function picture(name: string): Buffer {
  const file = path.join(ARTIFACTS, name);
  execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '60', '-singlefile', `${file}.pdf`, file]);
  return readFileSync(`${file}.png`);
}

const squash = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ').replace(/[ \t]+/g, ' ');
/** As the PDF can show it: WinAnsi, blanks squashed. */
const shown = (text: string) => squash(toWinAnsi(text));

describe('Invoice and statement documents over HTTP', () => {
  let t: TestApp;
  let key: string;
  let otherKey: string;
  let tenantId: string;
  const get = async (route: string, headers?: Record<string, string>, as = key) => t.request('GET', route, { key: as, headers });
  const post = async (route: string, body: Record<string, unknown>, as = key) => {
    const response = await t.request('POST', route, { key: as, body });
    expect([route, response.status]).toEqual([route, expect.any(Number)]);
    expect(response.status).toBeLessThan(300);
    return response.body;
  };
  /** The raw bytes (the test app's request reads text). */
  const bytes = async (route: string, headers: Record<string, string> = {}, as = key) => {
    const response = await fetch(`${t.url}${route}`, { headers: { authorization: `Bearer ${as}`, ...headers } });
    return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
  };
  const invoiceOf = async (accountId: string) => (await get(`/v1/accounts/${accountId}/invoices`)).body.items[0];

  beforeAll(async () => {
    t = await startTestApp();
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Docs & Co Ltd', sandbox: true, businessDate: '2019-02-10' }));
    ({ apiKey: otherKey } = await t.createTenant({ name: 'Other tenant', sandbox: true, businessDate: '2019-02-10' }));
    const address = { line1: '12 Rue de la Paix', postalCode: '75002', city: 'Paris', country: 'FR' };
    await post('/v1/accounts', { id: 'zoe', name: 'Zoë Łódź 日本', currency: 'USD', language: 'de', email: 'zoe@docs.test', contact: { firstName: 'Zoë', lastName: 'Durand', address } });
    await post('/v1/accounts', { id: 'yen', name: 'Yen account', currency: 'JPY', language: 'en' });
    await post('/v1/accounts', { id: 'dinar', name: 'Dinar account', currency: 'KWD', language: 'en' });
    await post('/v1/accounts', { id: 'evil', name: '<script>alert("x")</script>', currency: 'USD' });
    await post('/v1/accounts', { id: 'payer', name: 'Payer Inc', currency: 'USD' });
    await post('/v1/accounts', { id: 'payee', name: 'Payee branch', currency: 'USD', parentAccountId: 'payer' });
    await t.request('PUT', '/v1/accounts/payee/payment-responsibility', { key, body: { recurring: [{ payerAccountId: 'payer', percent: '100' }] } });
    await post('/v1/plans', monthlyPlan('sixty', '60.00'));
    await post('/v1/plans', monthlyPlan('yen-plan', '6000', 'JPY'));
    await post('/v1/plans', monthlyPlan('dinar-plan', '12.345', 'KWD'));
    for (const [account, plan] of [['zoe', 'sixty'], ['yen', 'yen-plan'], ['dinar', 'dinar-plan'], ['evil', 'sixty'], ['payee', 'sixty'], ['payer', 'sixty']]) {
      await post(`/v1/accounts/${account}/plan-instances`, { id: `${account}-1`, planId: plan });
    }
    await post('/v1/payments', { accountId: 'zoe', amount: 2500, currency: 'USD' });
    await t.settledHead();
  });
  afterAll(() => t.close());

  it("renders an invoice's PDF with the tenant, the account's name and address, every line and the amounts of the JSON", async () => {
    const invoice = (await get(`/v1/invoices/${(await invoiceOf('zoe')).id}`)).body;
    expect(invoice).toMatchObject({ total: 6000, balance: 3500, status: 'partiallyPaid' });
    const pdf = await bytes(`/v1/invoices/${invoice.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="invoice-${invoice.number}.pdf"`);
    expect(pdf.body.subarray(0, 5).toString()).toBe('%PDF-');

    const text = textOf(pdf.body, 'invoice-usd-de');
    // German amounts: "60,00 $"; the name's Ł and CJK cannot be drawn by Helvetica: replaced, not a crash.
    expect(formatAmount(6000, 'USD', 'de').replace(/\u00a0/g, ' ')).toBe('60,00 $');
    for (const expected of [
      'Docs & Co Ltd',
      shown('Zoë Łódź 日本'),
      'Zoë ?ódz ??',
      'Zoë Durand',
      '12 Rue de la Paix',
      '75002 Paris',
      `Invoice ${invoice.number}`,
      invoice.invoiceDate,
      invoice.dueDate,
      shown(formatAmount(invoice.total, 'USD', 'de')),
      shown(formatAmount(invoice.balance, 'USD', 'de')),
      '35,00 $',
      'partiallyPaid',
    ]) {
      expect([expected, text.includes(expected)]).toEqual([expected, true]);
    }
    expect(invoice.lines.length).toBeGreaterThan(0);
    for (const line of invoice.lines) {
      const row = [line.description, `${line.periodStart} – ${line.periodEnd}`, formatQuantity(line.quantity, 'de'), formatPrice(line.unitPrice, 'USD', 'de'), formatAmount(line.amount, 'USD', 'de')];
      expect(text).toContain(shown(row.join(' ')));
    }
    const png = picture('invoice-usd-de');
    expect(png.subarray(1, 4).toString()).toBe('PNG');
  });

  it('answers the same bytes for Accept: application/pdf, again and again; JSON stays the default', async () => {
    const { id } = await invoiceOf('zoe');
    const byName = await bytes(`/v1/invoices/${id}.pdf`);
    const byAccept = await bytes(`/v1/invoices/${id}`, { accept: 'application/pdf' });
    expect(byAccept.status).toBe(200);
    expect(byAccept.headers.get('content-type')).toBe('application/pdf');
    expect(byAccept.body.equals(byName.body)).toBe(true);
    const json = await get(`/v1/invoices/${id}`);
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    expect(json.body).toMatchObject({ id, total: 6000 });
    for (const accept of ['application/json', '*/*', 'application/json, application/pdf;q=0.5', 'text/html;q=0.1, */*']) {
      expect((await get(`/v1/invoices/${id}`, { accept })).body).toEqual(json.body);
    }
  });

  it("formats a JPY invoice with no decimals and a KWD invoice with three", async () => {
    const yen = await invoiceOf('yen');
    const yenText = textOf((await bytes(`/v1/invoices/${yen.id}.pdf`)).body, 'invoice-jpy');
    expect(yen.total).toBe(6000);
    expect(yenText).toContain('¥6,000');
    expect(yenText).not.toContain('¥6,000.00');
    picture('invoice-jpy');

    const dinar = await invoiceOf('dinar');
    const dinarText = textOf((await bytes(`/v1/invoices/${dinar.id}.pdf`)).body, 'invoice-kwd');
    expect(dinar.total).toBe(12345);
    expect(dinarText).toContain('KWD 12.345');
    picture('invoice-kwd');
  });

  it('renders an invoice that is only in the ledger (an order): its kind, no lines, its total', async () => {
    await post('/v1/items', { id: 'widget', name: 'Widget', currency: 'USD', unitPrice: '25.00' });
    const order = await post('/v1/accounts/zoe/orders', { items: [{ itemId: 'widget', quantity: 1 }] });
    await t.settledHead();
    const invoice = (await get(`/v1/invoices/${order.invoice.id}`)).body;
    expect(invoice).toMatchObject({ total: 2500, lines: [] });
    const pdf = await bytes(`/v1/invoices/${invoice.id}.pdf`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="invoice-${safeFileName(invoice.id)}.pdf"`);
    const text = textOf(pdf.body, 'invoice-order');
    for (const expected of [`Invoice ${invoice.id}`, `Kind ${invoice.kind}`, `Total ${shown(formatAmount(2500, 'USD', 'de'))}`, `Status ${invoice.status}`]) {
      expect([expected, text.includes(expected)]).toEqual([expected, true]);
    }
  });

  it("answers 404 for an unknown id and for another tenant's invoice, as PDF and page alike", async () => {
    const { id } = await invoiceOf('zoe');
    for (const route of ['/v1/invoices/nope.pdf', '/v1/invoices/nope.html', '/v1/statements/zoe:2001-01-01.pdf']) expect([route, (await bytes(route)).status]).toEqual([route, 404]);
    expect((await bytes('/v1/invoices/nope', { accept: 'application/pdf' })).status).toBe(404);
    expect((await bytes(`/v1/invoices/${id}.pdf`, {}, otherKey)).status).toBe(404);
    expect((await bytes(`/v1/invoices/${id}`, { accept: 'application/pdf' }, otherKey)).status).toBe(404);
    expect((await bytes(`/v1/invoices/${id}.html`, {}, otherKey)).status).toBe(404);
    expect((await bytes('/v1/statements/zoe:2019-02-10.pdf', {}, otherKey)).status).toBe(404);
  });

  it("lets a customer fetch its own invoice's PDF, and answers 404 for another account's", async () => {
    await post('/v1/accounts/zoe/customer-users', { email: 'zoe@docs.test', password: 'correct horse battery' });
    const session = await t.request('POST', '/v1/self-service/sessions', { key: null, body: { tenantId, email: 'zoe@docs.test', password: 'correct horse battery' } });
    expect(session.status).toBe(201);
    const token = session.body.token as string;
    const own = await bytes(`/v1/invoices/${(await invoiceOf('zoe')).id}.pdf`, {}, token);
    expect([own.status, own.headers.get('content-type')]).toEqual([200, 'application/pdf']);
    expect((await bytes('/v1/statements/zoe:2019-02-10.pdf', {}, token)).status).toBe(200);
    const others = (await invoiceOf('yen')).id;
    expect((await bytes(`/v1/invoices/${others}.pdf`, {}, token)).status).toBe(404);
    expect((await bytes(`/v1/invoices/${others}`, { accept: 'application/pdf' }, token)).status).toBe(404);
    expect((await bytes('/v1/statements/yen:2019-02-10.pdf', {}, token)).status).toBe(404);
  });

  it("renders a statement's PDF: balances, amount due, due date, lines and the sections it pays", async () => {
    const statement = (await get('/v1/statements/payer:2019-02-10')).body;
    const pdf = await bytes('/v1/statements/payer:2019-02-10.pdf');
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe('inline; filename="statement-payer-2019-02-10.pdf"');
    expect((await bytes('/v1/statements/payer:2019-02-10', { accept: 'application/pdf' })).body.equals(pdf.body)).toBe(true);
    const text = textOf(pdf.body, 'statement-payer');
    const money = (amount: number) => formatAmount(amount, 'USD', 'en');
    for (const expected of [
      'Docs & Co Ltd',
      'Payer Inc',
      'Statement 2019-02-10',
      `Opening balance ${money(statement.openingBalance)}`,
      `Charges ${money(statement.charges)}`,
      `Closing balance ${money(statement.closingBalance)}`,
      `Amount due ${money(statement.amountDue)}`,
      `Due date ${statement.dueDate}`,
    ]) {
      expect([expected, text.includes(expected)]).toEqual([expected, true]);
    }
    for (const line of statement.lines) expect(text).toContain(`${line.invoiceDate} ${line.description}`);
    expect(statement.sections).toEqual([expect.objectContaining({ accountId: 'payee', name: 'Payee branch' })]);
    expect(text).toContain('Charges of Payee branch (payee)');
    expect(text).toContain(`Section total ${money(statement.sections[0].total)}`);
    picture('statement-payer');
  });

  it('shows the invoice and the statement as an escaped HTML page', async () => {
    const { id, number } = await invoiceOf('evil');
    for (const page of [await get(`/v1/invoices/${id}.html`), await get(`/v1/invoices/${id}`, { accept: 'text/html' }), await get('/v1/statements/evil:2019-02-10', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' })]) {
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      const html = page.body as string;
      expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
      expect(html).not.toContain('<script');
      expect(html).toContain('Docs &amp; Co Ltd');
    }
    expect((await get(`/v1/invoices/${id}.html`)).body).toContain(`Invoice ${number}`);
  });
});
