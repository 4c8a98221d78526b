import { InvalidInputError } from './errors';
import { MAX_METADATA_KEYS, parseMetadata, patchMetadata, shownMetadata } from './metadata';

const detailsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as InvalidInputError).details.map((detail) => [detail.field, detail.rule]);
  }
  throw new Error('expected an InvalidInputError');
};
const many = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, 'v']));

describe('metadata (issue 22)', () => {
  it('takes none, or string values under keys of letters, digits, _ . -', () => {
    expect(parseMetadata(undefined)).toEqual({});
    expect(parseMetadata(null)).toEqual({});
    expect(parseMetadata({ 'crm.id': 'C-1', a_b: '', 'x-y': 'v'.repeat(500), [`${'k'.repeat(40)}`]: 'v' })).toEqual({
      'crm.id': 'C-1',
      a_b: '',
      'x-y': 'v'.repeat(500),
      ['k'.repeat(40)]: 'v',
    });
    expect(parseMetadata(many(MAX_METADATA_KEYS))).toEqual(many(MAX_METADATA_KEYS));
  });

  it('names metadata.<key> and the rule of each bad entry', () => {
    expect(detailsOf(() => parseMetadata({ 'a b': 'x', ['k'.repeat(41)]: 'x', n: 1, long: 'v'.repeat(501), nul: null }))).toEqual([
      ['metadata.a b', 'keyPattern'],
      [`metadata.${'k'.repeat(41)}`, 'keyLength'],
      ['metadata.n', 'type'],
      ['metadata.long', 'valueLength'],
      ['metadata.nul', 'type'],
    ]);
    expect(detailsOf(() => parseMetadata(['a']))).toEqual([['metadata', 'type']]);
    expect(detailsOf(() => parseMetadata('x'))).toEqual([['metadata', 'type']]);
    expect(detailsOf(() => parseMetadata(many(MAX_METADATA_KEYS + 1)))).toEqual([['metadata', 'maxKeys']]);
  });

  it('patches: a string sets, null removes, keys not named stay; reports only what differs', () => {
    expect(patchMetadata({ a: '1', b: '2' }, { a: '1', b: null, c: '3', gone: null })).toEqual({ metadata: { a: '1', c: '3' }, changed: { b: null, c: '3' } });
    expect(patchMetadata({ a: '1' }, {})).toEqual({ metadata: { a: '1' }, changed: {} });
    expect(detailsOf(() => patchMetadata(many(MAX_METADATA_KEYS), { extra: 'x' }))).toEqual([['metadata', 'maxKeys']]);
    expect(patchMetadata(many(MAX_METADATA_KEYS), { extra: 'x', k0: null }).changed).toEqual({ extra: 'x', k0: null });
    expect(detailsOf(() => patchMetadata({}, { 'bad key': 'x', ok: 5 }))).toEqual([
      ['metadata.bad key', 'keyPattern'],
      ['metadata.ok', 'type'],
    ]);
  });

  it('is shown only when it holds something', () => {
    expect(shownMetadata(undefined)).toEqual({});
    expect(shownMetadata({})).toEqual({});
    expect(shownMetadata({ a: '1' })).toEqual({ metadata: { a: '1' } });
  });
});
