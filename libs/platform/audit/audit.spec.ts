import { EventStore, ReadTenantOptions } from '../event-store/event-store.port';
import { SqliteEventStore } from '../event-store/sqlite/sqlite-event-store';
import { Projector } from '../projection-runner/projector';
import { MemoryReadStore } from '../read-store/memory/memory-read-store';
import { DocWrite, ReadStore } from '../read-store/read-store.port';
import { auditTenant } from './audit';

/**
 * The audit's comparison of stored and recomputed documents (decision 0020, 0028): equal text is an equal document,
 * a different text is compared field by field (fields in another order are no difference), and each kind of
 * difference is reported; the same with a live store that gives no text (`findText`, as MongoDB).
 * test/http/audit.e2e.spec.ts audits whole sandboxes built over HTTP.
 */
describe('audit: stored documents against recomputed ones', () => {
  const T = 't1';
  // One document per Noted event: its fields in the order the event gives them.
  const notes: Projector = {
    name: 'notes',
    collections: [{ name: 'notes', indexes: [] }],
    eventTypes: ['Noted'],
    project: (event) => [{ op: 'upsert', collection: 'notes', tenantId: T, id: String(event.data.id), doc: { ...(event.data.fields as object) }, position: event.position }],
  };

  async function audited(live: (positions: number[]) => DocWrite[], options: { withoutText?: boolean; withoutVerifyChain?: boolean } = {}) {
    const sqlite = new SqliteEventStore({ file: ':memory:' });
    const notesOf = [
      { id: 'n1', fields: { a: 1, b: { x: 1, y: 2 } } },
      { id: 'n2', fields: { a: 2, b: 'two' } },
      { id: 'n3', fields: { a: 3 } },
    ];
    const results = await sqlite.appendToStreams(
      notesOf.map((data, i) => ({ stream: `note-${i}`, expectedRevision: 'no_stream', events: [{ id: `e${i}`, type: 'Noted', data, metadata: { tenantId: T, commandId: `c${i}`, correlationId: `c${i}`, causationId: `c${i}`, actor: 'test', businessDate: '2024-01-01' } }] })),
    );
    const positions = results.map((result) => result.position);
    const store = new MemoryReadStore();
    await store.ensureCollections(notes.collections);
    await store.apply(live(positions), { name: 'notes', position: positions[2] });
    // A store without findText: documents are given parsed, and compared field by field.
    const liveStore: ReadStore = options.withoutText ? Object.assign(Object.create(store) as ReadStore, { findText: undefined }) : store;
    try {
      const report = await auditTenant({ events: sqlite, live: liveStore, projectors: [notes], tenantId: T });
      if (!options.withoutVerifyChain) return report;
      // The same log audited through a store as KurrentDB is: no verifyChain, no stored text; the audit checks the
      // chain itself, hashing the events as read.
      const withoutVerifyChain = Object.assign(Object.create(sqlite) as EventStore, {
        verifyChain: undefined,
        readTenant: async (tenantId: string, readOptions?: ReadTenantOptions) => {
          const { events, through, head } = await sqlite.readTenant(tenantId, readOptions);
          return { events, through, head };
        },
      });
      const checkedHere = await auditTenant({ events: withoutVerifyChain, live: liveStore, projectors: [notes], tenantId: T });
      expect(checkedHere.chain).toEqual(report.chain);
      return checkedHere;
    } finally {
      await sqlite.close();
    }
  }

  const upsert = (id: string, doc: Record<string, unknown>, position: number): DocWrite => ({ op: 'upsert', collection: 'notes', tenantId: T, id, doc, position });

  for (const withoutText of [false, true]) {
    describe(withoutText ? 'a live store without findText' : 'a live store with findText', () => {
      it('finds no difference when the stored documents are the recomputed ones, fields in any order', async () => {
        const report = await audited(([p1, p2, p3]) => [upsert('n1', { b: { y: 2, x: 1 }, a: 1 }, p1), upsert('n2', { a: 2, b: 'two' }, p2), upsert('n3', { a: 3 }, p3)], { withoutText });
        expect(report.differences).toEqual([]);
        expect(report).toMatchObject({ ok: true, events: 3, documents: 3, skipped: 0 });
      });

      it('reports a changed field, a stored document not recomputed and a recomputed one not stored, with the events behind each', async () => {
        const report = await audited(([p1, p2, p3]) => [upsert('n1', { a: 1, b: { x: 1, y: 3 } }, p1), upsert('n3', { a: 3 }, p3), upsert('n9', { a: 9 }, p2)], { withoutText });
        expect(report.ok).toBe(false);
        const found = report.differences.map(({ id, kind, fields, events }) => ({ id, kind, fields, types: events.map((event) => event.type) }));
        expect(found).toEqual([
          { id: 'n1', kind: 'changed', fields: ['b'], types: ['Noted'] },
          { id: 'n9', kind: 'unexpected', fields: ['a'], types: ['Noted'] },
          { id: 'n2', kind: 'missing', fields: ['a', 'b'], types: ['Noted'] },
        ]);
        expect(report.differences[0].stored).toMatchObject({ b: { x: 1, y: 3 } });
        expect(report.differences[0].recomputed).toMatchObject({ b: { x: 1, y: 2 } });
      });
    });
  }

  it('checks the hash chain itself when the event store has no verifyChain, with the same answer', async () => {
    const report = await audited(([p1, p2, p3]) => [upsert('n1', { a: 1, b: { x: 1, y: 2 } }, p1), upsert('n2', { a: 2, b: 'two' }, p2), upsert('n3', { a: 3 }, p3)], { withoutVerifyChain: true });
    expect(report.chain).toMatchObject({ links: 3, breaks: [] });
    expect(report.chain.head).toMatch(/^[0-9a-f]{64}$/);
    expect(report.ok).toBe(true);
  });
});
