import type { FastifyRequest } from 'fastify';
import { eventMetadata } from '../command-pipeline/command-context';
import { actorOf } from '../event-store/actor';
import { commandContextFrom, MAX_METADATA_REASON } from './request-context';

function request(body: unknown, headers: Record<string, string> = {}): FastifyRequest {
  return { id: 'req-1', headers, body, principal: { kind: 'tenant', keyHash: '0123456789abcdef' } } as unknown as FastifyRequest;
}

describe('commandContextFrom: who and why, from the request (decision 0018)', () => {
  it("takes the body's reason into the context and so into every event's metadata", () => {
    const context = commandContextFrom(request({ status: 'suspended', reason: 'fraud review' }), 't1', '2026-01-01');
    expect(context.reason).toBe('fraud review');
    expect(eventMetadata(context)).toMatchObject({ reason: 'fraud review', correlationId: 'req-1', causationId: 'req-1' });
  });

  it('leaves the reason out when the body has none, or one that is not a non-empty string of at most 500 characters', () => {
    for (const body of [undefined, null, [], {}, { reason: 7 }, { reason: '' }, { reason: '   ' }, { reason: 'x'.repeat(MAX_METADATA_REASON + 1) }]) {
      const context = commandContextFrom(request(body), 't1', '2026-01-01');
      expect(context).not.toHaveProperty('reason');
      expect(eventMetadata(context)).not.toHaveProperty('reason');
    }
    expect(commandContextFrom(request({ reason: 'x'.repeat(MAX_METADATA_REASON) }), 't1', '2026-01-01').reason).toHaveLength(MAX_METADATA_REASON);
  });

  it('keeps the actor string as it always was; actorOf reads it as an object with the X-Actor name', () => {
    const plain = commandContextFrom(request({}), 't1', '2026-01-01');
    expect(plain.actor).toBe('tenant-key:0123456789ab');
    expect(actorOf(eventMetadata(plain))).toEqual({ type: 'apiKey', id: '0123456789ab' });
    const named = commandContextFrom(request({}, { 'x-actor': 'ada@ops' }), 't1', '2026-01-01');
    expect(named.actor).toBe('ada@ops (tenant-key:0123456789ab)');
    expect(actorOf(eventMetadata(named))).toEqual({ type: 'apiKey', id: '0123456789ab', name: 'ada@ops' });
  });
});
