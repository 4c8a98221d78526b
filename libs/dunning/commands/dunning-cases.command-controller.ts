import { Body, Controller, Param, Post, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { InvalidInputError } from '../../shared-kernel/errors';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { DunningCaseOutcome, EndDunningCommand, MigrateDunningCommand } from './dunning-cases';

export class MigrateDunningDto {
  @ApiPropertyOptional({ description: 'The process to move to; default: the one the case runs' })
  @IsOptional()
  processId?: unknown;

  @ApiPropertyOptional({ description: "The process's version; default: its latest" })
  @IsOptional()
  version?: unknown;
}

function migration(input: MigrateDunningDto): { processId?: string; version?: number } {
  const { processId, version } = input;
  if (processId !== undefined && (typeof processId !== 'string' || processId.length === 0)) throw InvalidInputError.forField('processId', 'string', 'processId must be a dunning process id');
  if (version !== undefined && (typeof version !== 'number' || !Number.isSafeInteger(version) || version < 1)) {
    throw InvalidInputError.forField('version', 'positiveInteger', 'version must be a whole number from 1');
  }
  return { ...(processId !== undefined ? { processId: processId as string } : {}), ...(version !== undefined ? { version: version as number } : {}) };
}

@ApiTags('dunning')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/accounts/:id/dunning')
export class DunningCasesCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post('migrate')
  @ApiOperation({
    summary:
      "Move the account's dunning case to another process or version (200: { accountId, events }). The case goes on at the step it was due to take, " +
      'or the last step of a shorter process. Not in dunning: 422; unknown process or version: 404.',
  })
  migrate(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Body() input: MigrateDunningDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.status(200);
    return this.gateway.execute<DunningCaseOutcome>(new MigrateDunningCommand({ accountId, ...migration(input) }, this.contextOf(request, tenant)), reply);
  }

  @Post('end')
  @ApiOperation({ summary: "End the account's dunning case now (200: { accountId, events }); the statuses dunning set are restored. Not in dunning: 422." })
  end(@CurrentTenant() tenant: TenantView, @Param('id') accountId: string, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    void reply.status(200);
    return this.gateway.execute<DunningCaseOutcome>(new EndDunningCommand({ accountId }, this.contextOf(request, tenant)), reply);
  }

  private contextOf(request: FastifyRequest, tenant: TenantView) {
    return commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
  }
}
