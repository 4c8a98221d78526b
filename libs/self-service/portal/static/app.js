// The customer portal: one page, hash routes, no framework, no build step. Every view is built with DOM calls
// (text is never parsed as HTML), every call goes to the same /v1 API the tenant uses, with the customer's session.
import { ApiError, createApi, newIdempotencyKey } from './api.js';
import { dateFormat, languageOf, majorToMinor, moneyFormat } from './format.js';

const SESSION_KEY = 'portal.session';
const TENANT_KEY = 'portal.tenant';
const SANDBOX_TOKENS = [
  ['tok_approve', 'Test card: approved'],
  ['tok_decline', 'Test card: declined'],
  ['tok_insufficient_funds', 'Test card: insufficient funds'],
  ['tok_gateway_error', 'Test card: gateway error'],
  ['tok_timeout', 'Test card: no answer (settled later)'],
];
const STATUS_LABELS = {
  unpaid: 'Unpaid',
  partiallyPaid: 'Partly paid',
  paid: 'Paid',
  writtenOff: 'Written off',
  late: 'Late',
  late_ok: 'Paid late',
  installment_due_paid: 'Installments to come',
  active: 'Active',
  pending: 'Pending',
  cancelled: 'Cancelled',
  suspended: 'Suspended',
  terminated: 'Terminated',
  succeeded: 'Succeeded',
  failed: 'Failed',
  removed: 'Removed',
};
const TRANSACTION_LABELS = { invoice: 'Invoice', payment: 'Payment', refund: 'Refund', creditMemo: 'Credit', writeOff: 'Write-off', fee: 'Fee' };

const main = document.getElementById('main');
const nav = document.getElementById('nav');

const state = {
  session: readStored(SESSION_KEY),
  /** A message for the next view: { kind: 'ok'|'error', text }. */
  flash: null,
  /** The change previewed and waiting for the customer's confirmation. */
  pending: null,
  renderId: 0,
};

const api = createApi({ token: () => state.session && state.session.token, onSessionEnded: () => endSession('Your session has ended. Please sign in again.') });

// ---------------------------------------------------------------------------------------------------------------
// Session and navigation

function readStored(key) {
  try {
    return JSON.parse(sessionStorage.getItem(key));
  } catch {
    return null;
  }
}

function saveSession(session) {
  state.session = session;
  if (session) sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  else sessionStorage.removeItem(SESSION_KEY);
}

function rememberTenant(tenantId) {
  if (tenantId) sessionStorage.setItem(TENANT_KEY, JSON.stringify(tenantId));
}

function endSession(message, kind = 'error') {
  if (state.session) rememberTenant(state.session.tenantId);
  saveSession(null);
  state.pending = null;
  state.flash = { kind, text: message };
  navigate('signin', { replace: true });
}

/** Goes to a hash route; renders even when the hash does not change. `replace` keeps it out of the history (a reset token). */
function navigate(route, { replace = false } = {}) {
  const hash = `#${route}`;
  if (location.hash === hash) {
    void render();
  } else if (replace) {
    history.replaceState(null, '', hash);
    void render();
  } else {
    location.hash = hash;
  }
}

function parseHash() {
  const raw = location.hash.replace(/^#/, '');
  const cut = raw.indexOf('?');
  const path = cut < 0 ? raw : raw.slice(0, cut);
  const query = new URLSearchParams(cut < 0 ? '' : raw.slice(cut + 1));
  const [name = '', ...args] = path.split('/').map((part) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  });
  return { name, args, query };
}

const routes = {
  signin: { view: signInView, public: true },
  forgot: { view: forgotView, public: true },
  reset: { view: resetView, public: true },
  overview: { view: overviewView },
  contact: { view: contactView },
  password: { view: passwordView },
  plan: { view: planChangeView },
  'add-plan': { view: addPlanView },
  confirm: { view: confirmView },
  'payment-methods': { view: paymentMethodsView },
  pay: { view: payView },
  order: { view: orderView },
  history: { view: historyView },
  invoice: { view: invoiceView },
  statement: { view: statementView },
};

async function render() {
  const id = ++state.renderId;
  const { name, args, query } = parseHash();
  const route = routes[name];
  if (!route) return navigate(state.session ? 'overview' : 'signin', { replace: true });
  // The reset link works whether or not someone is signed in in this tab.
  if (name === 'signin' && state.session) return navigate('overview', { replace: true });
  if (!route.public && !state.session) {
    state.flash = state.flash || { kind: 'error', text: 'Please sign in first.' };
    return navigate('signin', { replace: true });
  }
  updateNav(name);
  main.setAttribute('aria-busy', 'true');
  let view;
  try {
    // Every page load checks the session (seed 003: validate the session on every page) and reads the account.
    const ctx = route.public ? null : await loadContext();
    if (id !== state.renderId) return;
    view = await route.view({ args, query, ctx });
  } catch (error) {
    if (id !== state.renderId || (error instanceof ApiError && error.sessionEnded)) return;
    view = { title: error instanceof ApiError && error.status === 404 ? 'Not found' : 'Something went wrong', body: [errorBox(error), h('p', {}, h('a', { href: '#overview' }, 'Back to your account'))] };
  }
  if (id !== state.renderId || !view) return;
  show(view);
}

function show({ title, body }) {
  const heading = h('h1', { tabindex: '-1' }, title);
  const flash = state.flash;
  state.flash = null;
  main.replaceChildren(heading, flash ? messageBox(flash.kind, flash.text) : '', ...body.flat());
  main.removeAttribute('aria-busy');
  document.title = `${title} · Customer portal`;
  // Focus follows navigation: a screen reader reads the new page's title, the keyboard starts from it.
  heading.focus();
}

function updateNav(name) {
  nav.hidden = !state.session;
  for (const link of nav.querySelectorAll('a')) {
    if (link.getAttribute('href') === `#${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
}

async function loadContext() {
  const session = state.session;
  const accountId = session.current || session.accountId;
  const [me, account] = await Promise.all([api('GET', '/v1/self-service/me'), api('GET', `/v1/accounts/${enc(accountId)}`)]);
  const language = languageOf(account.data);
  return { me: me.data, account: account.data, accountId, money: moneyFormat(language, account.data.currency), date: dateFormat(language) };
}


// ---------------------------------------------------------------------------------------------------------------
// Building blocks

/** An element with attributes (on* are listeners) and children (strings become text, never HTML). */
function h(tag, attrs, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') element.addEventListener(key.slice(2), value);
    else if (key === 'class') element.className = value;
    else if (value === true) element.setAttribute(key, '');
    else element.setAttribute(key, String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false || child === '') continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

const enc = encodeURIComponent;
let fieldCount = 0;

/** A labelled control: `attrs.tag` is input (default) or select; `options` for a select: [[value, label], ...]. */
function field(label, attrs, { hint, options } = {}) {
  const id = `field-${++fieldCount}`;
  const hintId = hint ? `${id}-hint` : undefined;
  const { tag = 'input', selected, ...rest } = attrs;
  const control = h(tag, { id, ...rest, 'aria-describedby': hintId }, (options || []).map(([value, text]) => h('option', { value, selected: value === selected }, text)));
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('span', { class: 'hint', id: hintId }, hint) : '');
}

function checkbox(label, attrs) {
  const id = `field-${++fieldCount}`;
  return h('div', { class: 'field inline' }, h('input', { type: 'checkbox', id, ...attrs }), h('label', { for: id }, label));
}

/** A group of radio buttons under a legend: options [[value, label], ...], the first checked unless `checked` says. */
function radios(legend, name, options, checked = options[0][0]) {
  return h(
    'fieldset',
    {},
    h('legend', {}, legend),
    options.map(([value, text]) => {
      const id = `field-${++fieldCount}`;
      return h('div', { class: 'field inline' }, h('input', { type: 'radio', id, name, value, checked: value === checked }), h('label', { for: id }, text));
    }),
  );
}

/**
 * A form whose submission runs `handler(values)`: the button is disabled meanwhile, and an error is shown at the top of
 * the form (role="alert": announced) with each field the API named marked invalid and the first of them focused.
 */
function form(children, submitLabel, handler, { extra, submitClass } = {}) {
  const element = h('form', {}, children, h('div', { class: 'actions' }, h('button', { type: 'submit', class: submitClass }, submitLabel), extra || ''));
  element.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = element.querySelector('button[type="submit"]');
    clearErrors(element);
    button.disabled = true;
    try {
      await handler(Object.fromEntries(new FormData(element)), element);
    } catch (error) {
      if (error instanceof ApiError && error.sessionEnded) return;
      showErrors(element, error);
    } finally {
      button.disabled = false;
    }
  });
  return element;
}

function clearErrors(formElement) {
  for (const old of formElement.querySelectorAll('.message.error, .field-error')) old.remove();
  for (const invalid of formElement.querySelectorAll('[aria-invalid]')) {
    invalid.removeAttribute('aria-invalid');
    invalid.removeAttribute('aria-errormessage');
  }
}

function showErrors(formElement, error) {
  formElement.prepend(errorBox(error));
  let first = null;
  for (const detail of error.details || []) {
    const control = formElement.querySelector(`[name="${CSS.escape(String(detail.field))}"]`);
    if (!control || control.getAttribute('aria-invalid')) continue;
    const messageId = `${control.id}-error`;
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-errormessage', messageId);
    control.insertAdjacentElement('afterend', h('span', { class: 'field-error', id: messageId }, detail.message));
    first = first || control;
  }
  if (first) first.focus();
}

/** A field error found before calling the API. */
function invalid(field, message) {
  return new ApiError(400, { message, details: [{ field, rule: 'input', message }] });
}

function errorBox(error) {
  const details = (error.details || []).map((detail) => detail.message).filter((text) => text && text !== error.message);
  return h('div', { class: 'message error', role: 'alert' }, h('p', {}, friendly(error)), details.length ? h('ul', {}, details.map((text) => h('li', {}, text))) : '');
}

function friendly(error) {
  if (error instanceof ApiError && error.status === 403) return `You may not do this here. ${error.message}`;
  if (error instanceof ApiError && error.status === 429) return 'Too many attempts. Please wait a minute and try again.';
  return error.message || 'Something went wrong.';
}

/** ok: role="status" (polite); error: role="alert". */
function messageBox(kind, text) {
  return h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, h('p', {}, text));
}

function table(caption, headers, rows, empty) {
  if (rows.length === 0) return h('p', { class: 'muted' }, empty);
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      {},
      caption ? h('caption', {}, caption) : '',
      h('thead', {}, h('tr', {}, headers.map(([text, numeric]) => h('th', { scope: 'col', class: numeric ? 'num' : undefined }, text)))),
      h('tbody', {}, rows.map((cells) => h('tr', {}, cells.map((cell, index) => h('td', { class: headers[index][1] ? 'num' : undefined }, cell))))),
    ),
  );
}

function label(status) {
  return STATUS_LABELS[status] || status || '—';
}

async function items(path) {
  return (await api('GET', path)).data.items;
}

/** The plans the tenant offers this customer, by id; nothing when the tenant offers none to choose. */
async function offeredPlans() {
  try {
    return await items('/v1/plans?limit=100');
  } catch (error) {
    if (error instanceof ApiError && (error.status === 403 || error.status === 404)) return [];
    throw error;
  }
}

function planName(plans, planId) {
  const plan = plans.find((candidate) => candidate.id === planId);
  return plan ? plan.name : planId;
}

/** A recurring plan's price per period, from its per-unit recurring services ("$25.00 / month"). */
function planPrice(plan, money) {
  const unit = plan.billingInterval ? (plan.billingInterval.count === 1 ? plan.billingInterval.unit : `${plan.billingInterval.count} ${plan.billingInterval.unit}s`) : '';
  const recurring = (plan.services || []).filter((service) => service.type === 'recurring' && service.pricing && service.pricing.model === 'perUnit');
  if (recurring.length === 0) return '';
  const cents = recurring.reduce((sum, service) => sum + (majorToMinor(service.pricing.unitPrice, money.digits) ?? 0), 0);
  return `${money.amount(cents)} per unit / ${unit}`;
}

function address(contact) {
  const a = (contact && contact.address) || {};
  return [a.line1, a.line2, [a.postalCode, a.city].filter(Boolean).join(' '), a.region, a.country].filter(Boolean);
}

// ---------------------------------------------------------------------------------------------------------------
// Signing in, out, and resetting a password

function tenantFromPage(query) {
  return new URLSearchParams(location.search).get('tenant') || query.get('tenant') || readStored(TENANT_KEY) || '';
}

function signInView({ query }) {
  return {
    title: 'Sign in',
    body: [
      form(
        [
          field('Company code', { name: 'tenantId', required: true, autocomplete: 'organization', value: tenantFromPage(query), spellcheck: 'false' }, { hint: 'The code your provider gave you (it is in the link to this page).' }),
          field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
          field('Password', { name: 'password', type: 'password', required: true, autocomplete: 'current-password' }),
        ],
        'Sign in',
        async ({ tenantId, email, password }) => {
          const tenant = tenantId.trim();
          let data;
          try {
            ({ data } = await api('POST', '/v1/self-service/sessions', { tenantId: tenant, email: email.trim(), password }, { anonymous: true }));
          } catch (error) {
            // One answer for an unknown email, a wrong password and an unknown company: nothing is revealed.
            if (error instanceof ApiError && (error.status === 401 || error.status === 404)) throw new ApiError(401, { message: 'The company code, email or password is not right.' });
            throw error;
          }
          rememberTenant(tenant);
          saveSession({ token: data.token, tenantId: tenant, email: email.trim(), accountId: data.accountId, accountIds: data.accountIds || [data.accountId], current: data.accountId, expiresAt: data.expiresAt });
          navigate('overview');
        },
      ),
      h('p', {}, h('a', { href: '#forgot' }, 'Forgot your password?')),
    ],
  };
}

function forgotView({ query }) {
  const done = h('div', {});
  const body = [
    h('p', {}, 'Enter the email you sign in with. If it belongs to an account, we email you a link to choose a new password.'),
    form(
      [
        field('Company code', { name: 'tenantId', required: true, value: tenantFromPage(query), spellcheck: 'false' }),
        field('Email', { name: 'email', type: 'email', required: true, autocomplete: 'username' }),
      ],
      'Email me a link',
      async ({ tenantId, email }, element) => {
        await api('POST', '/v1/self-service/password-resets', { tenantId: tenantId.trim(), email: email.trim() }, { anonymous: true });
        rememberTenant(tenantId.trim());
        // The same answer whether or not the email is known (nothing is revealed about who has an account).
        element.replaceWith(done);
        done.append(messageBox('ok', `If ${email.trim()} belongs to an account, a link to reset the password is on its way. The link works once.`));
        done.setAttribute('tabindex', '-1');
        done.focus();
      },
    ),
    done,
    h('p', {}, h('a', { href: '#signin' }, 'Back to sign in')),
  ];
  return { title: 'Reset your password', body };
}

function resetView({ query }) {
  const tenantId = query.get('tenant');
  const token = query.get('token');
  if (!tenantId || !token) {
    return { title: 'Choose a new password', body: [messageBox('error', 'This link is not complete. Ask for a new one.'), h('p', {}, h('a', { href: '#forgot' }, 'Ask for a new link'))] };
  }
  return {
    title: 'Choose a new password',
    body: [
      form(
        [
          field('New password', { name: 'password', type: 'password', required: true, autocomplete: 'new-password', minlength: 10, maxlength: 200 }, { hint: 'At least 10 characters.' }),
          field('New password again', { name: 'again', type: 'password', required: true, autocomplete: 'new-password' }),
        ],
        'Save the new password',
        async ({ password, again }) => {
          if (password !== again) throw invalid('again', 'The two passwords differ.');
          await api('POST', '/v1/self-service/password-resets/confirm', { tenantId, token, password }, { anonymous: true });
          rememberTenant(tenantId);
          if (state.session) saveSession(null);
          state.flash = { kind: 'ok', text: 'Your password was changed. Sign in with the new one.' };
          // Replace: the used token leaves the address bar and the history.
          navigate('signin', { replace: true });
        },
      ),
    ],
  };
}

function passwordView() {
  return {
    title: 'Change your password',
    body: [
      form(
        [
          field('Current password', { name: 'currentPassword', type: 'password', required: true, autocomplete: 'current-password' }),
          field('New password', { name: 'newPassword', type: 'password', required: true, autocomplete: 'new-password', minlength: 10, maxlength: 200 }, { hint: 'At least 10 characters. Your other sessions end.' }),
          field('New password again', { name: 'again', type: 'password', required: true, autocomplete: 'new-password' }),
        ],
        'Change the password',
        async ({ currentPassword, newPassword, again }) => {
          if (newPassword !== again) throw invalid('again', 'The two passwords differ.');
          await api('PUT', '/v1/self-service/password', { currentPassword, newPassword });
          state.flash = { kind: 'ok', text: 'Your password was changed.' };
          navigate('overview');
        },
        { extra: h('a', { href: '#overview' }, 'Cancel') },
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// The account

async function overviewView({ ctx }) {
  const { account, accountId, money, date } = ctx;
  const base = `/v1/accounts/${enc(accountId)}`;
  const [balance, planInstances, invoices, statements, plans] = await Promise.all([
    api('GET', `${base}/balance`).then((response) => response.data),
    items(`${base}/plan-instances?limit=100`),
    items(`${base}/invoices?limit=10`),
    items(`${base}/statements?limit=6`),
    offeredPlans(),
  ]);
  const contact = account.contact || {};
  const person = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const accounts = state.session.accountIds || [];

  return {
    title: account.name,
    body: [
      accounts.length > 1
        ? form([field('Account', { tag: 'select', name: 'account', selected: accountId }, { options: accounts.map((id) => [id, id]) })], 'Show', ({ account: chosen }) => {
            saveSession({ ...state.session, current: chosen });
            navigate('overview');
          })
        : '',
      h(
        'div',
        { class: 'grid' },
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'balance-heading' },
          h('h2', { id: 'balance-heading' }, 'Balance'),
          h('p', { class: 'big', id: 'balance', 'data-amount': balance.balance }, money.amount(balance.balance)),
          balance.balance < 0 ? h('p', {}, 'You have a credit: it pays your next invoices.') : '',
          balance.pastDue > 0 ? h('p', {}, `Past due: ${money.amount(balance.pastDue)}`) : '',
          balance.dueDate ? h('p', { class: 'muted' }, `Due ${date(balance.dueDate)}`) : '',
          balance.amountDue > 0 ? h('p', {}, h('a', { class: 'button', href: '#pay' }, 'Pay now')) : '',
        ),
        h(
          'section',
          { class: 'card', 'aria-labelledby': 'contact-heading' },
          h('h2', { id: 'contact-heading' }, 'Contact details'),
          h(
            'dl',
            { id: 'contact' },
            person ? [h('dt', {}, 'Name'), h('dd', {}, person)] : '',
            contact.companyName ? [h('dt', {}, 'Company'), h('dd', {}, contact.companyName)] : '',
            h('dt', {}, 'Email'),
            h('dd', {}, contact.email || '—'),
            contact.phone ? [h('dt', {}, 'Phone'), h('dd', {}, contact.phone)] : '',
            address(contact).length ? [h('dt', {}, 'Address'), h('dd', {}, address(contact).flatMap((line, index) => (index ? [h('br', {}), line] : [line])))] : '',
          ),
          h('p', { class: 'row-actions' }, h('a', { href: '#contact' }, 'Edit contact details'), h('a', { href: '#password' }, 'Change your password')),
        ),
      ),
      h('h2', { id: 'plans-heading' }, 'Your plans'),
      table(
        null,
        [['Plan'], ['Quantity', true], ['Status'], ['Next bill'], ['Change']],
        planInstances.map((instance) => {
          const name = planName(plans, instance.planId);
          const change = instance.pendingChange ? h('div', { class: 'muted' }, pendingText(instance.pendingChange, plans, date)) : '';
          return [
            [name, change],
            String(instance.quantity),
            label(instance.status),
            date(instance.nextBillDate),
            instance.status === 'cancelled'
              ? '—'
              : h(
                  'div',
                  { class: 'row-actions' },
                  h('a', { href: `#plan/${enc(instance.id)}/quantity`, 'aria-label': `Change the quantity of ${name}` }, 'Quantity'),
                  h('a', { href: `#plan/${enc(instance.id)}/switch`, 'aria-label': `Switch ${name} to another plan` }, 'Switch'),
                  h('a', { href: `#plan/${enc(instance.id)}/cancel`, 'aria-label': `Cancel ${name}` }, 'Cancel'),
                ),
          ];
        }),
        'You have no plans yet.',
      ),
      plans.length > 0 ? h('p', {}, h('a', { href: '#add-plan' }, 'Add a plan')) : '',
      h('h2', {}, 'Invoices'),
      table(
        null,
        [['Invoice'], ['Date'], ['Due'], ['Total', true], ['Still owed', true], ['Status']],
        invoices.map((invoice) => [
          h('a', { href: `#invoice/${enc(invoice.id)}` }, invoice.number ? `No. ${invoice.number}` : invoice.id),
          date(invoice.invoiceDate),
          date(invoice.dueDate),
          money.amount(invoice.total),
          money.amount(invoice.balance),
          label(invoice.status),
        ]),
        'No invoices yet.',
      ),
      h('h2', {}, 'Statements'),
      table(
        null,
        [['Statement'], ['Period'], ['Closing balance', true], ['Amount due', true], ['Status']],
        statements.map((statement) => [
          h('a', { href: `#statement/${enc(statement.id)}` }, date(statement.statementDate || statement.periodEnd)),
          `${date(statement.periodStart)} – ${date(statement.periodEnd)}`,
          money.amount(statement.closingBalance),
          money.amount(statement.amountDue),
          label(statement.status),
        ]),
        'No statements yet.',
      ),
    ],
  };
}

function pendingText(change, plans, date) {
  if (change.kind === 'cancel') return `Ends ${date(change.effectiveDate)}`;
  if (change.planId) return `Changes to ${planName(plans, change.planId)} on ${date(change.effectiveDate)}`;
  return `Changes on ${date(change.effectiveDate)}`;
}

const CONTACT_FIELDS = [
  ['firstName', 'First name', 'given-name'],
  ['lastName', 'Last name', 'family-name'],
  ['companyName', 'Company', 'organization'],
  ['email', 'Email', 'email', 'email'],
  ['phone', 'Phone', 'tel', 'tel'],
];
const ADDRESS_FIELDS = [
  ['line1', 'Street and number', 'address-line1'],
  ['line2', 'Address line 2', 'address-line2'],
  ['city', 'City', 'address-level2'],
  ['region', 'Region or state', 'address-level1'],
  ['postalCode', 'Postal code', 'postal-code'],
  ['country', 'Country code', 'country', 'text', 'Two letters, such as US or DE.'],
];

function contactView({ ctx }) {
  const contact = ctx.account.contact || {};
  const current = contact.address || {};
  return {
    title: 'Contact details',
    body: [
      form(
        [
          CONTACT_FIELDS.map(([name, text, autocomplete, type = 'text']) => field(text, { name, type, autocomplete, value: contact[name] || '' })),
          h(
            'fieldset',
            {},
            h('legend', {}, 'Address'),
            ADDRESS_FIELDS.map(([name, text, autocomplete, type = 'text', hint]) => field(text, { name: `address.${name}`, type, autocomplete, value: current[name] || '' }, { hint })),
          ),
        ],
        'Save',
        async (values) => {
          const patch = {};
          for (const [name] of CONTACT_FIELDS) patch[name] = values[name].trim() || null;
          const addressPatch = {};
          for (const [name] of ADDRESS_FIELDS) addressPatch[name] = values[`address.${name}`].trim() || null;
          if (addressPatch.country) addressPatch.country = addressPatch.country.toUpperCase();
          const anyAddress = Object.values(addressPatch).some(Boolean);
          if (anyAddress) patch.address = addressPatch;
          else if (contact.address) patch.address = null;
          await api('PATCH', `/v1/accounts/${enc(ctx.accountId)}/contact`, patch, { idempotencyKey: newIdempotencyKey() });
          state.flash = { kind: 'ok', text: 'Your contact details were saved.' };
          navigate('overview');
        },
        { extra: h('a', { href: '#overview' }, 'Cancel') },
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Plans: every change is previewed (doWrite: false) and confirmed on its own page (doWrite: true)

async function planChangeView({ args, ctx }) {
  const [instanceId, kind] = args;
  const [{ data: instance }, plans] = await Promise.all([api('GET', `/v1/plan-instances/${enc(instanceId)}`), offeredPlans()]);
  const name = planName(plans, instance.planId);
  const path = `/v1/plan-instances/${enc(instanceId)}/${kind}`;
  const back = h('a', { href: '#overview' }, 'Back');
  const intro = h('p', {}, `${name}: quantity ${instance.quantity}, ${label(instance.status).toLowerCase()}. You see what it costs before anything changes.`);
  const preview = async (body, description) => {
    const { data } = await api('POST', path, { ...body, doWrite: false });
    state.pending = { kind: 'plan', title: description, path, body, preview: data, key: newIdempotencyKey() };
    navigate('confirm');
  };

  if (kind === 'quantity') {
    return {
      title: `Change the quantity of ${name}`,
      body: [
        intro,
        form([field('New quantity', { name: 'quantity', type: 'number', min: 1, step: 1, required: true, value: instance.quantity, inputmode: 'numeric' })], 'Preview the change', async ({ quantity }) => {
          const value = Number(quantity);
          if (!Number.isInteger(value) || value < 1) throw invalid('quantity', 'Enter a whole number from 1.');
          await preview({ quantity: value }, `${name}: quantity ${instance.quantity} → ${value}`);
        }, { extra: back }),
      ],
    };
  }
  if (kind === 'switch') {
    const choices = plans.filter((plan) => plan.id !== instance.planId && plan.currency === ctx.account.currency);
    if (choices.length === 0) return { title: `Switch ${name}`, body: [intro, h('p', {}, 'No other plan is offered to you at the moment.'), h('p', {}, back)] };
    return {
      title: `Switch ${name}`,
      body: [
        intro,
        form(
          [
            field('New plan', { tag: 'select', name: 'planId', required: true }, { options: choices.map((plan) => [plan.id, [plan.name, planPrice(plan, ctx.money)].filter(Boolean).join(' – ')]) }),
            radios('When', 'effective', [
              ['now', 'Now (unused days are credited)'],
              ['nextBillDate', `At the next bill date (${ctx.date(instance.nextBillDate)})`],
            ]),
          ],
          'Preview the switch',
          async ({ planId, effective }) => preview({ planId, effective }, `${name} → ${planName(plans, planId)} (${effective === 'now' ? 'now' : 'at the next bill date'})`),
          { extra: back },
        ),
      ],
    };
  }
  if (kind === 'cancel') {
    return {
      title: `Cancel ${name}`,
      body: [
        intro,
        form(
          [
            radios('When', 'effective', [
              ['nextBillDate', `At the next bill date (${ctx.date(instance.nextBillDate)})`],
              ['now', 'Now (unused days are credited)'],
            ]),
          ],
          'Preview the cancellation',
          async ({ effective }) => preview({ effective }, `Cancel ${name} (${effective === 'now' ? 'now' : 'at the next bill date'})`),
          { extra: back },
        ),
      ],
    };
  }
  return { title: 'Not found', body: [messageBox('error', 'There is no such change.'), h('p', {}, back)] };
}

async function addPlanView({ ctx }) {
  const plans = (await offeredPlans()).filter((plan) => plan.currency === ctx.account.currency);
  const back = h('a', { href: '#overview' }, 'Back');
  if (plans.length === 0) return { title: 'Add a plan', body: [h('p', {}, 'No plan is offered to you at the moment.'), h('p', {}, back)] };
  const path = `/v1/accounts/${enc(ctx.accountId)}/plan-instances`;
  return {
    title: 'Add a plan',
    body: [
      form(
        [
          field('Plan', { tag: 'select', name: 'planId', required: true }, { options: plans.map((plan) => [plan.id, [plan.name, planPrice(plan, ctx.money)].filter(Boolean).join(' – ')]) }),
          field('Quantity', { name: 'quantity', type: 'number', min: 1, step: 1, required: true, value: 1, inputmode: 'numeric' }),
        ],
        'Preview',
        async ({ planId, quantity }) => {
          const value = Number(quantity);
          if (!Number.isInteger(value) || value < 1) throw invalid('quantity', 'Enter a whole number from 1.');
          // The instance's id is chosen here, so the preview and the confirmed assignment name the same instance and invoice.
          const body = { id: newIdempotencyKey().replace('portal-', 'pi-'), planId, quantity: value };
          const { data } = await api('POST', path, { ...body, doWrite: false });
          state.pending = { kind: 'plan', title: `Add ${planName(plans, planId)} × ${value}`, path, body, preview: data, key: newIdempotencyKey() };
          navigate('confirm');
        },
        { extra: back },
      ),
    ],
  };
}

/** What a preview (plan change or order) will charge, line by line, and its total. */
function previewSummary(pending, money, date) {
  if (pending.kind === 'order') {
    const order = pending.preview;
    return {
      total: order.total,
      lines: table(
        'What you order',
        [['Item'], ['Quantity', true], ['Unit price', true], ['Amount', true]],
        (order.lines || []).map((line) => [line.name || line.itemId, String(line.quantity), money.price(line.unitPrice), money.amount(line.amount)]),
        'No lines.',
      ),
      notes: [order.invoice && order.invoice.dueDate ? `Invoiced today, due ${date(order.invoice.dueDate)}.` : ''],
    };
  }
  const { invoice, nextBillDate, warnings = [] } = pending.preview;
  return {
    total: invoice ? invoice.total : 0,
    lines: invoice
      ? table(
          'What changes on your invoice',
          [['Description'], ['Period'], ['Quantity', true], ['Amount', true]],
          invoice.lines.map((line) => [line.description, `${date(line.periodStart)} – ${date(line.periodEnd)}`, line.quantity, money.amount(line.amount)]),
          'No lines.',
        )
      : '',
    notes: [nextBillDate ? `Next bill date: ${date(nextBillDate)}.` : '', ...warnings],
  };
}

function totalText(total, money) {
  if (total > 0) return `You will be charged ${money.amount(total)}.`;
  if (total < 0) return `You will be credited ${money.amount(-total)}.`;
  return 'Nothing is charged or credited now.';
}

function confirmView({ ctx }) {
  const pending = state.pending;
  if (!pending) {
    return { title: 'Nothing to confirm', body: [h('p', {}, 'There is no change waiting for your confirmation.'), h('p', {}, h('a', { href: '#overview' }, 'Back to your account'))] };
  }
  const { total, lines, notes } = previewSummary(pending, ctx.money, ctx.date);
  const back = pending.kind === 'order' ? '#order' : '#overview';
  return {
    title: 'Confirm the change',
    body: [
      h('p', { class: 'lead' }, pending.title),
      lines,
      h('p', { class: 'total', id: 'preview-total', 'data-amount': total }, totalText(total, ctx.money)),
      notes.filter(Boolean).map((note) => h('p', { class: 'muted' }, note)),
      form(
        [],
        'Confirm',
        async () => {
          const { data } = await api('POST', pending.path, { ...pending.body, doWrite: true }, { idempotencyKey: pending.key });
          state.pending = null;
          if (pending.kind === 'order') {
            state.flash = { kind: 'ok', text: `Your order ${data.id} was placed: ${ctx.money.amount(data.total)}.` };
            navigate('history');
          } else {
            const written = data.invoice ? data.invoice.total : 0;
            state.flash = { kind: 'ok', text: `Done. ${totalText(written, ctx.money).replace('will be', 'were').replace('Nothing is', 'Nothing was')}` };
            navigate('overview');
          }
        },
        {
          extra: h('a', { href: back, onclick: () => (state.pending = null) }, 'Go back without changing anything'),
        },
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Paying

async function paymentMethodsView({ ctx }) {
  const path = `/v1/accounts/${enc(ctx.accountId)}/payment-methods`;
  const methods = (await items(path)).filter((method) => method.status === 'active');
  const describe = (method) => `${method.type === 'card' ? 'Card' : 'Bank account'} ending ${method.last4}`;
  return {
    title: 'Payment methods',
    body: [
      table(
        null,
        [['Payment method'], ['Default'], ['Remove']],
        methods.map((method) => [
          describe(method),
          method.isDefault ? h('span', { class: 'badge' }, 'Default') : '',
          h(
            'button',
            {
              type: 'button',
              class: 'secondary',
              'aria-label': `Remove ${describe(method)}`,
              onclick: async (event) => {
                event.currentTarget.disabled = true;
                try {
                  await api('DELETE', `${path}/${enc(method.id)}`, undefined, {});
                  state.flash = { kind: 'ok', text: `${describe(method)} was removed.` };
                } catch (error) {
                  if (error instanceof ApiError && error.sessionEnded) return;
                  state.flash = { kind: 'error', text: friendly(error) };
                }
                navigate('payment-methods');
              },
            },
            'Remove',
          ),
        ]),
        'You have no payment method: invoices are paid on terms.',
      ),
      h('h2', {}, 'Add a card'),
      form(
        [
          field('Card', { tag: 'select', name: 'token', required: true, selected: 'tok_approve' }, { options: SANDBOX_TOKENS, hint: 'A test environment: it takes test cards only, never a real card number.' }),
          checkbox('Make it my default payment method', { name: 'makeDefault', value: 'yes', checked: true }),
        ],
        'Add card',
        async ({ token, makeDefault }) => {
          const { data } = await api('POST', path, { type: 'card', token, makeDefault: makeDefault === 'yes' }, { idempotencyKey: newIdempotencyKey() });
          state.flash = { kind: 'ok', text: `${describe(data)} was added${data.isDefault ? ' and is your default payment method' : ''}.` };
          navigate('payment-methods');
        },
      ),
    ],
  };
}

async function payView({ ctx }) {
  const base = `/v1/accounts/${enc(ctx.accountId)}`;
  const [{ data: balance }, methods] = await Promise.all([api('GET', `${base}/balance`), items(`${base}/payment-methods`)]);
  const active = methods.filter((method) => method.status === 'active');
  const owed = Math.max(balance.balance, 0);
  const intro = h('p', {}, owed > 0 ? `Your balance is ${ctx.money.amount(balance.balance)}.` : `Nothing is owed: your balance is ${ctx.money.amount(balance.balance)}.`);
  if (active.length === 0) return { title: 'Make a payment', body: [intro, h('p', {}, 'Add a card first: ', h('a', { href: '#payment-methods' }, 'payment methods'), '.')] };
  const chosen = active.find((method) => method.isDefault) || active[0];
  // One key per payment the customer means: a retry after no answer (network, 5xx) reuses it, so nothing is charged twice;
  // another amount or card, or a new try after an answer (a decline), is a new payment.
  let attempt = null;
  return {
    title: 'Make a payment',
    body: [
      intro,
      form(
        [
          field(`Amount (${ctx.account.currency})`, { name: 'amount', required: true, inputmode: 'decimal', autocomplete: 'off', value: owed > 0 ? ctx.money.major(owed) : '' }),
          field('Pay with', { tag: 'select', name: 'paymentMethodId', selected: chosen.id }, { options: active.map((method) => [method.id, `${method.type === 'card' ? 'Card' : 'Bank account'} ending ${method.last4}${method.isDefault ? ' (default)' : ''}`]) }),
        ],
        'Pay now',
        async ({ amount, paymentMethodId }) => {
          const minor = majorToMinor(amount, ctx.money.digits);
          if (!minor) throw invalid('amount', `Enter an amount above zero with at most ${ctx.money.digits} decimals.`);
          const body = { accountId: ctx.accountId, amount: minor, currency: ctx.account.currency, source: 'paymentMethod', paymentMethodId };
          const json = JSON.stringify(body);
          if (!attempt || attempt.json !== json) attempt = { json, key: newIdempotencyKey() };
          let data;
          try {
            ({ data } = await api('POST', '/v1/payments', body, { idempotencyKey: attempt.key }));
          } catch (error) {
            if (error instanceof ApiError && error.status > 0 && error.status < 500) attempt = null;
            throw error;
          }
          attempt = null;
          if (data.status === 'failed') throw new ApiError(422, { message: `The payment of ${ctx.money.amount(minor)} did not go through (${data.failureReason || 'declined'}). Try another card.` });
          state.flash = { kind: 'ok', text: data.status === 'pending' ? `Your payment of ${ctx.money.amount(minor)} is being processed.` : `Thank you: your payment of ${ctx.money.amount(minor)} was received.` };
          navigate('overview');
        },
        { extra: h('a', { href: '#overview' }, 'Cancel') },
      ),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Ordering and history

async function orderView({ ctx }) {
  let catalog;
  try {
    catalog = (await items('/v1/items?limit=100')).filter((item) => item.currency === ctx.account.currency);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) return { title: 'Order', body: [h('p', {}, 'Ordering is not offered here.')] };
    throw error;
  }
  if (catalog.length === 0) return { title: 'Order', body: [h('p', {}, 'There is nothing to order at the moment.')] };
  const path = `/v1/accounts/${enc(ctx.accountId)}/orders`;
  return {
    title: 'Order',
    body: [
      form(
        [
          field('Item', { tag: 'select', name: 'itemId', required: true }, { options: catalog.map((item) => [item.id, `${item.name} – ${ctx.money.price(item.unitPrice)}`]) }),
          field('Quantity', { name: 'quantity', type: 'number', min: 1, max: 100000, step: 1, required: true, value: 1, inputmode: 'numeric' }),
        ],
        'Preview the order',
        async ({ itemId, quantity }) => {
          const value = Number(quantity);
          if (!Number.isInteger(value) || value < 1) throw invalid('quantity', 'Enter a whole number from 1.');
          // The order's id is chosen here too, so the preview and the confirmed order are the same order.
          const body = { id: newIdempotencyKey().replace('portal-', 'ord-'), items: [{ itemId, quantity: value }] };
          const { data } = await api('POST', path, { ...body, doWrite: false });
          const item = catalog.find((candidate) => candidate.id === itemId);
          state.pending = { kind: 'order', title: `Order ${value} × ${item ? item.name : itemId}`, path, body, preview: data, key: newIdempotencyKey() };
          navigate('confirm');
        },
      ),
    ],
  };
}

async function historyView({ ctx }) {
  const base = `/v1/accounts/${enc(ctx.accountId)}`;
  const { money, date } = ctx;
  const [transactions, payments, orders] = await Promise.all([items(`${base}/transactions?limit=25`), items(`${base}/payments?limit=10`), items(`${base}/orders?limit=10`)]);
  return {
    title: 'History',
    body: [
      h('h2', {}, 'Transactions'),
      table(
        null,
        [['Date'], ['What'], ['Reference'], ['Amount', true], ['Balance after', true]],
        transactions.map((entry) => [date(entry.date), TRANSACTION_LABELS[entry.type] || entry.type, entry.reference || '', money.amount(entry.amount), money.amount(entry.balanceAfter)]),
        'No transactions yet.',
      ),
      h('h2', {}, 'Payments'),
      table(
        null,
        [['Date'], ['Payment'], ['Amount', true], ['Status']],
        payments.map((payment) => [date(payment.date), payment.id, money.amount(payment.amount), [label(payment.status), payment.failureReason ? ` (${payment.failureReason})` : '']]),
        'No payments yet.',
      ),
      h('h2', {}, 'Orders'),
      table(
        null,
        [['Order'], ['Items'], ['Total', true], ['Invoiced']],
        orders.map((order) => [
          order.id,
          (order.lines || []).map((line) => `${line.quantity} × ${line.name || line.itemId}`).join(', '),
          money.amount(order.total),
          // Not a link: an order's invoice is a ledger item, which GET /v1/invoices/{id} does not show a customer.
          order.invoice ? `${date(order.invoice.invoiceDate)}, due ${date(order.invoice.dueDate)}` : '—',
        ]),
        'No orders yet.',
      ),
    ],
  };
}

async function invoiceView({ args, ctx }) {
  const { data: invoice } = await api('GET', `/v1/invoices/${enc(args[0])}`);
  const { money, date } = ctx;
  return {
    title: invoice.number ? `Invoice no. ${invoice.number}` : `Invoice ${invoice.id}`,
    body: [
      h(
        'dl',
        {},
        h('dt', {}, 'Date'),
        h('dd', {}, date(invoice.invoiceDate)),
        h('dt', {}, 'Due'),
        h('dd', {}, date(invoice.dueDate)),
        h('dt', {}, 'Total'),
        h('dd', {}, money.amount(invoice.total)),
        h('dt', {}, 'Still owed'),
        h('dd', {}, money.amount(invoice.balance)),
        h('dt', {}, 'Status'),
        h('dd', {}, label(invoice.status)),
      ),
      h('h2', {}, 'Lines'),
      table(
        null,
        [['Description'], ['Period'], ['Quantity', true], ['Amount', true]],
        (invoice.lines || []).map((line) => [line.description, `${date(line.periodStart)} – ${date(line.periodEnd)}`, line.quantity, money.amount(line.amount)]),
        'This charge has no lines.',
      ),
      h('p', {}, h('a', { href: '#overview' }, 'Back to your account')),
    ],
  };
}

async function statementView({ args, ctx }) {
  const { data: statement } = await api('GET', `/v1/statements/${enc(args[0])}`);
  const { money, date } = ctx;
  const row = (text, value) => [h('dt', {}, text), h('dd', {}, value)];
  return {
    title: `Statement of ${date(statement.statementDate || statement.periodEnd)}`,
    body: [
      h(
        'dl',
        {},
        row('Period', `${date(statement.periodStart)} – ${date(statement.periodEnd)}`),
        row('Opening balance', money.amount(statement.openingBalance)),
        row('Charges', money.amount(statement.charges)),
        row('Payments', money.amount(statement.payments)),
        row('Credits', money.amount(statement.credits)),
        row('Closing balance', money.amount(statement.closingBalance)),
        row('Amount due', money.amount(statement.amountDue)),
        row('Due', date(statement.dueDate)),
        row('Status', label(statement.status)),
      ),
      h('h2', {}, 'Lines'),
      table(
        null,
        [['Description'], ['Date'], ['Amount', true]],
        (statement.lines || []).map((line) => [line.description || line.invoiceId || '', date(line.invoiceDate || line.periodStart), money.amount(line.owed ?? line.amount)]),
        'No lines.',
      ),
      h('p', {}, h('a', { href: '#overview' }, 'Back to your account')),
    ],
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Start (last: every declaration above is initialised)

document.getElementById('sign-out').addEventListener('click', async () => {
  try {
    await api('DELETE', '/v1/self-service/sessions/current');
  } catch {
    // Signed out either way: the token is forgotten here, and an ended session is what we wanted.
  }
  endSession('You are signed out.', 'ok');
});

// A link to the view already shown loads it again (fresh figures, the session checked), as a reload would.
nav.addEventListener('click', (event) => {
  const link = event.target instanceof Element ? event.target.closest('a') : null;
  if (link && link.getAttribute('href') === location.hash) {
    event.preventDefault();
    void render();
  }
});
window.addEventListener('hashchange', () => void render());
if (!location.hash || location.hash === '#') history.replaceState(null, '', state.session ? '#overview' : '#signin');
void render();
