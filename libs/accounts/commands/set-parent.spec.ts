import { GivenEvent, HandlerHarness } from '../../../test/support/handler-harness';
import { ConflictError, NotFoundError, RuleViolationError } from '../../shared-kernel/errors';
import { hierarchyStream } from '../domain/hierarchy.decider';
import { HIERARCHY } from '../read-model';
import { CreateAccountCommand, CreateAccountDto } from './create-account';
import { SetParentCommand } from './set-parent';

describe('SetParent (handler, through the CommandBus)', () => {
  let harness: HandlerHarness;

  /**
   * Given the tree          hq          west
   *                          |
   *                        east
   *                          |
   *                        branch
   * (accounts created by commands, links as the log holds them).
   */
  beforeEach(async () => {
    harness = await HandlerHarness.start({ businessDate: '2019-02-10' });
    for (const id of ['hq', 'east', 'branch', 'west']) {
      await harness.when(new CreateAccountCommand(Object.assign(new CreateAccountDto(), { id, name: `Name of ${id}`, currency: 'USD' }), harness.context()));
    }
    await harness.given(linked('east', 'hq', null, '2019-01-01'), linked('branch', 'east', null, '2019-01-01'));
  });
  afterEach(() => harness.stop());

  const linked = (accountId: string, parentAccountId: string, previousParentAccountId: string | null, effectiveDate: string): GivenEvent => ({
    stream: hierarchyStream(harness.tenant.id),
    type: 'AccountParented',
    data: { accountId, parentAccountId, previousParentAccountId, effectiveDate },
  });
  const setParent = (accountId: string, parentAccountId: string | null, context = harness.context()) => new SetParentCommand({ accountId, parentAccountId }, context);
  const account = (id: string, parentAccountId: string | null) => ({
    id,
    name: `Name of ${id}`,
    currency: 'USD',
    status: 'active',
    parentAccountId,
    contact: {},
    email: null,
    country: null,
    language: null,
    channel: null,
    paymentTermsDays: 0,
    createdOn: '2019-02-10',
  });
  const placeOf = async (id: string) => {
    const doc = await harness.store.get<{ ancestors: string[]; depth: number; path: string } & Record<string, unknown>>(HIERARCHY, harness.tenant.id, id);
    return doc && { ancestors: doc.ancestors, depth: doc.depth, path: doc.path };
  };

  it('links a root under a parent from the business date, on the tenant hierarchy stream, and answers the account with its parent', async () => {
    const { body, events } = await harness.when(setParent('west', 'hq'));

    expect(events).toEqual([
      {
        stream: hierarchyStream(harness.tenant.id),
        type: 'AccountParented',
        data: { accountId: 'west', parentAccountId: 'hq', previousParentAccountId: null, effectiveDate: '2019-02-10' },
      },
    ]);
    expect(body).toEqual(account('west', 'hq'));
  });

  it('moves a whole subtree with one event: the descendants follow (hierarchy read model)', async () => {
    // The business date of the command, not the clock's, is when the new link holds from.
    const { body, events } = await harness.when(setParent('east', 'west', harness.context({ businessDate: '2019-03-01' })));

    expect(events).toEqual([
      {
        stream: hierarchyStream(harness.tenant.id),
        type: 'AccountParented',
        data: { accountId: 'east', parentAccountId: 'west', previousParentAccountId: 'hq', effectiveDate: '2019-03-01' },
      },
    ]);
    expect(body).toEqual(account('east', 'west'));
    expect(await placeOf('east')).toEqual({ ancestors: ['west'], depth: 1, path: 'west/east' });
    expect(await placeOf('branch')).toEqual({ ancestors: ['east', 'west'], depth: 2, path: 'west/east/branch' });
  });

  it('detaches with null: the account becomes a root, its own subtree stays under it', async () => {
    const { body, events } = await harness.when(setParent('east', null));

    expect(events).toEqual([
      { stream: hierarchyStream(harness.tenant.id), type: 'AccountDetached', data: { accountId: 'east', previousParentAccountId: 'hq', effectiveDate: '2019-02-10' } },
    ]);
    expect(body).toEqual(account('east', null));
    expect(await placeOf('east')).toEqual({ ancestors: [], depth: 0, path: 'east' });
    expect(await placeOf('branch')).toEqual({ ancestors: ['east'], depth: 1, path: 'east/branch' });
  });

  it.each([
    ['the parent it already has', 'east', 'hq'],
    ['null for a root', 'west', null],
  ])('setting %s writes nothing and answers the account', async (_, accountId, parentAccountId) => {
    const { body, events } = await harness.when(setParent(accountId, parentAccountId));

    expect(events).toEqual([]);
    expect(body).toEqual(account(accountId, parentAccountId));
  });

  it('refuses a link under its own descendant (a cycle, 409), naming the loop, and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setParent('hq', 'branch'));

    await expect(refusal).rejects.toThrow(ConflictError);
    await expect(refusal).rejects.toMatchObject({
      message: 'Linking hq under branch would make a cycle: hq → branch → east → hq',
      details: [{ field: 'parentAccountId', rule: 'noCycle', message: 'branch is hq itself or one of its descendants' }],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses a link under itself (409) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setParent('west', 'west'));

    await expect(refusal).rejects.toThrow(ConflictError);
    await expect(refusal).rejects.toThrow('Linking west under west would make a cycle: west → west');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses a parent that does not exist (422) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setParent('west', 'nobody'));

    await expect(refusal).rejects.toThrow(RuleViolationError);
    await expect(refusal).rejects.toMatchObject({
      message: 'The parent nobody is not an account of this tenant',
      details: [{ field: 'parentAccountId', rule: 'accountExists', message: 'no account nobody' }],
    });
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('refuses an account that does not exist (404) and writes nothing', async () => {
    const head = await harness.events.headPosition();

    const refusal = harness.when(setParent('ghost', 'hq'));

    await expect(refusal).rejects.toThrow(NotFoundError);
    await expect(refusal).rejects.toThrow('Account ghost was not found');
    expect(await harness.events.headPosition()).toBe(head);
  });

  it('the same command id again writes nothing and answers the same account; after a later move it still writes nothing', async () => {
    const context = harness.context();
    const first = await harness.when(setParent('west', 'hq', context));
    const again = await harness.when(setParent('west', 'hq', context));
    await harness.when(setParent('west', 'east'));
    // Decided again, this repeat would move west back under hq: it is recognised by its id instead.
    const late = await harness.when(setParent('west', 'hq', context));

    expect(first.events.map((event) => event.type)).toEqual(['AccountParented']);
    expect(again.events).toEqual([]);
    expect(again.body).toEqual(first.body);
    expect(late.events).toEqual([]);
    expect(late.body).toEqual(account('west', 'east'));
  });
});
