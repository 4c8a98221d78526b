import { Body, Controller, Param, Patch, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { commandContextFrom } from '../../platform/http/request-context';
import { MetadataChangeDto } from '../../platform/http/metadata.dto';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { Account } from '../domain/account.decider';
import { ChangeAccountMetadataCommand } from './change-account-metadata';

/** The account's metadata (issue 22): operators only (no @CustomerMay). */
@ApiTags('accounts')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1/accounts')
export class AccountMetadataCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Patch(':id/metadata')
  @ApiOperation({ summary: "Change the account's metadata: a string sets a key, null removes it, a key not named stays (200 with the account)" })
  change(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() input: MetadataChangeDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new ChangeAccountMetadataCommand({ accountId: id, metadata: input.metadata }, context), reply);
  }
}
