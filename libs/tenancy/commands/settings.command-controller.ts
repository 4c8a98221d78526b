import { Body, Controller, HttpCode, Inject, Patch, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandOutcome } from '../../platform/command-pipeline/command';
import { ReadYourWrites } from '../../platform/app/read-your-writes';
import { commandContextFrom } from '../../platform/http/request-context';
import { READ_STORE, ReadStore, SYSTEM_TENANT } from '../../platform/read-store/read-store.port';
import { CurrentTenant } from '../auth';
import { TenantView } from '../domain/tenant.decider';
import { TenantSettings } from '../domain/tenant-settings';
import { tenantsProjection } from '../read-model/tenants.projection';
import { TenantDirectory } from '../tenant-directory';
import { ChangeTenantSettingsCommand } from './change-settings';
import { TenantSettingsDto } from './create-tenant';

const POLL_MS = 20;

@ApiTags('settings')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/settings')
export class SettingsCommandController {
  constructor(
    private readonly bus: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
    private readonly directory: TenantDirectory,
    @Inject(READ_STORE) private readonly store: ReadStore,
  ) {}

  @Patch()
  @HttpCode(200)
  @ApiOperation({
    summary:
      "Change the tenant's own settings (any of them; the others stay): in force from today's business date on. " +
      'Only the fields that differ are recorded; nothing to change writes nothing. maxRetroactivePeriods: null removes it (default 120).',
  })
  @ApiOkResponse({ description: 'The settings after the change' })
  async change(
    @CurrentTenant() tenant: TenantView,
    @Body() input: TenantSettingsDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<TenantSettings> {
    // The command id derives from the tenant (Idempotency-Key); the events belong to the system tenant's stream.
    const context = { ...commandContextFrom(request, tenant.id, this.directory.businessDate(tenant)), tenantId: SYSTEM_TENANT };
    const command = new ChangeTenantSettingsCommand({ tenantId: tenant.id, changes: input }, context);
    const outcome = await this.bus.execute<ChangeTenantSettingsCommand, CommandOutcome<TenantSettings>>(command);
    void reply.header('x-log-position', String(outcome.position));
    await this.untilTenantsReadModelAt(outcome.position);
    return outcome.body;
  }

  /**
   * Every process finds the request's tenant (and its settings) in the tenants read model, uncached: once that
   * model has the change, the next request anywhere reads the new settings. All-in-one waits for every read
   * model as CommandGateway does; a command API without projectors polls the tenants checkpoint the worker
   * writes. Both are bounded (READ_YOUR_WRITES_TIMEOUT_MS): past it the change is written and will be seen.
   */
  private async untilTenantsReadModelAt(position: number): Promise<void> {
    if (position <= 0) return;
    if (this.readYourWrites.waitsAfterCommands) {
      await this.readYourWrites.waitFor(position);
      return;
    }
    const deadline = Date.now() + this.readYourWrites.timeoutMs;
    while (((await this.store.getCheckpoint(tenantsProjection.name)) ?? 0) < position) {
      if (Date.now() >= deadline) return;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}
