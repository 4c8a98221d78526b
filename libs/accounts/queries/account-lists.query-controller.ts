import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { TenantView } from '../../tenancy/domain';
import { knownStatus } from '../../tenancy/domain';
import { CurrentTenant } from '../../tenancy';
import { Filter, READ_STORE, ReadStore, StoredDoc } from '../../platform/read-store/read-store.port';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { badCursor, listPage, PageQueries, pageSize, textParameter } from '../../platform/http/paging';
import { ACCOUNTS } from '../read-model/accounts.projection';
import { toAccount } from './accounts.query-controller';
import { AsOfQueries, parseAsOf, TimeTravel } from '../../platform/time-travel/time-travel';

/** The highest code point: `prefix + PREFIX_END` bounds every string starting with prefix, in UTF-8 and UTF-16 order alike. */
const PREFIX_END = '\u{10FFFF}';

/**
 * GET /v1/accounts: the tenant's accounts sorted by id, a page at a time.
 *
 * `q` is a case-insensitive PREFIX search on the name or the email: the projection keeps both lower-cased
 * (`searchName`, `searchEmail`, indexed), so each is one index range; a substring search would read every account.
 * The read store ANDs its conditions, so "name or email" is two keyset reads (each at most limit + 1 rows after the
 * cursor) merged by id. The cursor is this listing's own (the last id given), the same with or without `q`.
 */
@ApiTags('accounts')
@UseGuards(MinPositionGuard)
@Controller('v1/accounts')
export class AccountListsQueryController {
  constructor(
    @Inject(READ_STORE) private readonly store: ReadStore,
    private readonly timeTravel: TimeTravel,
  ) {}

  @Get()
  @ApiOperation({ summary: "The tenant's accounts sorted by id, a page at a time: { items, nextCursor?, hasMore }" })
  @ApiQuery({ name: 'q', required: false, description: 'Case-insensitive prefix of the name or the email' })
  @ApiQuery({ name: 'status', required: false, description: "One of the tenant's account statuses (active, suspended, terminated or its own)" })
  @ApiQuery({ name: 'parentAccountId', required: false, description: 'Only the direct children of this account' })
  @PageQueries()
  @AsOfQueries()
  async list(
    @CurrentTenant() tenant: TenantView,
    @Query('q') q?: string,
    @Query('status') status?: string,
    @Query('parentAccountId') parentAccountId?: string,
    @Query('limit') limit?: string,
    @Query('cursor') cursor?: string,
    @Query('asOf') asOf?: unknown,
    @Query('asOfPosition') asOfPosition?: unknown,
  ) {
    const past = parseAsOf({ asOf, asOfPosition });
    const size = pageSize(limit);
    const search = textParameter('q', q)?.toLowerCase();
    const parent = textParameter('parentAccountId', parentAccountId);
    const wanted = status === undefined ? undefined : knownStatus(status, tenant.settings, 'status');
    const after = cursor === undefined ? undefined : decodeAccountCursor(cursor);

    const base: Filter = {
      ...(wanted !== undefined ? { status: wanted } : {}),
      ...(parent !== undefined ? { parentAccountId: parent } : {}),
      ...(after !== undefined ? { id: { gt: after } } : {}),
    };
    const read = (filter: Filter) =>
      this.timeTravel.read(tenant, past, this.store, async ({ store }) => (await store.find(ACCOUNTS, tenant.id, { filter, sortBy: 'id', limit: size + 1 })).items);
    let docs: StoredDoc[];
    if (search === undefined) {
      docs = await read(base);
    } else {
      const range = { gte: search, lt: search + PREFIX_END };
      const [byName, byEmail] = await Promise.all([read({ ...base, searchName: range }), read({ ...base, searchEmail: range })]);
      const merged = new Map<string, StoredDoc>();
      for (const doc of [...byName, ...byEmail]) merged.set(doc.id, doc);
      docs = [...merged.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    }
    const page = docs.slice(0, size);
    const next = docs.length > size ? encodeAccountCursor(page[page.length - 1].id) : undefined;
    return listPage(page.map((doc) => toAccount(doc.id, doc)), next);
  }
}

const CURSOR_KIND = 'accounts';

function encodeAccountCursor(lastId: string): string {
  return Buffer.from(JSON.stringify([CURSOR_KIND, lastId]), 'utf8').toString('base64url');
}

function decodeAccountCursor(cursor: unknown): string {
  if (typeof cursor !== 'string' || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw badCursor();
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed[0] === CURSOR_KIND && typeof parsed[1] === 'string' && parsed[1].length > 0) return parsed[1];
  } catch {
    // falls through to the 400
  }
  throw badCursor();
}
