import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { findPage, pageSize, withCursor } from '../../platform/http/paging';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { InvalidInputError, NotFoundError } from '../../shared-kernel/errors';
import { CurrentTenant } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { DUNNING_GROUPS, DUNNING_PROCESS_VERSIONS, DUNNING_PROCESSES, DunningGroupDoc, DunningProcessDoc, resolveDunningProcess, storedDefinitions } from '../read-model';

/** Processes are whole definitions (up to 50 steps): smaller pages than other listings, as plans. */
const PROCESS_PAGE_SIZE = 50;
const PROCESS_MAX_PAGE_SIZE = 100;

@ApiTags('dunning')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class DunningDefinitionsQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('dunning-processes')
  @ApiOperation({ summary: 'Dunning processes (their latest versions), sorted by id, a page at a time: { items, nextCursor? }' })
  @ApiQuery({ name: 'limit', required: false, description: `1–${PROCESS_MAX_PAGE_SIZE}, default ${PROCESS_PAGE_SIZE}` })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async listProcesses(@CurrentTenant() tenant: TenantView, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const options = { sortBy: 'id', limit: pageSize(limit, PROCESS_PAGE_SIZE, PROCESS_MAX_PAGE_SIZE) };
    const page = await findPage<DunningProcessDoc>(this.store, DUNNING_PROCESSES, tenant.id, options, cursor);
    return withCursor(page.items.map(processOf), page.nextCursor);
  }

  @Get('dunning-processes/:id')
  @ApiOperation({ summary: 'A dunning process: its latest version, or with ?version=N that version (every version stays readable)' })
  @ApiQuery({ name: 'version', required: false, description: 'A version number from 1' })
  async getProcess(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Query('version') version?: string) {
    const doc =
      version === undefined
        ? await this.store.get<DunningProcessDoc>(DUNNING_PROCESSES, tenant.id, id)
        : await this.store.get<DunningProcessDoc>(DUNNING_PROCESS_VERSIONS, tenant.id, `${id}@${versionNumber(version)}`);
    if (!doc) throw new NotFoundError(version === undefined ? 'Dunning process' : 'Dunning process version', version === undefined ? id : `${id}@${version}`);
    return processOf(doc);
  }

  @Get('dunning-processes/:id/versions')
  @ApiOperation({ summary: 'Every version of a dunning process, oldest first: { items: [{ id, name, version, steps, createdOn }] }' })
  async versions(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const items: DunningProcessDoc[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.store.find<DunningProcessDoc>(DUNNING_PROCESS_VERSIONS, tenant.id, { filter: { processId: id }, sortBy: 'version', limit: 1000, ...(cursor ? { cursor } : {}) });
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    if (items.length === 0) throw new NotFoundError('Dunning process', id);
    return { items: items.map(processOf) };
  }

  @Get('dunning-groups')
  @ApiOperation({ summary: 'Dunning groups, oldest first, a page at a time: { items: [{ id, name, processId, planIds, channel, country, language, createdOn }], nextCursor? }' })
  @ApiQuery({ name: 'limit', required: false, description: '1–1000, default 100' })
  @ApiQuery({ name: 'cursor', required: false, description: 'The nextCursor of the previous page' })
  async listGroups(@CurrentTenant() tenant: TenantView, @Query('limit') limit?: string, @Query('cursor') cursor?: string) {
    const page = await findPage<DunningGroupDoc>(this.store, DUNNING_GROUPS, tenant.id, { sortBy: 'sequence', limit: pageSize(limit) }, cursor);
    return withCursor(page.items.map(groupOf), page.nextCursor);
  }

  @Get('dunning-groups/match')
  @ApiOperation({
    summary:
      'Which group and process would apply to a plan instance with these attributes (200 { groupId, processId, name, version, steps }; 404 when no group matches): ' +
      'the named dunningGroupId if it exists, else the matching group that sets the most criteria, ties to the earliest created.',
  })
  @ApiQuery({ name: 'dunningGroupId', required: false })
  @ApiQuery({ name: 'planId', required: false })
  @ApiQuery({ name: 'channel', required: false })
  @ApiQuery({ name: 'country', required: false })
  @ApiQuery({ name: 'language', required: false })
  async match(
    @CurrentTenant() tenant: TenantView,
    @Query('dunningGroupId') dunningGroupId?: string,
    @Query('planId') planId?: string,
    @Query('channel') channel?: string,
    @Query('country') country?: string,
    @Query('language') language?: string,
  ) {
    const target = { dunningGroupId: dunningGroupId ?? null, planId: planId ?? null, channel: channel ?? null, country: country ?? null, language: language ?? null };
    const resolved = await resolveDunningProcess(storedDefinitions(this.store), tenant.id, target);
    if (!resolved) throw new NotFoundError('Dunning group', 'matching these attributes');
    return resolved;
  }

  @Get('dunning-groups/:id')
  @ApiOperation({ summary: 'A dunning group' })
  async getGroup(@CurrentTenant() tenant: TenantView, @Param('id') id: string) {
    const doc = await this.store.get<DunningGroupDoc>(DUNNING_GROUPS, tenant.id, id);
    if (!doc) throw new NotFoundError('Dunning group', id);
    return groupOf(doc);
  }
}

/** The API shapes, fields in a fixed order; the store's bookkeeping stays inside. */
function processOf({ processId, name, version, steps, createdOn }: DunningProcessDoc) {
  return { id: processId, name, version, steps, createdOn };
}

function groupOf({ groupId, name, processId, planIds, channel, country, language, createdOn }: DunningGroupDoc) {
  return { id: groupId, name, processId, planIds, channel, country, language, createdOn };
}

function versionNumber(raw: string): number {
  if (!/^[1-9]\d{0,8}$/.test(raw)) throw InvalidInputError.forField('version', 'positiveInteger', `version must be a whole number from 1 (got ${JSON.stringify(raw)})`);
  return Number(raw);
}
