import { minorDigits } from './currency';
import { toMajorString } from './money';

/**
 * What invoice and statement documents (PDF and HTML, issue 22) share, pure: amounts formatted for the currency
 * and the reader's language, the content negotiation of a document route, a neutral document model and its HTML
 * page. The PDF drawing of the model needs pdfkit, so it lives with the contexts (payments/documents,
 * statements/documents), not here.
 */

/** The locale to format for: the account's language tag when Intl knows it, else English. */
export function documentLocale(language: string | null | undefined): string {
  if (!language) return 'en';
  try {
    return Intl.NumberFormat.supportedLocalesOf([language]).length > 0 ? language : 'en';
  } catch {
    return 'en'; // not a well-formed tag
  }
}

/**
 * An amount in minor units formatted for its currency and a locale: 6000 JPY → "¥6,000", 1234 KWD → "KWD 1.234",
 * 6452 USD in "de" → "64,52 $". Exact: Intl formats the decimal string, never a binary fraction.
 */
export function formatAmount(amount: number, currency: string, language?: string | null): string {
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(documentLocale(language), { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  return format.format(toMajorString({ amount, currency }) as unknown as number);
}

/** A price in major units (a decimal string, maybe finer than the currency: "0.0035") with at least the currency's digits. */
export function formatPrice(price: string, currency: string, language?: string | null): string {
  const digits = minorDigits(currency);
  const decimals = price.includes('.') ? price.length - price.indexOf('.') - 1 : 0;
  const format = new Intl.NumberFormat(documentLocale(language), {
    style: 'currency',
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: Math.min(Math.max(digits, decimals), 20),
  });
  return format.format(price as unknown as number);
}

/** A quantity (a decimal string) in the locale's digits grouping, every decimal kept. */
export function formatQuantity(quantity: string, language?: string | null): string {
  return new Intl.NumberFormat(documentLocale(language), { maximumFractionDigits: 20 }).format(quantity as unknown as number);
}

export type DocumentFormat = 'json' | 'pdf' | 'html';

/**
 * Which representation an `Accept` header asks for: PDF or HTML only when preferred (by q) over JSON; no header,
 * `*\/*` or a tie answer JSON, so every client that does not ask keeps the JSON it had.
 */
export function negotiateDocument(accept: string | undefined): DocumentFormat {
  if (!accept) return 'json';
  const quality = new Map<string, number>();
  for (const part of accept.split(',')) {
    const [range, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
    const value = q === undefined ? 1 : Number(q.slice(2));
    if (range && Number.isFinite(value)) quality.set(range.trim(), Math.max(quality.get(range.trim()) ?? 0, value));
  }
  const of = (type: string) => quality.get(type) ?? quality.get(`${type.split('/')[0]}/*`) ?? quality.get('*/*') ?? 0;
  const json = of('application/json');
  const pdf = quality.get('application/pdf') ?? 0;
  const html = quality.get('text/html') ?? 0;
  if (pdf > 0 && pdf > json && pdf >= html) return 'pdf';
  if (html > 0 && html > json) return 'html';
  return 'json';
}

/** A file name part from an id or number: letters, digits, dot, dash and underscore only. */
export function safeFileName(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) || 'document';
}

/** A neutral document: what a PDF and an HTML page of an invoice or a statement show, already formatted. */
export interface DocumentModel {
  /** "Invoice 12". */
  title: string;
  /** The tenant: its name (tenants have no address). */
  issuer: string[];
  /** "Bill to": the account's name, contact and address lines. */
  recipient: string[];
  /** Label and value pairs under the title (dates, status). */
  facts: [string, string][];
  tables: DocumentTable[];
  /** Label and value pairs at the end (total, balance). */
  totals: [string, string][];
  notes: string[];
}

export interface DocumentColumn {
  label: string;
  align: 'left' | 'right';
  /** Share of the page width. */
  width: number;
}

export interface DocumentTable {
  heading?: string;
  /** Nesting depth (statement sections): indented. */
  level: number;
  columns: DocumentColumn[];
  rows: string[][];
  /** A last row in bold (a section's total). */
  footer?: string[];
}

/** The parts of the account (its read-model document) a document shows. */
export type AccountForDocument = {
  name: string;
  language?: string | null;
  email?: string | null;
  contact?: {
    firstName?: string;
    lastName?: string;
    companyName?: string;
    address?: { line1?: string; line2?: string; city?: string; region?: string; postalCode?: string; country?: string };
  } | null;
};

/** The account's name, then its contact person, company and address, one line each, as far as they are known. */
export function recipientLines(accountId: string, account: AccountForDocument | null): string[] {
  if (!account) return [accountId];
  const contact = account.contact ?? {};
  const person = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  const address = contact.address ?? {};
  const cityLine = [address.postalCode, address.city, address.region].filter(Boolean).join(' ');
  const company = contact.companyName !== account.name ? contact.companyName : undefined;
  return [account.name, company, person, address.line1, address.line2, cityLine, address.country].filter((line): line is string => !!line);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string);
}

/** A small standalone page of the document: every text escaped, no script, inline style only. */
export function documentHtml(model: DocumentModel, language?: string | null): string {
  const e = escapeHtml;
  const lines = (items: string[]) => items.map((item) => e(item)).join('<br>');
  const pairs = (items: [string, string][]) => items.map(([label, value]) => `<tr><th>${e(label)}</th><td>${e(value)}</td></tr>`).join('');
  const table = (t: DocumentTable) => {
    const cell = (tag: string, value: string, index: number) => `<${tag}${t.columns[index]?.align === 'right' ? ' class="r"' : ''}>${e(value)}</${tag}>`;
    return (
      `<section style="margin-left:${t.level * 1.5}em">` +
      (t.heading ? `<h3>${e(t.heading)}</h3>` : '') +
      `<table class="lines"><thead><tr>${t.columns.map((c, i) => cell('th', c.label, i)).join('')}</tr></thead><tbody>` +
      t.rows.map((row) => `<tr>${row.map((value, i) => cell('td', value, i)).join('')}</tr>`).join('') +
      (t.footer ? `<tr class="b">${t.footer.map((value, i) => cell('td', value, i)).join('')}</tr>` : '') +
      '</tbody></table></section>'
    );
  };
  return [
    '<!DOCTYPE html>',
    `<html lang="${e(documentLocale(language))}"><head><meta charset="utf-8"><title>${e(model.title)}</title>`,
    '<style>body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}th,td{padding:.2em .6em;text-align:left;vertical-align:top}' +
      '.lines{width:100%}.lines th{border-bottom:1px solid #888}.r{text-align:right}.b td{font-weight:bold;border-top:1px solid #888}header{display:flex;justify-content:space-between}</style>',
    '</head><body>',
    `<header><div><strong>${lines(model.issuer)}</strong></div><div>${lines(model.recipient)}</div></header>`,
    `<h1>${e(model.title)}</h1>`,
    `<table class="facts">${pairs(model.facts)}</table>`,
    ...model.tables.map(table),
    `<table class="totals">${pairs(model.totals)}</table>`,
    ...model.notes.map((note) => `<p>${e(note)}</p>`),
    '</body></html>',
  ].join('\n');
}

/** The characters of Windows-1252 (WinAnsi) beyond Latin-1's printable ones: what a PDF's standard fonts draw. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

function drawable(char: string): boolean {
  const code = char.codePointAt(0) ?? 0;
  return char === '\n' || (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || WIN_ANSI_EXTRA.has(char);
}

/**
 * Text the PDF standard fonts (Helvetica: WinAnsi only) can draw: compatibility forms folded (fullwidth "￥" →
 * "¥"), accents dropped where the letter has none in WinAnsi ("ő" → "o"), anything else (CJK, Cyrillic, "₹")
 * replaced by "?". No font file is embedded: a Debian machine has none by default.
 */
export function toWinAnsi(text: string): string {
  let out = '';
  for (const char of text.normalize('NFKC')) {
    if (drawable(char)) out += char;
    else {
      const base = char.normalize('NFKD').replace(/\p{M}/gu, '');
      out += base.length > 0 && [...base].every(drawable) ? base : '?';
    }
  }
  return out;
}
