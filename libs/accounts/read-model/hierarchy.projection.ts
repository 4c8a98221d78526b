import { RecordedEvent } from '../../platform/event-store/event-store.port';
import { Doc, DocWrite, Page, StoredDoc } from '../../platform/read-store/read-store.port';
import { ProjectionView, Projector } from '../../platform/projection-runner/projector';
import type { AccountCreated } from '../domain/account.events';
import type { HierarchyEvent } from '../domain/hierarchy.events';

export const HIERARCHY = 'hierarchy';
export const HIERARCHY_LINKS = 'hierarchyLinks';
/** The `to` of the link in force now. */
export const OPEN_END = '9999-12-31';
/** Page size of the descendant scan: the store's maximum, so a 10,000-account subtree is 10 reads. */
const SCAN_PAGE = 1000;

/** One per account (id = accountId): where it sits in the tree now. */
export interface HierarchyDoc extends Doc {
  parentAccountId: string | null;
  /** Nearest first. */
  ancestors: string[];
  /** 0 for a root. */
  depth: number;
  /** Ids from the root down to the account, joined by '/' (ids never contain '/'). */
  path: string;
  name: string;
  /** Kept so an `asOf` query can tell an account that did not exist yet. */
  createdOn: string;
  /** The `hierarchyLinks` id of the link in force, so the next change can close it without a query. */
  openLinkId: string | null;
}

/** One per link period (id `${accountId}@${position}`): the link holds on D when from <= D < to. */
export interface HierarchyLinkDoc extends Doc {
  accountId: string;
  parentAccountId: string | null;
  from: string;
  to: string;
}

/** The range of `path` values strictly below `path`: '0' is the character after '/', so any id character fits. */
export function subtreeRange(path: string): { gt: string; lt: string } {
  return { gt: `${path}/`, lt: `${path}0` };
}

export function linkId(accountId: string, position: number): string {
  return `${accountId}@${position}`;
}

/**
 * The account tree of each tenant (`hierarchy`) and the history of every link (`hierarchyLinks`).
 * A re-parent rewrites the ancestry of the whole subtree, found by a range query on `path`; a query does
 * not see the batch's pending writes, so the runner commits them before each link event (`queriesStoreOn`).
 */
export const hierarchyProjection: Projector = {
  name: 'hierarchy',
  queriesStoreOn: ['AccountParented', 'AccountDetached'],
  collections: [
    { name: HIERARCHY, indexes: ['parentAccountId', 'path'] },
    { name: HIERARCHY_LINKS, indexes: ['accountId', 'parentAccountId', 'from', 'to'] },
  ],
  eventTypes: ['AccountCreated', 'AccountParented', 'AccountDetached'],
  async project(recorded: RecordedEvent, view: ProjectionView): Promise<DocWrite[]> {
    const event = recorded as unknown as RecordedEvent & (AccountCreated | HierarchyEvent);
    const { tenantId } = recorded.metadata;
    switch (event.type) {
      case 'AccountCreated': {
        const { accountId, name, createdOn } = event.data;
        const doc: HierarchyDoc = { parentAccountId: null, ancestors: [], depth: 0, path: accountId, name, createdOn, openLinkId: null };
        return [{ op: 'upsert', collection: HIERARCHY, tenantId, id: accountId, doc, position: recorded.position }];
      }
      case 'AccountParented':
        return relink(recorded, event.data.accountId, event.data.parentAccountId, event.data.effectiveDate, view);
      case 'AccountDetached':
        return relink(recorded, event.data.accountId, null, event.data.effectiveDate, view);
      default:
        return [];
    }
  },
};

async function relink(
  recorded: RecordedEvent,
  accountId: string,
  parentAccountId: string | null,
  effectiveDate: string,
  view: ProjectionView,
): Promise<DocWrite[]> {
  const { tenantId } = recorded.metadata;
  const { position } = recorded;
  const account = (await view.get(HIERARCHY, tenantId, accountId)) as StoredDoc<HierarchyDoc> | null;
  // The account's doc carries the position of the last change that moved it: at or past this event means
  // the event was already applied (a redelivery after a crash mid-batch), and re-deriving it would be wrong.
  if (!account || account._position >= position) return [];

  let ancestors: string[] = [];
  let path = accountId;
  if (parentAccountId !== null) {
    const parent = (await view.get(HIERARCHY, tenantId, parentAccountId)) as HierarchyDoc | null;
    // The decider refuses cycles and unknown parents; a log that still has one must not corrupt the paths.
    if (!parent || parentAccountId === accountId || parent.ancestors.includes(accountId)) return [];
    ancestors = [parentAccountId, ...parent.ancestors];
    path = `${parent.path}/${accountId}`;
  }
  const depth = ancestors.length;
  const newLinkId = linkId(accountId, position);
  const writes: DocWrite[] = [
    { op: 'patch', collection: HIERARCHY, tenantId, id: accountId, fields: { parentAccountId, ancestors, depth, path, openLinkId: newLinkId }, position },
  ];

  // The whole subtree moves along: each descendant keeps its ancestors up to the account and takes the new
  // ones above it. One paged scan of the old subtree, no per-descendant query.
  let cursor: string | undefined;
  do {
    const page: Page<HierarchyDoc> = await view.find<HierarchyDoc>(HIERARCHY, tenantId, {
      filter: { path: subtreeRange(account.path) },
      sortBy: 'path',
      limit: SCAN_PAGE,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const doc of page.items) {
      const below = doc.depth - account.depth; // the account is ancestors[below - 1]
      writes.push({
        op: 'patch',
        collection: HIERARCHY,
        tenantId,
        id: doc.id,
        fields: { ancestors: [...doc.ancestors.slice(0, below), ...ancestors], depth: depth + below, path: path + doc.path.slice(account.path.length) },
        position,
      });
    }
    cursor = page.nextCursor;
  } while (cursor !== undefined);

  if (account.openLinkId) {
    writes.push({ op: 'patch', collection: HIERARCHY_LINKS, tenantId, id: account.openLinkId, fields: { to: effectiveDate }, position });
  }
  const link: HierarchyLinkDoc = { accountId, parentAccountId, from: effectiveDate, to: OPEN_END };
  writes.push({ op: 'upsert', collection: HIERARCHY_LINKS, tenantId, id: newLinkId, doc: link, position });
  return writes;
}

