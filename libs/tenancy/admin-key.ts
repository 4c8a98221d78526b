import type { Logger } from 'pino';
import { deterministicUuid } from '../shared-kernel/ids';
import { EventStore, WrongExpectedRevisionError } from '../platform/event-store/event-store.port';
import { SYSTEM_TENANT } from '../platform/read-store/read-store.port';
import { streamName } from '../shared-kernel/streams';
import { generateApiKey, hashApiKey } from './api-keys';
import { AdminKey } from './auth';

export const ADMIN_KEY_STREAM = streamName('admin', SYSTEM_TENANT, 'key');

interface AdminKeyConfigured {
  keyHash: string;
}

/**
 * Resolves the admin key at start-up. BILLING_ADMIN_KEY wins when set (its hash is recorded if it
 * changed); otherwise the stored hash is used. With neither, a key is generated but recorded and printed
 * only by AdminKey.announce(), once the server listens: a start that fails before (a bad port, a port in
 * use) leaves no stored key that nobody has seen. Several processes starting together agree: only the
 * one whose append wins prints its key; the others take the stored one.
 */
export async function resolveAdminKey(
  events: EventStore,
  configuredKey: string | undefined,
  logger: Logger,
  print: (line: string) => void,
  businessDate: string,
): Promise<AdminKey> {
  for (;;) {
    const { stored, revision } = await storedHash(events);
    if (configuredKey !== undefined) {
      const keyHash = hashApiKey(configuredKey);
      if (stored === keyHash) return new AdminKey(keyHash);
      if (await tryRecord(events, keyHash, revision, 'environment', businessDate)) {
        logger.info('admin key taken from BILLING_ADMIN_KEY');
        return new AdminKey(keyHash);
      }
      continue;
    }
    if (stored !== null) return new AdminKey(stored);
    return new AdminKey('', () => recordGenerated(events, print, businessDate));
  }
}

async function recordGenerated(events: EventStore, print: (line: string) => void, businessDate: string): Promise<string> {
  for (;;) {
    const { stored, revision } = await storedHash(events);
    if (stored !== null) return stored;
    const key = generateApiKey('adm');
    const keyHash = hashApiKey(key);
    if (await tryRecord(events, keyHash, revision, 'generated', businessDate)) {
      // Set apart from the log lines around it: it is the one thing an operator must copy from this start.
      const rule = '='.repeat(100);
      for (const line of ['', rule, `Admin API key (shown once, store it now; set BILLING_ADMIN_KEY to choose your own): ${key}`, rule, '']) print(line);
      return keyHash;
    }
  }
}

async function storedHash(events: EventStore): Promise<{ stored: string | null; revision: number }> {
  const history = await events.readStream(ADMIN_KEY_STREAM);
  const stored = history.length > 0 ? (history[history.length - 1].data as unknown as AdminKeyConfigured).keyHash : null;
  return { stored, revision: history.length - 1 };
}

async function tryRecord(events: EventStore, keyHash: string, revision: number, source: string, businessDate: string): Promise<boolean> {
  const commandId = deterministicUuid('admin-key', keyHash);
  try {
    await events.appendToStream(
      ADMIN_KEY_STREAM,
      [
        {
          id: deterministicUuid(commandId, ADMIN_KEY_STREAM, String(revision + 1)),
          type: 'AdminKeyConfigured',
          data: { keyHash, source },
          metadata: {
            tenantId: SYSTEM_TENANT,
            commandId,
            correlationId: commandId,
            causationId: commandId,
            actor: 'system',
            businessDate,
          },
        },
      ],
      revision < 0 ? 'no_stream' : revision,
    );
    return true;
  } catch (error) {
    if (error instanceof WrongExpectedRevisionError) return false;
    throw error;
  }
}
