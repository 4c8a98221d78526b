import { ConflictError, InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { fold } from '../../shared-kernel/decider';
import { specFor } from '../../shared-kernel/testing/given-when-then';
import { DunningGroupCommand, dunningGroupDecider, DunningGroupEvent, dunningGroupStream } from './dunning-group.decider';

const spec = specFor(dunningGroupDecider);
const references = { processExists: true, knownPlanIds: ['gold', 'silver'] };
const create = (data: Record<string, unknown> = {}): DunningGroupCommand => ({
  type: 'CreateDunningGroup',
  data: { groupId: 'eu', name: 'EU', processId: 'standard', planIds: ['gold'], channel: undefined, country: 'FR', language: undefined, ...references, on: '2025-03-01', ...data },
});
const replace = (data: Record<string, unknown> = {}): DunningGroupCommand => ({ ...create(data), type: 'ReplaceDunningGroup' });
const definition = { name: 'EU', processId: 'standard', planIds: ['gold'], channel: null, country: 'FR', language: null };
const created: DunningGroupEvent = { type: 'DunningGroupCreated', data: { groupId: 'eu', ...definition, createdOn: '2025-03-01' } };

describe('dunning group decider', () => {
  it('creates a group; criteria left out are null (any)', () => {
    spec.given([]).when(create()).then([created]);
  });

  it('takes a group without any criterion (the default group) and without a name', () => {
    spec
      .given([])
      .when(create({ name: undefined, planIds: null, country: undefined }))
      .then([{ type: 'DunningGroupCreated', data: { groupId: 'eu', name: null, processId: 'standard', planIds: null, channel: null, country: null, language: null, createdOn: '2025-03-01' } }]);
  });

  it('keeps each plan once', () => {
    spec
      .given([])
      .when(create({ planIds: ['gold', 'silver', 'gold'] }))
      .then([{ ...created, data: { ...created.data, planIds: ['gold', 'silver'] } } as DunningGroupEvent]);
  });

  it('refuses an id that exists (409)', () => {
    spec.given([created]).when(create()).thenThrows(ConflictError);
  });

  it('replaces the whole definition and keeps the creation date', () => {
    const events = spec
      .given([created])
      .when(replace({ planIds: undefined, channel: 'web', country: undefined, language: 'fr', on: '2025-04-01' }))
      .then([{ type: 'DunningGroupReplaced', data: { groupId: 'eu', name: 'EU', processId: 'standard', planIds: null, channel: 'web', country: null, language: 'fr', replacedOn: '2025-04-01' } }]);
    expect(fold(dunningGroupDecider, [created, ...events])).toMatchObject({ id: 'eu', channel: 'web', planIds: null, createdOn: '2025-03-01' });
  });

  it('the same definition decides nothing', () => {
    spec.given([created]).when(replace()).then([]);
  });

  it('cannot replace a group that does not exist (404)', () => {
    spec.given([]).when(replace()).thenThrows(NotFoundError);
  });

  // Four columns exactly: a test function with more parameters than a row would be given jest's `done`.
  it.each<[string, Record<string, unknown>, string, string]>([
    ['a bad id', { groupId: 'a b' }, 'id', 'id'],
    ['no process', { processId: undefined }, 'processId', 'required'],
    ['a malformed process id', { processId: 5 }, 'processId', 'id'],
    ['an unknown process', { processExists: false }, 'processId', 'knownDunningProcess'],
    ['planIds not a list', { planIds: 'gold' }, 'planIds', 'array'],
    ['an empty planIds', { planIds: [] }, 'planIds', 'notEmpty'],
    ['an unknown plan', { planIds: ['gold', 'bronze'] }, 'planIds[1]', 'knownPlan'],
    ['a malformed plan id', { planIds: [7] }, 'planIds[0]', 'id'],
    ['a lower-case country', { country: 'fr' }, 'country', 'iso3166Alpha2'],
    ['an unassigned country', { country: 'UK' }, 'country', 'iso3166Alpha2'],
    ['a bad language tag', { language: 'french' }, 'language', 'bcp47'],
    ['a blank channel', { channel: '  ' }, 'channel', 'notBlank'],
    ['a long channel', { channel: 'x'.repeat(51) }, 'channel', 'maxLength'],
    ['a channel not text', { channel: 3 }, 'channel', 'type'],
    ['a long name', { name: 'x'.repeat(201) }, 'name', 'maxLength'],
  ])('refuses %s', (_name, data, field, rule) => {
    const error = spec.given([]).when(create(data)).thenThrows(InvalidInputError);
    expect(error.details).toContainEqual(expect.objectContaining({ field, rule }));
  });

  it('checks a replacement with the same rules, all fields together', () => {
    const error = spec.given([created]).when(replace({ processExists: false, planIds: [], country: 'XX' })).thenThrows(InvalidInputError);
    expect(error.details.map((detail) => `${detail.field}:${detail.rule}`)).toEqual(['processId:knownDunningProcess', 'planIds:notEmpty', 'country:iso3166Alpha2']);
  });

  it('one stream per group and tenant', () => {
    expect(dunningGroupStream('t1', 'eu')).toBe('dunningGroup-t1.eu');
  });
});
