import { InvalidInputError } from '../../shared-kernel/errors';

export const URL_MAX_LENGTH = 2048;

/**
 * A webhook URL: http(s), at most 2,048 characters, no credentials in it. `allowPrivate` false (a production tenant
 * without WEBHOOK_ALLOW_PRIVATE_URLS) also refuses literal private, loopback and link-local addresses and
 * `localhost`; DNS names are checked when delivering, on the address they resolve to.
 */
export function webhookUrl(value: unknown, allowPrivate: boolean): string {
  if (typeof value !== 'string' || value.trim() === '') throw InvalidInputError.forField('url', 'required', 'url must be an http or https URL');
  if (value.length > URL_MAX_LENGTH) throw InvalidInputError.forField('url', 'maxLength', `url must be at most ${URL_MAX_LENGTH} characters (got ${value.length})`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw InvalidInputError.forField('url', 'url', `url must be an absolute http or https URL (got ${JSON.stringify(value.slice(0, 100))})`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw InvalidInputError.forField('url', 'httpUrl', `url must use http or https (got ${url.protocol.replace(':', '')})`);
  }
  if (url.username || url.password) throw InvalidInputError.forField('url', 'noCredentials', 'url must not contain a user name or password');
  if (!allowPrivate && isPrivateHost(url.hostname)) {
    throw InvalidInputError.forField(
      'url',
      'publicUrl',
      `url must be a public address for a production tenant (got ${url.hostname}: private, loopback or link-local); sandbox tenants may target these`,
    );
  }
  return value;
}

/** A literal host (as URL.hostname gives it) that is localhost, or a private, loopback, link-local or unspecified IP. */
export function isPrivateHost(hostname: string): boolean {
  const host = hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, '');
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  return isPrivateAddress(host);
}

/** An IP address (v4 or v6, as text) in a private, loopback, link-local, shared or unspecified range. Names: false. */
export function isPrivateAddress(address: string): boolean {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (v4) {
    const [a, b] = [Number(v4[1]), Number(v4[2])];
    return a === 0 || a === 10 || a === 127 || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127);
  }
  if (!address.includes(':')) return false;
  const v6 = address.toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (mapped) return isPrivateAddress(mapped[1]);
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hexMapped) {
    const high = parseInt(hexMapped[1], 16);
    const low = parseInt(hexMapped[2], 16);
    return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
  }
  if (v6 === '::' || v6 === '::1') return true;
  return /^f[cd][0-9a-f]{0,2}:/.test(v6) || /^fe[89ab][0-9a-f]?:/.test(v6);
}
