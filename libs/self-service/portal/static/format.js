// Amounts are integers in the currency's minor units (API.md "Conventions"); prices are decimal strings in major units.

const digitsByCurrency = new Map();

/** How many minor digits the currency has (USD 2, JPY 0, KWD 3), as Intl knows it. */
export function minorDigits(currency) {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits;
    digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** The language to format in: the account's, if Intl accepts it, else the browser's. */
export function languageOf(account) {
  const wanted = account && account.language;
  if (wanted) {
    try {
      if (Intl.NumberFormat.supportedLocalesOf([wanted]).length > 0) return wanted;
    } catch {
      // not a valid language tag: the browser's
    }
  }
  return navigator.language || 'en';
}

/** "12345" minor units of a 2-digit currency → "123.45": exact (a decimal string, never a float). */
export function minorToMajor(minor, digits) {
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, '0');
  const major = digits === 0 ? text : `${text.slice(0, -digits)}.${text.slice(-digits)}`;
  return negative ? `-${major}` : major;
}

/** "123.45" (major units, as typed) → 12345 minor units; null when it is not a positive amount with at most `digits` decimals. */
export function majorToMinor(text, digits) {
  const trimmed = String(text).trim().replace(/\s/g, '');
  const match = /^(\d+)(?:[.,](\d*))?$/.exec(trimmed);
  if (!match) return null;
  const fraction = match[2] || '';
  if (fraction.length > digits) return null;
  const minor = Number(match[1] + fraction.padEnd(digits, '0'));
  return Number.isSafeInteger(minor) ? minor : null;
}

/** Formats minor units (numbers) and major-unit decimal strings of one currency in one language. */
export function moneyFormat(language, currency) {
  const digits = minorDigits(currency);
  const format = new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: digits });
  const price = new Intl.NumberFormat(language, { style: 'currency', currency, minimumFractionDigits: digits, maximumFractionDigits: Math.max(digits, 4) });
  return {
    currency,
    digits,
    /** Minor units → "$1,234.56" (Intl takes the exact decimal string). */
    amount: (minor) => (typeof minor === 'number' ? format.format(minorToMajor(minor, digits)) : '—'),
    /** A decimal string in major units ("100.00", a unit price) → "$100.00". */
    price: (major) => (major === null || major === undefined ? '—' : price.format(String(major))),
    major: (minor) => minorToMajor(minor, digits),
  };
}

/** "2026-03-01" → "Mar 1, 2026" in the language (a calendar date: no time zone shift). */
export function dateFormat(language) {
  const format = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' });
  return (date) => {
    if (!date) return '—';
    const parsed = new Date(`${String(date).slice(0, 10)}T00:00:00Z`);
    return Number.isNaN(parsed.getTime()) ? String(date) : format.format(parsed);
  };
}
