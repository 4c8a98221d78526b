import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { parseCalendarDate } from '../../shared-kernel/calendar-date';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { FindOptions, Page, READ_STORE, ReadStore, StoredDoc, Doc } from '../../platform/read-store/read-store.port';
import { HIERARCHY, HIERARCHY_LINKS, HierarchyDoc, HierarchyLinkDoc, subtreeRange } from '../read-model/hierarchy.projection';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { badCursor, findPage, PageQueries, pageSize, withCursor } from '../../platform/http/paging';
import { CustomerMay } from '../../platform/http/customer-access';

export const DEFAULT_TREE_DEPTH = 1;
export const MAX_TREE_DEPTH = 10;
/** Largest tree `/hierarchy` answers in one response; bigger ones are paged through `/descendants`. */
export const MAX_TREE_NODES = 10_000;
/** `asOf` descendants are computed whole per request (the history has no path index), so they are bounded. */
export const MAX_AS_OF_DESCENDANTS = 100_000;
/** Reads of the store: its largest page. */
const SCAN_PAGE = 1000;

export interface TreeNode {
  id: string;
  name: string;
  children: TreeNode[];
}
interface Named {
  id: string;
  name: string;
}

@ApiTags('accounts')
@UseGuards(MinPositionGuard)
@Controller('v1/accounts')
export class HierarchyQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @CustomerMay({ param: 'id' })
  @Get(':id/children')
  @ApiOperation({ summary: "The account's direct children, sorted by id, a page at a time: { items: [{ id, name }], nextCursor? }" })
  @PageQueries()
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD: the hierarchy as it was on that business date' })
  async children(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: string,
  ) {
    const size = pageSize(limit);
    const date = asOfDate(asOf);
    await this.account(tenant.id, id, date);
    if (date === undefined) {
      const page = await findPage<HierarchyDoc>(this.store, HIERARCHY, tenant.id, { filter: { parentAccountId: id }, sortBy: 'id', limit: size }, cursor);
      return withCursor(page.items.map((doc) => ({ id: doc.id, name: doc.name })), page.nextCursor);
    }
    const page = await findPage<HierarchyLinkDoc>(this.store, HIERARCHY_LINKS, tenant.id, { filter: linksOf(id, date), sortBy: 'accountId', limit: size }, cursor);
    return withCursor(await this.named(tenant.id, page.items.map((link) => link.accountId)), page.nextCursor);
  }

  @Get(':id/ancestors')
  @ApiOperation({ summary: "The account's ancestors, nearest first: [{ id, name }]" })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD: the hierarchy as it was on that business date' })
  async ancestors(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('asOf') asOf?: string) {
    const date = asOfDate(asOf);
    const account = await this.account(tenant.id, id, date);
    if (date === undefined) return this.named(tenant.id, account.ancestors);
    const chain: string[] = [];
    const seen = new Set([id]);
    for (let current = id; ; ) {
      const link = await this.linkOn(tenant.id, current, date);
      if (!link || link.parentAccountId === null || seen.has(link.parentAccountId)) break; // a root then (seen: never loop on bad data)
      chain.push(link.parentAccountId);
      seen.add(link.parentAccountId);
      current = link.parentAccountId;
    }
    return this.named(tenant.id, chain);
  }

  @CustomerMay({ param: 'id' })
  @Get(':id/descendants')
  @ApiOperation({
    summary: "Every account below, depth first (path order), a page at a time: { items: [{ id, name, parentAccountId, depth }], nextCursor? }; depth 1 = a child",
  })
  @PageQueries()
  @ApiQuery({ name: 'asOf', required: false, description: `YYYY-MM-DD: the hierarchy as it was on that business date (at most ${MAX_AS_OF_DESCENDANTS} descendants)` })
  async descendants(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: string,
  ) {
    const size = pageSize(limit);
    const date = asOfDate(asOf);
    // A malformed cursor is a 400 before any lookup, as the other parameters are.
    const offset = date === undefined || cursor === undefined ? 0 : decodeOffset(cursor, date);
    const account = await this.account(tenant.id, id, date);
    if (date === undefined) {
      const page = await findPage<HierarchyDoc>(this.store, HIERARCHY, tenant.id, { filter: { path: subtreeRange(account.path) }, sortBy: 'path', limit: size }, cursor);
      const items = page.items.map((doc) => ({ id: doc.id, name: doc.name, parentAccountId: doc.parentAccountId, depth: doc.depth - account.depth }));
      return withCursor(items, page.nextCursor);
    }
    // The history has no path: walk the children as of the date breadth first, then order as the current view does.
    const found: { id: string; parentAccountId: string; depth: number; path: string }[] = [];
    let level = [{ id, path: id }];
    for (let depth = 1; level.length > 0; depth += 1) {
      const next: typeof level = [];
      for (const parent of level) {
        for (const child of await this.childIdsOn(tenant.id, parent.id, date)) {
          if (found.length === MAX_AS_OF_DESCENDANTS) {
            throw InvalidInputError.forField(
              'asOf',
              'tooManyDescendants',
              `${id} had more than ${MAX_AS_OF_DESCENDANTS} descendants on ${date}: list descendants as of a date for a smaller subtree, or without asOf`,
            );
          }
          const path = `${parent.path}/${child}`;
          found.push({ id: child, parentAccountId: parent.id, depth, path });
          next.push({ id: child, path });
        }
      }
      level = next;
    }
    found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const slice = found.slice(offset, offset + size);
    const names = new Map((await this.named(tenant.id, slice.map((d) => d.id))).map((n) => [n.id, n.name]));
    const items = slice.map((d) => ({ id: d.id, name: names.get(d.id) ?? d.id, parentAccountId: d.parentAccountId, depth: d.depth }));
    return withCursor(items, offset + size < found.length ? encodeOffset(date, offset + size) : undefined);
  }

  @Get(':id/hierarchy')
  @ApiOperation({ summary: `The nested tree { id, name, children: [...] } down to depth levels below (default ${DEFAULT_TREE_DEPTH}, at most ${MAX_TREE_DEPTH}; at most ${MAX_TREE_NODES} accounts)` })
  @ApiQuery({ name: 'depth', required: false, description: `0–${MAX_TREE_DEPTH}, default ${DEFAULT_TREE_DEPTH}` })
  @ApiQuery({ name: 'asOf', required: false, description: 'YYYY-MM-DD: the hierarchy as it was on that business date' })
  async hierarchy(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('depth') depth?: string, @Query('asOf') asOf?: string) {
    const levels = treeDepth(depth);
    const date = asOfDate(asOf);
    const account = await this.account(tenant.id, id, date);
    const root: TreeNode = { id, name: account.name, children: [] };
    let count = 1;
    let level = [root];
    // Level by level, one (paged) children query per account that is in the answer: bounded by its size.
    for (let below = 1; below <= levels && level.length > 0; below += 1) {
      const next: TreeNode[] = [];
      for (const parent of level) {
        const children = date === undefined ? await this.currentChildren(tenant.id, parent.id) : await this.named(tenant.id, await this.childIdsOn(tenant.id, parent.id, date));
        count += children.length;
        if (count > MAX_TREE_NODES) {
          throw InvalidInputError.forField(
            'depth',
            'treeTooLarge',
            `The hierarchy of ${id} down to depth ${levels} has more than ${MAX_TREE_NODES} accounts: ask for a smaller depth, or page through /v1/accounts/${id}/descendants`,
          );
        }
        parent.children = children.map((child) => ({ id: child.id, name: child.name, children: [] }));
        next.push(...parent.children);
      }
      level = next;
    }
    return root;
  }

  /** The account's hierarchy doc; 404 when unknown in this tenant or not yet created on `asOf`. */
  private async account(tenantId: string, id: string, asOf: string | undefined): Promise<StoredDoc<HierarchyDoc>> {
    const doc = await this.store.get<HierarchyDoc>(HIERARCHY, tenantId, id);
    if (!doc || (asOf !== undefined && doc.createdOn > asOf)) throw new NotFoundError('Account', id);
    return doc;
  }

  /** Names in the order of `ids`; an id without a doc keeps its id as name (it cannot happen, ids come from the tree). */
  private async named(tenantId: string, ids: string[]): Promise<Named[]> {
    const docs = new Map((await this.store.getMany<HierarchyDoc>(HIERARCHY, tenantId, ids)).map((doc) => [doc.id, doc.name]));
    return ids.map((id) => ({ id, name: docs.get(id) ?? id }));
  }

  private async currentChildren(tenantId: string, parentId: string): Promise<Named[]> {
    const docs = await this.all<HierarchyDoc>(HIERARCHY, tenantId, { filter: { parentAccountId: parentId }, sortBy: 'id' });
    return docs.map((doc) => ({ id: doc.id, name: doc.name }));
  }

  /** Children on `date`, sorted by id. */
  private async childIdsOn(tenantId: string, parentId: string, date: string): Promise<string[]> {
    const links = await this.all<HierarchyLinkDoc>(HIERARCHY_LINKS, tenantId, { filter: linksOf(parentId, date), sortBy: 'accountId' });
    return links.map((link) => link.accountId);
  }

  /** The link of the account in force on `date` (none: it was a root). */
  private async linkOn(tenantId: string, accountId: string, date: string): Promise<HierarchyLinkDoc | undefined> {
    const page = await this.store.find<HierarchyLinkDoc>(HIERARCHY_LINKS, tenantId, { filter: { accountId, from: { lte: date }, to: { gt: date } }, limit: 1 });
    return page.items[0];
  }

  private async all<T extends Doc>(collection: string, tenantId: string, options: FindOptions): Promise<StoredDoc<T>[]> {
    const items: StoredDoc<T>[] = [];
    let cursor: string | undefined;
    do {
      const page: Page<T> = await this.store.find<T>(collection, tenantId, { ...options, limit: SCAN_PAGE, ...(cursor === undefined ? {} : { cursor }) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return items;
  }
}

/** Links whose child hung under `parentId` on `date`: from <= date < to. */
function linksOf(parentId: string, date: string) {
  return { parentAccountId: parentId, from: { lte: date }, to: { gt: date } };
}

function treeDepth(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TREE_DEPTH;
  if (!/^\d{1,2}$/.test(raw) || Number(raw) > MAX_TREE_DEPTH) {
    throw InvalidInputError.forField('depth', 'range', `depth must be a whole number from 0 to ${MAX_TREE_DEPTH} (got ${JSON.stringify(raw)})`);
  }
  return Number(raw);
}

function asOfDate(raw: string | undefined): string | undefined {
  return raw === undefined ? undefined : parseCalendarDate(raw, 'asOf');
}

/** The `asOf` descendants cursor: an offset into the list as of that date (the date is checked, not trusted). */
function encodeOffset(date: string, offset: number): string {
  return Buffer.from(JSON.stringify(['asOf', date, offset]), 'utf8').toString('base64url');
}

function decodeOffset(cursor: string, date: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badCursor();
  }
  if (!Array.isArray(parsed) || parsed[0] !== 'asOf' || parsed[1] !== date || !Number.isSafeInteger(parsed[2]) || (parsed[2] as number) < 0) throw badCursor();
  return parsed[2] as number;
}
