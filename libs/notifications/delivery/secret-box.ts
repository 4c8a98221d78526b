import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export const SECRET_KEY_FILE = 'webhook-secret.key';

/**
 * Webhook signing secrets at rest: AES-256-GCM under a key that is not in either database (WEBHOOK_SECRET_KEY, else
 * a key generated into the data folder, mode 0600), bound to its endpoint (the additional data), so a copy of the
 * stores alone lets nobody sign, and a ciphertext copied to another endpoint does not decrypt.
 */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  static fromConfig(configured: string | undefined, dataDir: string): SecretBox {
    return new SecretBox(createHash('sha256').update(configured ?? storedKey(dataDir)).digest());
  }

  encrypt(secret: string, boundTo: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv).setAAD(Buffer.from(boundTo));
    const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
    return `v1.${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  /** Throws when the key is not the one that encrypted it (WEBHOOK_SECRET_KEY changed) or the ciphertext was altered. */
  decrypt(ciphertext: string, boundTo: string): string {
    const raw = Buffer.from(ciphertext.replace(/^v1\./, ''), 'base64url');
    const decipher = createDecipheriv('aes-256-gcm', this.key, raw.subarray(0, 12)).setAAD(Buffer.from(boundTo));
    decipher.setAuthTag(raw.subarray(12, 28));
    return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
  }
}

/** A new signing secret: `whsec_` and 32 random bytes. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The data folder's key, created on first use; processes starting together agree (only one create wins). */
function storedKey(dataDir: string): string {
  const file = path.join(dataDir, SECRET_KEY_FILE);
  try {
    writeFileSync(file, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  return readFileSync(file, 'utf8').trim();
}
