import { actorOf, auditMetadataOf, parseActor } from './actor';

describe('actorOf: the actor string every event has kept, as the API shows it', () => {
  it.each([
    ['tenant-key:0123456789ab', { type: 'apiKey', id: '0123456789ab' }],
    ['admin-key:ba9876543210', { type: 'admin', id: 'ba9876543210' }],
    ['customer:user-7', { type: 'customer', id: 'user-7' }],
    ['process-manager:receivables-posting', { type: 'system', id: 'receivables-posting' }],
    ['webhooks', { type: 'system', id: 'webhooks' }],
    ['email', { type: 'system', id: 'email' }],
    ['system', { type: 'system', id: 'system' }],
    ['scheduler', { type: 'system', id: 'scheduler' }],
    ['anonymous', { type: 'system', id: 'anonymous' }],
    ['ada@ops (tenant-key:0123456789ab)', { type: 'apiKey', id: '0123456789ab', name: 'ada@ops' }],
    ['Grace Hopper (admin-key:ba9876543210)', { type: 'admin', id: 'ba9876543210', name: 'Grace Hopper' }],
    ['a (b) (tenant-key:0123456789ab)', { type: 'apiKey', id: '0123456789ab', name: 'a (b)' }],
  ])('%s', (actor, expected) => {
    expect(actorOf({ actor })).toEqual(expected);
  });

  it('reads a string of no known form as a system actor of that name, and a parenthesis that names no principal as part of it', () => {
    expect(parseActor('bench')).toEqual({ type: 'system', id: 'bench' });
    expect(parseActor('ops (night shift)')).toEqual({ type: 'system', id: 'ops (night shift)' });
    expect(parseActor('tenant-key:')).toEqual({ type: 'system', id: 'tenant-key:' });
  });

  it('keeps an actor that is already an object, and never throws on a missing or odd one', () => {
    expect(parseActor({ type: 'customer', id: 'u1' })).toEqual({ type: 'customer', id: 'u1' });
    expect(parseActor(undefined)).toEqual({ type: 'system', id: 'unknown' });
    expect(parseActor(42)).toEqual({ type: 'system', id: 'unknown' });
    expect(parseActor({ type: 'robot', id: 'r' })).toEqual({ type: 'system', id: 'unknown' });
  });

  it('auditMetadataOf: actor object, correlation, causation, and the reason only when one was given', () => {
    const base = { tenantId: 't', commandId: 'c', correlationId: 'req-1', causationId: 'req-1', actor: 'tenant-key:0123456789ab', businessDate: '2026-01-01' };
    expect(auditMetadataOf(base)).toEqual({ actor: { type: 'apiKey', id: '0123456789ab' }, correlationId: 'req-1', causationId: 'req-1' });
    expect(auditMetadataOf({ ...base, reason: 'goodwill' })).toEqual({
      actor: { type: 'apiKey', id: '0123456789ab' },
      correlationId: 'req-1',
      causationId: 'req-1',
      reason: 'goodwill',
    });
  });
});
