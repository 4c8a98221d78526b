import { DynamicModule, Module } from '@nestjs/common';
import * as path from 'node:path';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { CONTEXTS } from '../../apps/contexts';
import { PORTAL_CSP, PortalController } from '../../libs/self-service/portal';
import { artifactsDir, launchChromium, unlabelledControls, watchPage } from '../support/browser';
import { monthlyPlan } from '../support/plans';
import { startTestApp, TestApp } from '../support/test-app';

/**
 * Issue 20, Must have 6: the customer portal (/portal) driven in Debian's Chromium through every flow a customer has:
 * sign in, the account, a quantity change and a plan switch through preview and confirmation, a card made the default,
 * a one-time payment, an order, a password reset from the emailed link, signing out. One browser page goes through the
 * flows in order, as a customer would; a screenshot of each step is kept in test-artifacts/portal/.
 */

// What functions run inside the page see (the project's types have no DOM library).
declare const document: { activeElement: { tagName: string; labels?: { textContent: string | null }[] } | null; getElementById(id: string): { hasAttribute(name: string): boolean } | null };
declare const sessionStorage: { getItem(key: string): string | null };

const PASSWORD = 'correct horse battery';
const CHANGED_PASSWORD = 'a changed password 1';
const NEW_PASSWORD = 'staple of the battery 2';
const EMAIL = 'ada@example.com';

/** The portal's controller, unless the app already serves it (self-service's manifest lists it). */
function portalModule(): DynamicModule[] {
  const served = CONTEXTS.some((context) => [...(context.queryControllers ?? []), ...(context.commandControllers ?? [])].includes(PortalController));
  if (served) return [];
  @Module({ controllers: [PortalController] })
  class PortalTestModule {}
  return [{ module: PortalTestModule }];
}

describe('Customer portal in a browser', () => {
  let t: TestApp;
  let key: string;
  let tenantId: string;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let shot = 0;
  const artifacts = artifactsDir('portal');

  const api = (method: string, route: string, body?: unknown) => t.request(method, route, { key, body });
  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({ path: path.join(artifacts, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  /** Waits for the view whose <h1> is `name`, and checks focus went to it and every control is labelled. */
  const view = async (name: string | RegExp) => {
    const heading = page.getByRole('heading', { level: 1, name });
    await heading.waitFor();
    await page.waitForFunction(() => document.activeElement?.tagName === 'H1' && !document.getElementById('main')?.hasAttribute('aria-busy'));
    expect(await unlabelledControls(page)).toEqual([]);
  };
  const text = async (selector: string) => (await page.locator(selector).innerText()).replace(/\s+/g, ' ').trim();
  const postAnswer = (suffix: string) => page.waitForResponse((response: Response) => response.request().method() === 'POST' && response.url().endsWith(suffix));

  beforeAll(async () => {
    t = await startTestApp({ modules: portalModule(), now: '2026-03-16T10:00:00Z' });
    ({ apiKey: key, id: tenantId } = await t.createTenant({ name: 'Portal', sandbox: true, businessDate: '2026-03-16' }));
    for (const plan of [monthlyPlan('basic', '10.00'), monthlyPlan('pro', '25.00'), monthlyPlan('internal', '1.00')]) {
      expect((await api('POST', '/v1/plans', { ...plan, name: `${plan.id[0].toUpperCase()}${plan.id.slice(1)}` })).status).toBe(201);
    }
    expect((await api('POST', '/v1/items', { id: 'kit', name: 'Starter kit', currency: 'USD', unitPrice: '49.00' })).status).toBe(201);
    // What the tenant lets its customers do: the internal plan is not offered.
    const rules = await api('PATCH', '/v1/settings', { selfService: { planIds: ['basic', 'pro'], paymentMethodTypes: ['card'], ordering: true } });
    expect(rules.status).toBe(200);
    const account = { id: 'acme', name: 'Acme Studio', currency: 'USD', language: 'en-US', contact: { firstName: 'Ada', lastName: 'Lovelace', email: EMAIL } };
    expect((await api('POST', '/v1/accounts', account)).status).toBe(201);
    // From the first of the month: one invoice of 2 × $10.00 for March, owed.
    const assigned = await api('POST', '/v1/accounts/acme/plan-instances', { planId: 'basic', quantity: 2, retroactiveStartDate: '2026-03-01' });
    expect([assigned.status, assigned.body.invoice?.total]).toEqual([201, 2000]);
    const user = await api('POST', '/v1/accounts/acme/customer-users', { email: EMAIL, password: PASSWORD });
    expect(user.status).toBe(201);
    await t.settledHead();

    browser = await launchChromium();
    context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
    ({ problems } = watchPage(page));
  }, 60_000);

  afterEach(() => {
    expect(problems.splice(0)).toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  }, 30_000);

  it('is served at /portal with its own strict Content-Security-Policy, cached in memory and revalidated by ETag', async () => {
    for (const route of ['/portal', '/portal/']) {
      const response = await fetch(`${t.url}${route}`);
      expect([response.status, response.headers.get('content-type'), response.headers.get('content-security-policy')]).toEqual([200, 'text/html; charset=utf-8', PORTAL_CSP]);
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<script type="module" src="/portal/app.js"></script>');
    }
    const script = await fetch(`${t.url}/portal/app.js`);
    expect([script.status, script.headers.get('content-type')]).toEqual([200, 'text/javascript; charset=utf-8']);
    expect((await fetch(`${t.url}/portal/portal.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
    const again = await fetch(`${t.url}/portal/app.js`, { headers: { 'if-none-match': script.headers.get('etag')! } });
    expect(again.status).toBe(304);
    expect((await fetch(`${t.url}/portal/nothing.js`)).status).toBe(404);
    expect((await fetch(`${t.url}/portal/..%2Fpackage.json`)).status).toBe(404);
    // No key needed, and the API's answers keep their own headers.
    expect((await fetch(`${t.url}/v1/accounts/acme`)).status).toBe(401);
  });

  it('signs in by keyboard (the company code from the link), after an announced error for a wrong password', async () => {
    await page.goto(`${t.url}/portal/?tenant=${encodeURIComponent(tenantId)}`);
    await view('Sign in');
    expect(await page.getByLabel('Company code').inputValue()).toBe(tenantId);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await screenshot('sign-in-refused');

    await page.reload();
    await view('Sign in');
    for (const [field, value] of [
      ['Company code', tenantId],
      ['Email', EMAIL],
      ['Password', PASSWORD],
    ]) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => document.activeElement?.labels?.[0]?.textContent)).toBe(field);
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type(value);
    }
    await page.keyboard.press('Enter');
    await view('Acme Studio');
    expect(await page.evaluate(() => sessionStorage.getItem('portal.session'))).toContain('"token":"cs_');
  });

  it('shows the account: contact, balance, plans, invoices with status and balance, formatted in the account language', async () => {
    expect(await text('#balance')).toBe('$20.00');
    expect(await text('#contact')).toContain(EMAIL);
    const plans = await text('table >> nth=0');
    expect(plans).toContain('Basic');
    expect(plans).toMatch(/Basic\s+2\s+Active/);
    const invoices = await text('table >> nth=1');
    expect(invoices).toMatch(/\$20\.00 \$20\.00 Unpaid/);
    await screenshot('overview');

    await page.getByRole('link', { name: 'No. 1' }).click();
    await view('Invoice no. 1');
    expect(await text('table')).toMatch(/Basic – Base fee .* 2 \$20\.00/);
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await view('Acme Studio');
    await page.locator('table >> nth=2').getByRole('link').first().click();
    await view(/^Statement of /);
    expect(await text('dl')).toContain('Closing balance $20.00');
    await screenshot('statement');
    await page.getByRole('link', { name: 'Back to your account' }).click();
    await view('Acme Studio');
  });

  it('formats minor units with the currency\'s digits (JPY 0, KWD 3) in the language given, exactly', async () => {
    // The page's own module, as the views use it (a string: the function runs in the page, which serves the module).
    const formatted: string[] = await page.evaluate(`import('/portal/format.js').then(({ moneyFormat, majorToMinor }) => [
      moneyFormat('en-US', 'USD').amount(123456),
      moneyFormat('en-US', 'JPY').amount(1234),
      moneyFormat('en-US', 'KWD').amount(1234),
      moneyFormat('de-DE', 'EUR').amount(-5),
      moneyFormat('en-US', 'USD').amount(9007199254740991),
      moneyFormat('fr-FR', 'EUR').price('100.00'),
      String(majorToMinor('12.5', 2)),
      String(majorToMinor('12.555', 2)),
      String(majorToMinor('7', 0)),
    ])`);
    expect(formatted.map((value) => value.replace(/\s/g, ' '))).toEqual(['$1,234.56', '¥1,234', 'KWD 1.234', '-0,05 €', '$90,071,992,547,409.91', '100,00 €', '1250', 'null', '7']);
  });

  it('edits the contact details', async () => {
    await page.getByRole('link', { name: 'Edit contact details' }).click();
    await view('Contact details');
    await page.getByLabel('Phone').fill('+1 555 0100');
    await page.getByLabel('City').fill('London');
    await page.getByLabel('Country code').fill('gb');
    await screenshot('contact');
    await page.getByRole('button', { name: 'Save' }).click();
    await view('Acme Studio');
    expect(await page.getByRole('status').innerText()).toBe('Your contact details were saved.');
    expect(await text('#contact')).toContain('+1 555 0100');
    expect((await api('GET', '/v1/accounts/acme')).body.contact).toMatchObject({ phone: '+1 555 0100', address: { city: 'London', country: 'GB' }, firstName: 'Ada' });
  });

  it('changes the password: a wrong current one is announced on its field', async () => {
    await page.getByRole('link', { name: 'Change your password' }).click();
    await view('Change your password');
    await page.getByLabel('Current password').fill('not the password');
    await page.getByLabel('New password', { exact: true }).fill(CHANGED_PASSWORD);
    await page.getByLabel('New password again').fill(CHANGED_PASSWORD);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Current password').getAttribute('aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('INPUT');
    await screenshot('password-refused');
    await page.getByLabel('Current password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Change the password' }).click();
    await view('Acme Studio');
    expect(await page.getByRole('status').innerText()).toBe('Your password was changed.');
  });

  it('changes the quantity through a preview, and the confirmation writes what the preview showed', async () => {
    await page.getByRole('link', { name: 'Change the quantity of Basic' }).click();
    await view('Change the quantity of Basic');
    await page.getByLabel('New quantity').fill('3');
    const previewed = postAnswer('/quantity');
    await page.getByRole('button', { name: 'Preview the change' }).click();
    const preview = await previewed;
    await view('Confirm the change');
    await screenshot('quantity-preview');
    expect(preview.status()).toBe(200);
    const previewBody = await preview.json();
    const shown = Number(await page.locator('#preview-total').getAttribute('data-amount'));
    // 16 of March's 31 days at one more unit of $10.00.
    expect(shown).toBe(previewBody.invoice.total);
    expect(shown).toBeGreaterThan(0);
    expect(await text('#preview-total')).toBe(`You will be charged $${(shown / 100).toFixed(2)}.`);
    expect((await api('GET', '/v1/accounts/acme/plan-instances')).body.items[0].quantity).toBe(2);

    const confirmed = postAnswer('/quantity');
    await page.getByRole('button', { name: 'Confirm' }).click();
    const written = await confirmed;
    await view('Acme Studio');
    expect(written.status()).toBe(201);
    expect(await written.json()).toEqual(previewBody);
    expect(await page.getByRole('status').innerText()).toBe(`Done. You were charged $${(shown / 100).toFixed(2)}.`);
    expect(await text('table >> nth=0')).toMatch(/Basic\s+3\s+Active/);
    expect(await text('#balance')).toBe(`$${((2000 + shown) / 100).toFixed(2)}`);
    await screenshot('quantity-done');
  });

  it('switches the plan (only the plans the tenant offers) through a preview and a confirmation', async () => {
    await page.getByRole('link', { name: 'Switch Basic to another plan' }).click();
    await view('Switch Basic');
    const options = await page.getByLabel('New plan').locator('option').allInnerTexts();
    expect(options).toEqual(['Pro – $25.00 per unit / month']);
    await page.getByLabel('New plan').selectOption('pro');
    await page.getByLabel('Now (unused days are credited)').check();
    const previewed = postAnswer('/switch');
    await page.getByRole('button', { name: 'Preview the switch' }).click();
    const previewBody = await (await previewed).json();
    await view('Confirm the change');
    await screenshot('switch-preview');
    expect(Number(await page.locator('#preview-total').getAttribute('data-amount'))).toBe(previewBody.invoice.total);
    const confirmed = postAnswer('/switch');
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await (await confirmed).json()).toEqual(previewBody);
    await view('Acme Studio');
    expect(await text('table >> nth=0')).toMatch(/Pro\s+3\s+Active/);
  });

  it('previews a cancellation and goes back without changing anything', async () => {
    await page.getByRole('link', { name: 'Cancel Pro' }).click();
    await view('Cancel Pro');
    await page.getByRole('button', { name: 'Preview the cancellation' }).click();
    await view('Confirm the change');
    await screenshot('cancel-preview');
    await page.getByRole('link', { name: 'Go back without changing anything' }).click();
    await view('Acme Studio');
    expect((await api('GET', '/v1/accounts/acme/plan-instances')).body.items[0]).toMatchObject({ status: 'active', pendingChange: null });
  });

  it('adds cards and makes the last one the default', async () => {
    await page.getByRole('link', { name: 'Payment methods' }).click();
    await view('Payment methods');
    for (const token of ['tok_decline', 'tok_approve']) {
      await page.getByLabel('Card', { exact: true }).selectOption(token);
      expect(await page.getByLabel('Make it my default payment method').isChecked()).toBe(true);
      await page.getByRole('button', { name: 'Add card' }).click();
      await view('Payment methods');
      expect(await page.getByRole('status').innerText()).toMatch(/^Card ending \d{4} was added and is your default payment method\.$/);
    }
    await screenshot('cards');
    const methods = (await api('GET', '/v1/accounts/acme/payment-methods')).body.items;
    expect(methods.map((method: { status: string; isDefault: boolean }) => [method.status, method.isDefault])).toEqual([
      ['active', false],
      ['active', true],
    ]);
    expect(await text('table tbody tr:nth-child(2)')).toBe(`Card ending ${methods[1].last4} Default Remove`);
  });

  it('pays the balance once: a declined card is announced, the default card pays', async () => {
    const owed = (await api('GET', '/v1/accounts/acme/balance')).body.balance;
    expect(owed).toBeGreaterThan(0);
    const [declining] = (await api('GET', '/v1/accounts/acme/payment-methods')).body.items;
    await page.getByRole('link', { name: 'Make a payment' }).click();
    await view('Make a payment');
    expect(await page.getByLabel('Amount (USD)').inputValue()).toBe((owed / 100).toFixed(2));
    const chosen = await page.getByLabel('Pay with').inputValue();
    await page.getByLabel('Pay with').selectOption(declining.id);
    await page.getByRole('button', { name: 'Pay now' }).click();
    expect(await page.getByRole('alert').innerText()).toMatch(/did not go through/);
    await screenshot('pay-declined');
    await page.getByLabel('Pay with').selectOption(chosen);
    await page.getByRole('button', { name: 'Pay now' }).click();
    await view('Acme Studio');
    expect(await page.getByRole('status').innerText()).toBe(`Thank you: your payment of $${(owed / 100).toFixed(2)} was received.`);
    expect(await text('#balance')).toBe('$0.00');
    expect((await api('GET', '/v1/accounts/acme/balance')).body.balance).toBe(0);
    expect(await text('table >> nth=1')).not.toContain('Unpaid');
    await screenshot('paid');
  });

  it('orders an item through a preview and a confirmation, and sees it in the history', async () => {
    await page.getByRole('link', { name: 'Order', exact: true }).click();
    await view('Order');
    await page.getByLabel('Item').selectOption('kit');
    await page.getByLabel('Quantity').fill('2');
    const previewed = postAnswer('/orders');
    await page.getByRole('button', { name: 'Preview the order' }).click();
    const previewBody = await (await previewed).json();
    await view('Confirm the change');
    expect(await text('#preview-total')).toBe('You will be charged $98.00.');
    await screenshot('order-preview');
    const confirmed = postAnswer('/orders');
    await page.getByRole('button', { name: 'Confirm' }).click();
    const written = await (await confirmed).json();
    expect(written).toEqual(previewBody);
    await view('History');
    expect(await page.getByRole('status').innerText()).toBe(`Your order ${written.id} was placed: $98.00.`);
    expect(await text('table >> nth=2')).toContain('2 × Starter kit');
    await screenshot('history');
  });

  it('adds a plan through a preview and a confirmation', async () => {
    await page.getByRole('link', { name: 'Overview' }).click();
    await view('Acme Studio');
    await page.getByRole('link', { name: 'Add a plan' }).click();
    await view('Add a plan');
    expect(await page.getByLabel('Plan').locator('option').allInnerTexts()).toEqual(['Basic – $10.00 per unit / month', 'Pro – $25.00 per unit / month']);
    await page.getByLabel('Plan').selectOption('basic');
    const previewed = postAnswer('/plan-instances');
    await page.getByRole('button', { name: 'Preview' }).click();
    const previewBody = await (await previewed).json();
    await view('Confirm the change');
    expect(Number(await page.locator('#preview-total').getAttribute('data-amount'))).toBe(previewBody.invoice.total);
    const confirmed = postAnswer('/plan-instances');
    await page.getByRole('button', { name: 'Confirm' }).click();
    expect(await (await confirmed).json()).toEqual(previewBody);
    await view('Acme Studio');
    expect(await text('table >> nth=0')).toMatch(/Basic\s+1\s+Active/);
  });

  it('sends the customer back to sign in, with a message, when the session ends under it', async () => {
    const token = JSON.parse((await page.evaluate(() => sessionStorage.getItem('portal.session')))!).token;
    expect((await t.request('DELETE', '/v1/self-service/sessions/current', { key: token })).status).toBeLessThan(300);
    await page.getByRole('link', { name: 'Overview' }).click();
    await view('Sign in');
    expect(await page.getByRole('alert').innerText()).toBe('Your session has ended. Please sign in again.');
    expect(await page.evaluate(() => sessionStorage.getItem('portal.session'))).toBeNull();
  });

  it('signs out: the token is refused afterwards', async () => {
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(CHANGED_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await view('Acme Studio');
    const token = JSON.parse((await page.evaluate(() => sessionStorage.getItem('portal.session')))!).token;
    expect((await t.request('GET', '/v1/self-service/me', { key: token })).status).toBe(200);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await view('Sign in');
    expect(await page.getByRole('status').innerText()).toBe('You are signed out.');
    expect((await t.request('GET', '/v1/self-service/me', { key: token })).status).toBe(401);
    expect((await t.request('GET', '/v1/accounts/acme', { key: token })).status).toBe(401);
    await screenshot('signed-out');
  });

  it('resets a forgotten password from the emailed link, once', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await view('Reset your password');
    expect(await page.getByLabel('Company code').inputValue()).toBe(tenantId);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByRole('button', { name: 'Email me a link' }).click();
    await page.getByRole('status').waitFor();

    let link: string | undefined;
    for (const deadline = Date.now() + 10_000; !link && Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const emails = (await api('GET', '/v1/emails')).body.items as { to: string; text: string }[];
      link = emails.map((email) => /\/portal\/(#reset\?[^\s"'<>]+)/.exec(email.to === EMAIL ? email.text : '')?.[1]).find(Boolean);
    }
    expect(link).toMatch(/^#reset\?tenant=.+&token=.+/);

    await page.goto(`${t.url}/portal/${link}`);
    await view('Choose a new password');
    await screenshot('reset');
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('New password again').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await view('Sign in');
    expect(await page.getByRole('status').innerText()).toBe('Your password was changed. Sign in with the new one.');
    expect(page.url()).not.toContain('token=');

    // The old password no longer opens a session, the new one does.
    expect((await t.request('POST', '/v1/self-service/sessions', { body: { tenantId, email: EMAIL, password: CHANGED_PASSWORD } })).status).toBe(401);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await view('Acme Studio');

    // The link works once.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await view('Sign in');
    await page.goto(`${t.url}/portal/${link}`);
    await view('Choose a new password');
    await page.getByLabel('New password', { exact: true }).fill('a third password 3');
    await page.getByLabel('New password again').fill('a third password 3');
    await page.getByRole('button', { name: 'Save the new password' }).click();
    await page.getByRole('alert').waitFor();
    await screenshot('reset-reused');
  });
});
