import { Controller, Get, Inject, Param, Res, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { AdminOnly } from '../../platform/http/access';
import { EVENT_STORE, EventStore } from '../../platform/event-store/event-store.port';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { CONSUMERS, Consumers } from '../../platform/app/consumers';
import { auditTenant } from '../../platform/audit/audit';
import { exportTenant } from '../../platform/audit/export';
import { NotFoundError } from '../../shared-kernel/errors';
import { TenantDirectory } from '../../tenancy';
import { AUDIT_REPORT_EXAMPLE, AUDIT_REPORT_SCHEMA } from './audit-report.schema';

/**
 * The recompute-everything audit and the tenant's log export, for operators (admin key; decision 0020). Also on the
 * command line: `npm run audit -- <tenantId>` and `npm run audit -- --export <tenantId>`.
 */
@ApiTags('operations')
@AdminOnly()
@Controller('v1/admin/tenants/:tenantId')
export class AuditAdminController {
  constructor(
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(READ_STORE) private readonly store: ReadStore,
    @Inject(CONSUMERS) private readonly consumers: Consumers,
    private readonly directory: TenantDirectory,
  ) {}

  @Get('audit')
  @ApiOperation({
    summary:
      "Replays the tenant's log through every projector into a scratch store and compares each of its documents (invoices, receivables and balances, " +
      'the ledger, statements, everything) with the stored one, and recomputes its hash chain against the one kept (admin key): ' +
      '{ tenantId, position, events, documents, skipped, millis, eventsPerSecond, differences: [{ collection, id, kind: missing|unexpected|changed, fields, ' +
      'stored, recomputed, events: [{ position, id, type, stream, businessDate }] }], truncated, chain: { links, head, breaks }, ok }',
  })
  @ApiOkResponse({ description: 'The audit report', content: { 'application/json': { schema: AUDIT_REPORT_SCHEMA, example: AUDIT_REPORT_EXAMPLE } } })
  async audit(@Param('tenantId') tenantId: string) {
    await this.existing(tenantId);
    return auditTenant({ events: this.events, live: this.store, projectors: this.consumers.projectors, tenantId });
  }

  @Get('export')
  @ApiOperation({
    summary:
      "The tenant's log with its hash chain as NDJSON, one event a line in log order: { seq, position, id, type, stream, data, metadata, recordedAt, previousHash, hash } " +
      '(admin key). README "Audit" shows how a third party verifies it.',
  })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'NDJSON, one event a line', content: { 'application/x-ndjson': { schema: { type: 'string' } } } })
  async export(@Param('tenantId') tenantId: string, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.existing(tenantId);
    void reply.header('content-disposition', `attachment; filename="${tenantId.replace(/[^A-Za-z0-9_.-]/g, '_')}.ndjson"`);
    return new StreamableFile(Readable.from(exportTenant(this.events, tenantId)), { type: 'application/x-ndjson' });
  }

  private async existing(tenantId: string): Promise<void> {
    if (!(await this.directory.byId(tenantId))) throw new NotFoundError('Tenant', tenantId);
  }
}
