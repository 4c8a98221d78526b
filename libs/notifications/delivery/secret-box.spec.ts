import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newSigningSecret, SECRET_KEY_FILE, SecretBox } from './secret-box';
import { signatureHeader, verifySignature } from './signature';

describe('SecretBox and signatures', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'secret-box-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('generates its key into the data folder (0600) once, and decrypts only with that key and for that endpoint', () => {
    const box = SecretBox.fromConfig(undefined, dir);
    expect(statSync(path.join(dir, SECRET_KEY_FILE)).mode & 0o777).toBe(0o600);
    const secret = newSigningSecret();
    const sealed = box.encrypt(secret, 't1.we_1');
    expect(sealed).not.toContain(secret.slice(6));
    expect(SecretBox.fromConfig(undefined, dir).decrypt(sealed, 't1.we_1')).toBe(secret);
    expect(() => box.decrypt(sealed, 't1.we_2')).toThrow();
    expect(() => SecretBox.fromConfig('another key', dir).decrypt(sealed, 't1.we_1')).toThrow();
  });

  it('signs "<t>.<body>" with HMAC-SHA256 and verifies it', () => {
    const header = signatureHeader('whsec_x', 1_700_000_000, '{"a":1}');
    expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(verifySignature('whsec_x', header, '{"a":1}', 1_700_000_100)).toBe(true);
    expect(verifySignature('whsec_x', header, '{"a":2}', 1_700_000_100)).toBe(false);
    expect(verifySignature('whsec_y', header, '{"a":1}', 1_700_000_100)).toBe(false);
    expect(verifySignature('whsec_x', header, '{"a":1}', 1_700_001_000)).toBe(false);
  });
});
