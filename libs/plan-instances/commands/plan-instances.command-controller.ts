import { Body, Controller, Param, Post, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ICommand } from '@nestjs/cqrs';
import { CommandGateway } from '../../platform/app/command-gateway';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { StatusChangeDto } from '../../accounts';
import { ChangePlanInstanceStatusCommand } from './change-plan-instance-status';
import { commandContextFrom } from '../../platform/http/request-context';
import { AssignPlanCommand, AssignPlanDto } from './assign-plan';
import { CancelPlanDto, ChangePlanInstanceCommand, ChangeQuantityDto, PlanInstanceChange, SwitchPlanDto } from './change-plan-instance';
import { PlanInstanceResponse } from './plan-instance-response';
import { CustomerMay } from '../../platform/http/customer-access';
import { offeredPlan, operatorOnly } from '../../tenancy';

const SAME_SHAPE =
  'Answers { planInstanceId, billDay, nextBillDate, status, warnings, invoice, scheduledInvoice } with credit lines (negative) for refunded days; 201, or 200 for a preview (doWrite: false), which writes nothing. ' +
  'scheduledInvoice: what will post on the date of a dated change this call made (a future startDate, a scheduled switch or cancellation), dated that day; null otherwise.';

@ApiTags('plan instances')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class PlanInstancesCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @CustomerMay({ param: 'id' }, offeredPlan('planId'), operatorOnly('prorationRule', 'retroactiveStartDate', 'startDate', 'altBillDay', 'invoicingOption', 'billingGroupId', 'dunningGroupId', 'status', 'metadata'))
  @Post('accounts/:id/plan-instances')
  @ApiOperation({
    summary:
      'Assign a plan to the account (DOMAIN.md §4): bill day, stub, catch-up of every period begun by today on one invoice. ' +
      'Unknown plan or another currency 422; altBillDay outside 1–31, quantity below 1: 400; a retroactive date in the future 422. ' +
      SAME_SHAPE,
  })
  assign(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Body() input: AssignPlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.send(new AssignPlanCommand({ tenant, accountId, input: { ...input }, withScheduledInvoice: true }, this.contextOf(request, tenant)), input.doWrite, reply);
  }

  @CustomerMay({ param: 'id', collection: 'planInstances' }, offeredPlan('planId'), operatorOnly('prorationRule', 'billDateReset'))
  @Post('plan-instances/:id/switch')
  @ApiOperation({ summary: 'Switch to another plan now (unused days credited, the rest charged at the new price) or at the next bill date. ' + SAME_SHAPE })
  switchPlan(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: SwitchPlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, { type: 'SwitchPlan', input: { ...input } }, request, reply);
  }

  @CustomerMay({ param: 'id', collection: 'planInstances' }, operatorOnly('prorationRule', 'billDateReset'))
  @Post('plan-instances/:id/quantity')
  @ApiOperation({ summary: 'Change the quantity from today: unused days of the old quantity credited, the rest charged at the new one. ' + SAME_SHAPE })
  changeQuantity(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: ChangeQuantityDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, { type: 'ChangePlanQuantity', input: { ...input } }, request, reply);
  }

  @CustomerMay({ param: 'id', collection: 'planInstances' }, operatorOnly('prorationRule'))
  @Post('plan-instances/:id/cancel')
  @ApiOperation({ summary: 'Cancel now, at the next bill date or on a date (the first day without the service); unused days credited. A cancelled instance cannot be changed (422). ' + SAME_SHAPE })
  cancel(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: CancelPlanDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.change(tenant, id, { type: 'CancelPlan', input: { ...input } }, request, reply);
  }

  @Put('plan-instances/:id/status')
  @ApiOperation({
    summary:
      "Change the plan instance's status (active, suspended, terminated or one of the tenant's settings.customStatuses) with a reason. " +
      "It is billed only while its status and its account's are billable; a period due meanwhile is skipped (no invoice, never billed later). " +
      'Unknown status or missing reason 400; a cancelled instance 422; the same status again writes nothing. 200 with the plan instance. ' +
      'From a non-billable to a billable status under the bill-date reset rule "reset" (billDateReset, else settings.billDateReset): a whole period starts today, on the answer\'s invoice.',
  })
  setStatus(@CurrentTenant() tenant: TenantView, @Param('id') id: string, @Body() input: StatusChangeDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const reset = input.billDateReset !== undefined ? { billDateReset: input.billDateReset } : {};
    const command = new ChangePlanInstanceStatusCommand({ planInstanceId: id, status: input.status, reason: input.reason, ...reset }, this.contextOf(request, tenant));
    return this.gateway.execute<PlanInstanceResponse>(command, reply);
  }

  private change(tenant: TenantView, id: string, change: PlanInstanceChange, request: FastifyRequest, reply: FastifyReply) {
    return this.send(new ChangePlanInstanceCommand({ tenant, planInstanceId: id, change, withScheduledInvoice: true }, this.contextOf(request, tenant)), change.input.doWrite, reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }

  /** A preview answers 200: nothing was created. */
  private send(command: ICommand, doWrite: boolean | undefined, reply: FastifyReply): Promise<PlanInstanceResponse> {
    if (doWrite === false) void reply.status(200);
    return this.gateway.execute<PlanInstanceResponse>(command, reply);
  }
}
