import type { Logger } from 'pino';
import { deterministicUuid } from '../shared-kernel/ids';
import { EventStore, WrongExpectedRevisionError } from '../platform/event-store/event-store.port';
import { SYSTEM_TENANT } from '../platform/read-store/read-store.port';
import { streamName } from '../shared-kernel/streams';
import { generateApiKey, hashApiKey } from './api-keys';

export const ADMIN_KEY_STREAM = streamName('admin', SYSTEM_TENANT, 'key');

interface AdminKeyConfigured {
  keyHash: string;
}

/**
 * Resolves the admin key's hash at start-up. BILLING_ADMIN_KEY wins when set (its hash is recorded if it
 * changed); otherwise the stored hash is used; with neither, a key is generated, printed once and stored
 * hashed. Several processes starting together agree: only the one whose append wins prints its key.
 */
export async function resolveAdminKeyHash(
  events: EventStore,
  configuredKey: string | undefined,
  logger: Logger,
  print: (line: string) => void,
  businessDate: string,
): Promise<string> {
  for (;;) {
    const history = await events.readStream(ADMIN_KEY_STREAM);
    const stored = history.length > 0 ? (history[history.length - 1].data as unknown as AdminKeyConfigured).keyHash : null;
    const revision = history.length - 1;
    if (configuredKey !== undefined) {
      const keyHash = hashApiKey(configuredKey);
      if (stored === keyHash) return keyHash;
      if (await tryRecord(events, keyHash, revision, 'environment', businessDate)) {
        logger.info('admin key taken from BILLING_ADMIN_KEY');
        return keyHash;
      }
      continue;
    }
    if (stored !== null) return stored;
    const key = generateApiKey('adm');
    const keyHash = hashApiKey(key);
    if (await tryRecord(events, keyHash, revision, 'generated', businessDate)) {
      print(`Admin API key (shown once, store it now; set BILLING_ADMIN_KEY to choose your own): ${key}`);
      return keyHash;
    }
  }
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
