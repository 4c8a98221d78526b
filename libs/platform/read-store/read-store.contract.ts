/**
 * Over 400 lines on purpose: the one contract suite of the port (one file per port, run against every adapter).
 *
 * The one behaviour every read-store adapter must show. Each adapter's spec calls `readStoreContract`;
 * every test gets a fresh, empty store from `makeStore` and closes it afterwards.
 */
import type { CollectionSpec, Doc, DocWrite, FindOptions, ReadStore, StoredDoc } from './read-store.port';

const ITEMS = 'items';
const OTHERS = 'others';
const ITEMS_SPEC: CollectionSpec = { name: ITEMS, indexes: ['amount', 'name', 'status', 'active', 'contact.email'] };
const OTHERS_SPEC: CollectionSpec = { name: OTHERS, indexes: [] };
const A = 'tenant-a';
const B = 'tenant-b';

function upsert(id: string, doc: Doc, position: number, tenantId = A, collection = ITEMS): DocWrite {
  return { op: 'upsert', collection, tenantId, id, doc, position };
}
function patch(id: string, fields: Doc, position: number, tenantId = A, collection = ITEMS): DocWrite {
  return { op: 'patch', collection, tenantId, id, fields, position };
}
function remove(id: string, position: number, tenantId = A, collection = ITEMS): DocWrite {
  return { op: 'delete', collection, tenantId, id, position };
}

function ids(docs: StoredDoc[]): string[] {
  return docs.map((doc) => doc.id);
}

/** Follows nextCursor to the end, checking every page respects the limit. */
async function walk(store: ReadStore, tenantId: string, options: FindOptions): Promise<StoredDoc[]> {
  const all: StoredDoc[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 1000; pages++) {
    const page = await store.find(ITEMS, tenantId, { ...options, cursor });
    expect(page.items.length).toBeLessThanOrEqual(options.limit ?? 100);
    all.push(...page.items);
    if (!page.nextCursor) return all;
    expect(page.items.length).toBe(options.limit ?? 100);
    cursor = page.nextCursor;
  }
  throw new Error('pagination did not end');
}

/** Reference order: nulls first, then numbers numerically or strings by code unit, ties by id. */
function compareBy(field: (doc: Doc) => unknown): (x: StoredDoc, y: StoredDoc) => number {
  const rank = (value: unknown) => (value === null || value === undefined ? 0 : 1);
  const cmp = (a: unknown, b: unknown): number => (a === b ? 0 : (a as number) < (b as number) ? -1 : 1);
  return (x, y) => {
    const vx = field(x);
    const vy = field(y);
    return rank(vx) - rank(vy) || (rank(vx) === 1 ? cmp(vx, vy) : 0) || cmp(x.id, y.id);
  };
}

export function readStoreContract(name: string, makeStore: () => Promise<ReadStore>, cleanup?: () => Promise<void>): void {
  describe(`ReadStore contract: ${name}`, () => {
    let store: ReadStore;

    beforeEach(async () => {
      store = await makeStore();
      await store.ensureCollections([ITEMS_SPEC, OTHERS_SPEC]);
    });

    afterEach(async () => {
      await store.close();
    });

    if (cleanup) afterAll(cleanup);

    describe('documents', () => {
      it('reads a missing document as null and getMany of missing ids as []', async () => {
        expect(await store.get(ITEMS, A, 'nope')).toBeNull();
        expect(await store.getMany(ITEMS, A, ['nope', 'nada'])).toEqual([]);
        expect(await store.getMany(ITEMS, A, [])).toEqual([]);
      });

      it('returns an upserted document with its id and _position, without the tenant', async () => {
        await store.apply([upsert('x1', { name: 'Ann', amount: 5, contact: { email: 'a@x.io' }, tags: ['a'] }, 10)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({
          name: 'Ann',
          amount: 5,
          contact: { email: 'a@x.io' },
          tags: ['a'],
          id: 'x1',
          _position: 10,
        });
      });

      it('replaces the whole document on upsert', async () => {
        await store.apply([upsert('x1', { name: 'Ann', amount: 5 }, 1)]);
        await store.apply([upsert('x1', { name: 'Bob' }, 2)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ name: 'Bob', id: 'x1', _position: 2 });
      });

      it('ignores an upsert at or below the stored position', async () => {
        await store.apply([upsert('x1', { name: 'new' }, 5)]);
        await store.apply([upsert('x1', { name: 'older' }, 4), upsert('x1', { name: 'same' }, 5)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ name: 'new', id: 'x1', _position: 5 });
      });

      it('merges a patch into the top-level fields: null is stored, undefined removes, objects are replaced', async () => {
        await store.apply([upsert('x1', { name: 'Ann', amount: 5, status: 'open', contact: { email: 'a@x.io', phone: '1' } }, 1)]);
        await store.apply([patch('x1', { amount: 7, status: null, name: undefined, contact: { email: 'b@x.io' }, extra: true }, 2)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({
          amount: 7,
          status: null,
          contact: { email: 'b@x.io' },
          extra: true,
          id: 'x1',
          _position: 2,
        });
      });

      it('ignores a patch at or below the stored position', async () => {
        await store.apply([upsert('x1', { amount: 1 }, 5)]);
        await store.apply([patch('x1', { amount: 2 }, 4), patch('x1', { amount: 3 }, 5)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 1, id: 'x1', _position: 5 });
      });

      it('ignores a patch of a missing document', async () => {
        await store.apply([patch('ghost', { amount: 2 }, 3)]);
        expect(await store.get(ITEMS, A, 'ghost')).toBeNull();
        expect((await store.find(ITEMS, A)).items).toEqual([]);
        // The ignored patch left no trace: a later upsert at a lower position is accepted.
        await store.apply([upsert('ghost', { amount: 1 }, 2)]);
        expect(await store.get(ITEMS, A, 'ghost')).toEqual({ amount: 1, id: 'ghost', _position: 2 });
      });

      it('applies the writes of one batch in order', async () => {
        await store.apply([
          upsert('x1', { amount: 1, name: 'a' }, 1),
          patch('x1', { amount: 2 }, 2),
          upsert('x2', { amount: 9 }, 3),
          remove('x2', 4),
          upsert('x3', { amount: 3 }, 5, A, OTHERS),
          patch('x1', { name: 'b' }, 6),
        ]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 2, name: 'b', id: 'x1', _position: 6 });
        expect(await store.get(ITEMS, A, 'x2')).toBeNull();
        expect(await store.get(OTHERS, A, 'x3')).toEqual({ amount: 3, id: 'x3', _position: 5 });
      });

      it('keeps a stored document when a stale delete arrives', async () => {
        await store.apply([upsert('x1', { amount: 1 }, 5)]);
        await store.apply([remove('x1', 4), remove('x1', 5)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 1, id: 'x1', _position: 5 });
      });

      it('keeps a deleted document deleted when older writes are redelivered (tombstone)', async () => {
        await store.apply([upsert('x1', { amount: 1 }, 1), patch('x1', { amount: 2 }, 2), remove('x1', 3)]);
        expect(await store.get(ITEMS, A, 'x1')).toBeNull();
        // Redelivery of the whole batch, then of single writes.
        await store.apply([upsert('x1', { amount: 1 }, 1), patch('x1', { amount: 2 }, 2), remove('x1', 3)]);
        await store.apply([upsert('x1', { amount: 1 }, 3), patch('x1', { amount: 5 }, 4)]);
        expect(await store.get(ITEMS, A, 'x1')).toBeNull();
        expect(await store.getMany(ITEMS, A, ['x1'])).toEqual([]);
        expect((await store.find(ITEMS, A)).items).toEqual([]);
        // A newer upsert brings it back.
        await store.apply([upsert('x1', { amount: 9 }, 7)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 9, id: 'x1', _position: 7 });
      });

      it('records a delete of a never-seen document, so an older upsert stays out', async () => {
        await store.apply([remove('x1', 10)]);
        await store.apply([upsert('x1', { amount: 1 }, 9)]);
        expect(await store.get(ITEMS, A, 'x1')).toBeNull();
      });

      it('returns getMany results in the order of the ids, skipping missing and repeated ids', async () => {
        await store.apply([upsert('a', { n: 1 }, 1), upsert('b', { n: 2 }, 2), upsert('c', { n: 3 }, 3), remove('c', 4)]);
        expect(ids(await store.getMany(ITEMS, A, ['b', 'missing', 'a', 'b', 'c']))).toEqual(['b', 'a']);
      });

      it('rejects an undeclared collection and invalid names with clear errors', async () => {
        await expect(store.get('undeclared', A, 'x')).rejects.toThrow(/undeclared.*ensureCollections/);
        await expect(store.apply([upsert('x', {}, 1, A, 'undeclared')])).rejects.toThrow(/undeclared/);
        await expect(store.ensureCollections([{ name: 'Bad-Name', indexes: [] }])).rejects.toThrow(/Bad-Name/);
        await expect(store.ensureCollections([{ name: 'fine', indexes: ["x'); DROP"] }])).rejects.toThrow(/Invalid index/);
        await expect(store.apply([upsert('x', {}, -1)])).rejects.toThrow(/position/);
      });
    });

    describe('tenants', () => {
      it('keeps the same id in two tenants as two documents', async () => {
        await store.apply([upsert('x1', { name: 'in A' }, 1, A), upsert('x1', { name: 'in B' }, 2, B)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ name: 'in A', id: 'x1', _position: 1 });
        expect(await store.get(ITEMS, B, 'x1')).toEqual({ name: 'in B', id: 'x1', _position: 2 });
        // Positions are guarded per document: B's higher position does not block A.
        await store.apply([patch('x1', { name: 'A again' }, 2, A), remove('x1', 3, B)]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ name: 'A again', id: 'x1', _position: 2 });
        expect(await store.get(ITEMS, B, 'x1')).toBeNull();
      });

      it("never returns another tenant's documents from find or getMany", async () => {
        await store.apply([
          upsert('a1', { status: 'open', amount: 1 }, 1, A),
          upsert('b1', { status: 'open', amount: 1 }, 2, B),
          upsert('b2', { status: 'open', amount: 2 }, 3, B),
        ]);
        expect(ids((await store.find(ITEMS, A)).items)).toEqual(['a1']);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'open' } })).items)).toEqual(['a1']);
        expect(ids((await store.find(ITEMS, B, { sortBy: 'amount', direction: 'desc' })).items)).toEqual(['b2', 'b1']);
        expect(await store.getMany(ITEMS, A, ['b1', 'b2'])).toEqual([]);
        expect(await store.get(ITEMS, A, 'b1')).toBeNull();
      });
    });

    describe('find', () => {
      const seed = () =>
        store.apply([
          upsert('d1', { amount: 10, name: 'delta', status: 'open', active: true }, 1),
          upsert('d2', { amount: 9, name: 'alpha', status: 'closed', active: false }, 2),
          upsert('d3', { amount: 100, name: 'Charlie', status: 'open', active: true }, 3),
          upsert('d4', { amount: 9, name: 'bravo', status: null }, 4),
          upsert('d5', { amount: 2.5, name: 'echo' }, 5),
          upsert('d6', { name: 'foxtrot', status: 'open' }, 6),
        ]);

      it('sorts by id ascending by default', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A)).items)).toEqual(['d1', 'd2', 'd3', 'd4', 'd5', 'd6']);
      });

      it('filters by equality on strings, numbers, booleans and id', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'open' } })).items)).toEqual(['d1', 'd3', 'd6']);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: 9 } })).items)).toEqual(['d2', 'd4']);
        expect(ids((await store.find(ITEMS, A, { filter: { active: false } })).items)).toEqual(['d2']);
        expect(ids((await store.find(ITEMS, A, { filter: { active: true } })).items)).toEqual(['d1', 'd3']);
        expect(ids((await store.find(ITEMS, A, { filter: { id: 'd4' } })).items)).toEqual(['d4']);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'open', amount: 100 } })).items)).toEqual(['d3']);
      });

      it('finds an updated document by the indexed fields it kept and those it changed, and no longer by old values', async () => {
        await seed();
        await store.apply([upsert('d1', { amount: 10, name: 'delta', status: 'closed', active: true, note: 'paid' }, 7)]);
        await store.apply([upsert('d1', { amount: 99, name: 'stale', status: 'open', active: false }, 6)]); // older: ignored
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'open' } })).items)).toEqual(['d3', 'd6']);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'closed' } })).items)).toEqual(['d1', 'd2']);
        expect((await store.find(ITEMS, A, { filter: { amount: 10, active: true } })).items).toEqual([
          { amount: 10, name: 'delta', status: 'closed', active: true, note: 'paid', id: 'd1', _position: 7 },
        ]);
        // A field that leaves the document leaves its index: d1 is found only as a document without a status.
        await store.apply([upsert('d1', { amount: 10, name: 'delta' }, 8), { op: 'delete', collection: ITEMS, tenantId: A, id: 'd2', position: 9 }]);
        expect(ids((await store.find(ITEMS, A, { filter: { status: null } })).items)).toEqual(['d1', 'd4', 'd5']);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'closed' } })).items)).toEqual([]);
        // Upserted again over its tombstone, with the values it had.
        await store.apply([upsert('d2', { amount: 9, name: 'alpha', status: 'closed', active: false }, 10)]);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'closed', amount: 9 } })).items)).toEqual(['d2']);
      });

      it('matches missing and null fields with an equality filter on null', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A, { filter: { status: null } })).items)).toEqual(['d4', 'd5']);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: null } })).items)).toEqual(['d6']);
      });

      it('filters by ranges, comparing numbers as numbers', async () => {
        await seed();
        const byAmount = async (range: Doc) => ids((await store.find(ITEMS, A, { filter: { amount: range }, sortBy: 'amount' })).items);
        expect(await byAmount({ gt: 9 })).toEqual(['d1', 'd3']);
        expect(await byAmount({ gte: 9 })).toEqual(['d2', 'd4', 'd1', 'd3']);
        expect(await byAmount({ lt: 10 })).toEqual(['d5', 'd2', 'd4']);
        expect(await byAmount({ lte: 10 })).toEqual(['d5', 'd2', 'd4', 'd1']);
        expect(await byAmount({ gt: 2.5, lt: 100 })).toEqual(['d2', 'd4', 'd1']);
        const byName = await store.find(ITEMS, A, { filter: { name: { gte: 'b', lt: 'e' } }, sortBy: 'name' });
        expect(ids(byName.items)).toEqual(['d4', 'd1']);
        const byId = await store.find(ITEMS, A, { filter: { id: { gt: 'd2', lte: 'd4' } } });
        expect(ids(byId.items)).toEqual(['d3', 'd4']);
      });

      it('keeps range comparisons within one type (numbers with numbers, strings with strings)', async () => {
        await store.apply([upsert('n1', { amount: 9 }, 1), upsert('n2', { amount: 10 }, 2), upsert('s1', { amount: '50' }, 3)]);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: { gt: 8 } } })).items)).toEqual(['n1', 'n2']);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: { lt: 'z' } } })).items)).toEqual(['s1']);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: '50' } })).items)).toEqual(['s1']);
        expect(ids((await store.find(ITEMS, A, { filter: { amount: 50 } })).items)).toEqual([]);
      });

      it('filters with ne, which also matches missing and null fields; ne null means present', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A, { filter: { status: { ne: 'open' } } })).items)).toEqual(['d2', 'd4', 'd5']);
        expect(ids((await store.find(ITEMS, A, { filter: { status: { ne: null } } })).items)).toEqual(['d1', 'd2', 'd3', 'd6']);
        expect(ids((await store.find(ITEMS, A, { filter: { id: { ne: 'd1' } } })).items)).toEqual(['d2', 'd3', 'd4', 'd5', 'd6']);
      });

      it('sorts by a numeric field asc and desc, ties by id, missing values first ascending', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A, { sortBy: 'amount' })).items)).toEqual(['d6', 'd5', 'd2', 'd4', 'd1', 'd3']);
        expect(ids((await store.find(ITEMS, A, { sortBy: 'amount', direction: 'desc' })).items)).toEqual([
          'd3',
          'd1',
          'd4',
          'd2',
          'd5',
          'd6',
        ]);
      });

      it('sorts by a string field asc and desc by code unit', async () => {
        await seed();
        expect(ids((await store.find(ITEMS, A, { sortBy: 'name' })).items)).toEqual(['d3', 'd2', 'd4', 'd1', 'd5', 'd6']);
        expect(ids((await store.find(ITEMS, A, { sortBy: 'name', direction: 'desc' })).items)).toEqual([
          'd6',
          'd5',
          'd1',
          'd4',
          'd2',
          'd3',
        ]);
        expect(ids((await store.find(ITEMS, A, { sortBy: 'id', direction: 'desc', limit: 2 })).items)).toEqual(['d6', 'd5']);
      });

      it('orders text by code point (UTF-8 byte order): a character beyond U+FFFF after U+FF5E', async () => {
        await store.apply([upsert('u1', { name: '\u{1F600}' }, 1), upsert('u2', { name: '\uFF5E' }, 2), upsert('u3', { name: 'z' }, 3)]);
        expect(ids((await store.find(ITEMS, A, { sortBy: 'name' })).items)).toEqual(['u3', 'u2', 'u1']);
        expect(ids((await store.find(ITEMS, A, { filter: { name: { gt: '\uFF5E' } } })).items)).toEqual(['u1']);
      });

      it('gives find\'s pages as the documents\' JSON text where the adapter has findText', async () => {
        await seed();
        await store.apply([patch('d2', { name: 'alpha2', extra: { nested: [1, 'two'] } }, 7)]);
        if (!store.findText) return; // optional: an adapter that does not keep text (MongoDB) has none
        const options: FindOptions = { filter: { amount: { gte: 9 } }, sortBy: 'amount', direction: 'desc', limit: 2 };
        for (let cursor: string | undefined, pages = 0; pages === 0 || cursor; pages++) {
          const page = await store.find(ITEMS, A, { ...options, cursor });
          const text = await store.findText(ITEMS, A, { ...options, cursor });
          expect(text.nextCursor).toEqual(page.nextCursor);
          expect(text.items.map(({ id, position, json }) => ({ ...JSON.parse(json), id, _position: position }))).toEqual(page.items);
          cursor = page.nextCursor;
        }
      });

      it('sorts by a field the filter pins, ties by id', async () => {
        await seed();
        const page = await store.find(ITEMS, A, { filter: { status: 'open' }, sortBy: 'status', direction: 'desc' });
        expect(ids(page.items)).toEqual(['d6', 'd3', 'd1']);
      });

      it('applies the limit, defaults it to 100 and refuses more than 1000', async () => {
        await store.apply(Array.from({ length: 120 }, (_, i) => upsert(`k${String(i).padStart(3, '0')}`, { amount: i }, i + 1)));
        const first = await store.find(ITEMS, A);
        expect(first.items).toHaveLength(100);
        expect(first.nextCursor).toEqual(expect.any(String));
        const small = await store.find(ITEMS, A, { limit: 7, sortBy: 'amount', direction: 'desc' });
        expect(small.items.map((doc) => doc.amount)).toEqual([119, 118, 117, 116, 115, 114, 113]);
        expect((await store.find(ITEMS, A, { limit: 1000 })).nextCursor).toBeUndefined();
        await expect(store.find(ITEMS, A, { limit: 1001 })).rejects.toThrow(/limit/);
        await expect(store.find(ITEMS, A, { limit: 0 })).rejects.toThrow(/limit/);
      });

      it('rejects a filter or sort on an undeclared field, naming it', async () => {
        await seed();
        await expect(store.find(ITEMS, A, { filter: { colour: 'red' } })).rejects.toThrow(/'colour'/);
        await expect(store.find(ITEMS, A, { sortBy: 'colour' })).rejects.toThrow(/'colour'/);
        await expect(store.find(ITEMS, A, { filter: { amount: { between: 1 } as never } })).rejects.toThrow(/between/);
        await expect(store.find(ITEMS, A, { filter: { amount: { gt: true } } })).rejects.toThrow(/amount/);
      });

      it('rejects a malformed cursor or one made for another sort', async () => {
        await seed();
        const page = await store.find(ITEMS, A, { sortBy: 'amount', limit: 2 });
        await expect(store.find(ITEMS, A, { cursor: 'not-a-cursor' })).rejects.toThrow(/cursor/);
        await expect(store.find(ITEMS, A, { sortBy: 'name', limit: 2, cursor: page.nextCursor })).rejects.toThrow(/cursor/);
      });

      it('filters and sorts on a dotted path', async () => {
        await store.apply([
          upsert('c1', { contact: { email: 'zed@x.io' } }, 1),
          upsert('c2', { contact: { email: 'amy@x.io' } }, 2),
          upsert('c3', { contact: {} }, 3),
          upsert('c4', { name: 'no contact' }, 4),
        ]);
        expect(ids((await store.find(ITEMS, A, { filter: { 'contact.email': 'amy@x.io' } })).items)).toEqual(['c2']);
        expect(ids((await store.find(ITEMS, A, { sortBy: 'contact.email' })).items)).toEqual(['c3', 'c4', 'c2', 'c1']);
        expect(ids((await store.find(ITEMS, A, { filter: { 'contact.email': null } })).items)).toEqual(['c3', 'c4']);
      });
    });

    describe('cursor pagination', () => {
      const COUNT = 250;
      const seedMany = async () => {
        const writes: DocWrite[] = [];
        for (let i = 0; i < COUNT; i++) {
          const doc: Doc = { amount: (i * 7) % 23, status: i % 3 === 0 ? 'open' : 'closed' };
          // Every 10th document has no name and every 10th (offset 5) a null name: both sort as null.
          if (i % 10 === 5) doc.name = null;
          else if (i % 10 !== 0) doc.name = `n${(i * 37) % 61}`;
          writes.push(upsert(`p${String(i).padStart(3, '0')}`, doc, i + 1));
        }
        await store.apply(writes);
        await store.apply([upsert('p000', { amount: 1 }, 1, B)]);
        return (await store.getMany(ITEMS, A, writes.map((w) => w.id))) as StoredDoc[];
      };

      const cases: Array<{ title: string; options: FindOptions; select?: (doc: Doc) => boolean }> = [
        { title: 'by id', options: { limit: 40 } },
        { title: 'by id desc', options: { limit: 40, direction: 'desc' } },
        { title: 'by a numeric field with ties', options: { limit: 40, sortBy: 'amount' } },
        { title: 'by a numeric field desc', options: { limit: 40, sortBy: 'amount', direction: 'desc' } },
        { title: 'by a string field with nulls', options: { limit: 40, sortBy: 'name' } },
        { title: 'by a string field with nulls desc', options: { limit: 40, sortBy: 'name', direction: 'desc' } },
        { title: 'by a field with nulls, pages of 1', options: { limit: 1, sortBy: 'name', direction: 'desc' } },
        {
          title: 'with a filter, desc',
          options: { limit: 40, sortBy: 'amount', direction: 'desc', filter: { status: 'closed' } },
          select: (doc) => doc.status === 'closed',
        },
        {
          title: 'with a range filter on the sort field',
          options: { limit: 40, sortBy: 'amount', filter: { amount: { gte: 5, lt: 20 } } },
          select: (doc) => (doc.amount as number) >= 5 && (doc.amount as number) < 20,
        },
        {
          title: 'with a filter pinning the sort field, desc',
          options: { limit: 40, sortBy: 'status', direction: 'desc', filter: { status: 'open' } },
          select: (doc) => doc.status === 'open',
        },
      ];

      for (const { title, options, select } of cases) {
        it(`walks every item exactly once in order: ${title}`, async () => {
          const all = await seedMany();
          const sortBy = options.sortBy ?? 'id';
          const expected = all
            .filter(select ?? (() => true))
            .sort(compareBy((doc) => doc[sortBy]))
            .map((doc) => doc.id);
          if (options.direction === 'desc') expected.reverse();
          const walked = ids(await walk(store, A, options));
          expect(new Set(walked).size).toBe(walked.length);
          expect(walked).toEqual(expected);
        });
      }
    });

    describe('checkpoints', () => {
      it('gets, sets, overwrites and deletes a checkpoint', async () => {
        expect(await store.getCheckpoint('proj')).toBeNull();
        await store.setCheckpoint('proj', 5);
        await store.setCheckpoint('other', 9);
        expect(await store.getCheckpoint('proj')).toBe(5);
        await store.setCheckpoint('proj', 12);
        expect(await store.getCheckpoint('proj')).toBe(12);
        await store.deleteCheckpoint('proj');
        expect(await store.getCheckpoint('proj')).toBeNull();
        expect(await store.getCheckpoint('other')).toBe(9);
        await store.deleteCheckpoint('never-set');
      });

      it('stores the checkpoint given to apply together with the writes', async () => {
        await store.apply([upsert('x1', { amount: 1 }, 41)], { name: 'proj', position: 42 });
        expect(await store.getCheckpoint('proj')).toBe(42);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 1, id: 'x1', _position: 41 });
        await store.apply([], { name: 'proj', position: 50 });
        expect(await store.getCheckpoint('proj')).toBe(50);
        await store.apply([upsert('x2', { amount: 1 }, 51)]);
        expect(await store.getCheckpoint('proj')).toBe(50);
      });

      it('commits concurrent applies and checkpoints, each readable once it resolved', async () => {
        // Started together, as several projectors' batches in one event-loop turn (SQLite commits them as one group).
        const [, , g1] = await Promise.all([
          store.apply([upsert('g2', { amount: 2 }, 62)], { name: 'two', position: 62 }),
          store.setCheckpoint('three', 64),
          store.apply([upsert('g1', { amount: 1 }, 61)], { name: 'one', position: 61 }).then(() => store.get(ITEMS, A, 'g1')),
          store.apply([patch('g2', { name: 'later' }, 65)], { name: 'two', position: 65 }),
        ]);
        expect(g1).toEqual({ amount: 1, id: 'g1', _position: 61 });
        expect(await store.get(ITEMS, A, 'g2')).toEqual({ amount: 2, name: 'later', id: 'g2', _position: 65 });
        expect(await store.getCheckpoint('one')).toBe(61);
        expect(await store.getCheckpoint('two')).toBe(65);
        expect(await store.getCheckpoint('three')).toBe(64);
      });
    });

    describe('collections', () => {
      it('drops every document of every tenant, tombstones included, and stays usable', async () => {
        await store.apply([
          upsert('x1', { status: 'open' }, 1, A),
          upsert('x1', { status: 'open' }, 2, B),
          upsert('x2', { status: 'open' }, 3, B),
          remove('x3', 4, A),
          upsert('o1', { amount: 1 }, 5, A, OTHERS),
        ]);
        await store.setCheckpoint('proj', 5);
        await store.dropCollections([ITEMS]);
        expect((await store.find(ITEMS, A)).items).toEqual([]);
        expect((await store.find(ITEMS, B)).items).toEqual([]);
        expect(await store.get(OTHERS, A, 'o1')).toEqual({ amount: 1, id: 'o1', _position: 5 });
        expect(await store.getCheckpoint('proj')).toBe(5);
        // A rebuild replays from the start: low positions are accepted again, indexes still work.
        await store.apply([upsert('x3', { status: 'open' }, 1, A), upsert('x1', { status: 'closed' }, 2, A)]);
        expect(ids((await store.find(ITEMS, A, { filter: { status: 'open' } })).items)).toEqual(['x3']);
      });

      it('ensures collections idempotently, keeping documents', async () => {
        await store.apply([upsert('x1', { amount: 1 }, 1)]);
        await store.ensureCollections([ITEMS_SPEC, OTHERS_SPEC]);
        await store.ensureCollections([ITEMS_SPEC]);
        expect(await store.get(ITEMS, A, 'x1')).toEqual({ amount: 1, id: 'x1', _position: 1 });
        expect(ids((await store.find(ITEMS, A, { filter: { amount: 1 } })).items)).toEqual(['x1']);
      });

      it('adds an index later, covering documents written before it', async () => {
        await store.apply([upsert('o1', { region: 'eu', rank: 2 }, 1, A, OTHERS), upsert('o2', { region: 'us', rank: 1 }, 2, A, OTHERS)]);
        await expect(store.find(OTHERS, A, { filter: { region: 'eu' } })).rejects.toThrow(/'region'/);
        await store.ensureCollections([{ name: OTHERS, indexes: ['region', 'rank'] }]);
        const found = await store.find(OTHERS, A, { filter: { region: 'eu' } });
        expect(ids(found.items)).toEqual(['o1']);
        expect(ids((await store.find(OTHERS, A, { sortBy: 'rank' })).items)).toEqual(['o2', 'o1']);
      });
    });
  });
}
