import { DunningTarget, MatchableGroup, matchDunningGroup, specificity } from './group-matching';

const group = (groupId: string, sequence: number, criteria: Partial<MatchableGroup> = {}): MatchableGroup => ({
  groupId,
  sequence,
  planIds: null,
  channel: null,
  country: null,
  language: null,
  ...criteria,
});

const groups: MatchableGroup[] = [
  group('default', 1),
  group('gold', 2, { planIds: ['gold', 'platinum'] }),
  group('fr', 3, { country: 'FR' }),
  group('gold-fr', 4, { planIds: ['gold'], country: 'FR' }),
  group('web-fr', 5, { channel: 'web', country: 'FR' }),
  group('gold-fr-fr', 6, { planIds: ['gold'], country: 'FR', language: 'fr' }),
  group('de-later', 8, { country: 'DE' }),
  group('de-earlier', 7, { country: 'DE' }),
  group('all-four', 9, { planIds: ['silver'], channel: 'partner', country: 'BE', language: 'nl' }),
];

const target = (fields: Partial<DunningTarget> = {}): DunningTarget => ({ dunningGroupId: null, planId: null, channel: null, country: null, language: null, ...fields });

describe('matching a dunning group', () => {
  it.each<[string, Partial<DunningTarget>, string | null]>([
    ['nothing known: the default group', {}, 'default'],
    ['a plan of a group', { planId: 'platinum' }, 'gold'],
    ['a plan of no group: the default', { planId: 'bronze' }, 'default'],
    ['a country', { planId: 'bronze', country: 'FR' }, 'fr'],
    ['plan and country beat either alone', { planId: 'gold', country: 'FR' }, 'gold-fr'],
    ['three criteria beat two', { planId: 'gold', country: 'FR', language: 'fr' }, 'gold-fr-fr'],
    ['a criterion the target lacks does not match', { planId: 'gold', country: 'FR', language: 'en' }, 'gold-fr'],
    ['equal specificity: the earliest created (gold-fr before web-fr)', { planId: 'gold', channel: 'web', country: 'FR' }, 'gold-fr'],
    ['equal specificity: the earliest created, whatever the list order', { country: 'DE' }, 'de-earlier'],
    ['all four criteria', { planId: 'silver', channel: 'partner', country: 'BE', language: 'nl' }, 'all-four'],
    ['all four but one differs: a less specific group', { planId: 'silver', channel: 'partner', country: 'BE', language: 'fr' }, 'default'],
    ['values compare exactly (case)', { country: 'fr' }, 'default'],
    ['a named group wins outright, even a less specific one', { dunningGroupId: 'default', planId: 'gold', country: 'FR', language: 'fr' }, 'default'],
    ['a named group wins even when its criteria do not match', { dunningGroupId: 'de-later', country: 'FR' }, 'de-later'],
    ['a name that matches no group falls back to the criteria', { dunningGroupId: 'gone', country: 'FR' }, 'fr'],
  ])('%s', (_name, fields, expected) => {
    expect(matchDunningGroup(groups, target(fields))?.groupId ?? null).toBe(expected);
  });

  it('no group matches: null', () => {
    expect(matchDunningGroup(groups.filter((g) => g.groupId !== 'default'), target({ planId: 'bronze' }))).toBeNull();
    expect(matchDunningGroup([], target({ dunningGroupId: 'x' }))).toBeNull();
  });

  it('specificity counts the criteria a group sets', () => {
    expect(groups.map(specificity)).toEqual([0, 1, 1, 2, 2, 3, 1, 1, 4]);
  });
});
