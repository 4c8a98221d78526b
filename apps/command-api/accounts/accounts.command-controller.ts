import { Body, Controller, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../../libs/core/command-gateway';
import { Account } from '../../../libs/domain/accounts/account.decider';
import { TenantView } from '../../../libs/domain/tenants/tenant.decider';
import { CurrentTenant } from '../../../libs/http/auth';
import { commandContextFrom } from '../../../libs/http/request-context';
import { TenantDirectory } from '../../../libs/tenancy/tenant-directory';
import { ContactDto, CreateAccountDto } from './account.dto';
import { CreateAccountCommand } from './create-account';
import { UpdateAccountContactCommand } from './update-account-contact';

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Create an account (201 with the account)' })
  create(
    @CurrentTenant() tenant: TenantView,
    @Body() input: CreateAccountDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new CreateAccountCommand(input, context), reply);
  }

  @Patch(':id/contact')
  @ApiOperation({ summary: 'Change contact details: a given field replaces, null clears, an absent field stays (200 with the account)' })
  updateContact(
    @CurrentTenant() tenant: TenantView,
    @Param('id') id: string,
    @Body() changes: ContactDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute<Account>(new UpdateAccountContactCommand(id, { ...changes }, context), reply);
  }
}
