import { Controller, Get, Inject, Param, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ACCOUNTS } from '../../accounts/read-model';
import { MinPositionGuard } from '../../platform/http/min-position.guard';
import { READ_STORE, ReadStore } from '../../platform/read-store/read-store.port';
import { NotFoundError } from '../../shared-kernel/errors';
import { CurrentTenant } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { DUNNING_CASES, DunningCaseDoc } from '../read-model/dunning-cases.projection';

@ApiTags('dunning')
@UseGuards(MinPositionGuard)
@Controller('v1')
export class DunningCasesQueryController {
  constructor(@Inject(READ_STORE) private readonly store: ReadStore) {}

  @Get('accounts/:id/dunning')
  @ApiOperation({
    summary:
      'Where the account stands in dunning: { status: none|inDunning, caseId, processId, processVersion, step, nextStep, nextStepDate, currency, pastDue, ' +
      'startedOn, resolvedOn, resolution, history: [{ caseId, step, date, actions } | { caseId, event: started|migrated|resolved, date }] } (history: every case, oldest first)',
  })
  async get(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string) {
    if (!(await this.store.get(ACCOUNTS, tenant.id, accountId))) throw new NotFoundError('Account', accountId);
    const doc = await this.store.get<DunningCaseDoc>(DUNNING_CASES, tenant.id, accountId);
    if (!doc) return { accountId, status: 'none', caseId: null, processId: null, processVersion: null, step: 0, nextStep: null, nextStepDate: null, pastDue: 0, history: [] };
    const { id: _id, _position, ...view } = doc;
    return view;
  }
}
