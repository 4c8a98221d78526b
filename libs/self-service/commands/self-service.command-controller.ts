import { Body, Controller, Delete, HttpCode, Param, Post, Put, Req, Res, UseInterceptors } from '@nestjs/common';
import { IdempotencyInterceptor } from '../../platform/http/idempotency.interceptor';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CommandGateway } from '../../platform/app/command-gateway';
import { ReadYourWrites } from '../../platform/app/read-your-writes';
import { CustomersOnly, Public } from '../../platform/http/access';
import { CurrentCustomer, CustomerSession } from '../../platform/http/customer-access';
import { commandContextFrom } from '../../platform/http/request-context';
import { CurrentTenant, TenantDirectory } from '../../tenancy';
import { TenantView } from '../../tenancy/domain';
import { CreateCustomerUserCommand, CreateCustomerUserDto } from './customer-users';
import { ChangePasswordCommand, ChangePasswordDto, ConfirmPasswordResetCommand, ConfirmPasswordResetDto, PasswordResetDto, RequestPasswordResetCommand } from './passwords';
import { requestMeta } from './request-meta';
import { SignInCommand, SignInDto, SignOutCommand } from './sessions';

@ApiTags('self-service')
@UseInterceptors(IdempotencyInterceptor)
@Controller('v1')
export class SelfServiceCommandController {
  constructor(
    private readonly gateway: CommandGateway,
    private readonly directory: TenantDirectory,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Post('accounts/:id/customer-users')
  @ApiOperation({
    summary:
      'Create a customer user of the account (201 { id, accountId, email, scope, status, createdAt }). With a password (10–200 characters) it is ' +
      'active; without, it is invited: a set-password link (7 days, single use) is emailed to it. 404 unknown account; 409 the email ' +
      '(trimmed, case-insensitive) already has a user in the tenant.',
  })
  createCustomerUser(
    @CurrentTenant() tenant: TenantView,
    @Param('id') accountId: string,
    @Body() input: CreateCustomerUserDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const context = commandContextFrom(request, tenant.id, this.directory.businessDate(tenant));
    return this.gateway.execute(new CreateCustomerUserCommand({ ...input, accountId }, context), reply);
  }

  @Public()
  @Post('self-service/sessions')
  @ApiOperation({
    summary:
      'Sign in (201 { token, expiresAt, idleTimeoutSeconds, userId, accountId, accountIds }): the token (cs_…) is a bearer credential for 12 hours, ' +
      'ended by 30 minutes without a request or by sign-out. Any failure is the same 401; five in a row lock the user for 15 minutes.',
  })
  signIn(@Body() input: SignInDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new SignInCommand({ ...input, meta: requestMeta(request) }, {}), reply);
  }

  @CustomersOnly()
  @Delete('self-service/sessions/current')
  @HttpCode(204)
  @ApiOperation({ summary: "Sign out (204): the session's token is refused from the answer on" })
  async signOut(@CurrentCustomer() session: CustomerSession, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.gateway.execute(new SignOutCommand({ session, meta: requestMeta(request) }, {}), reply);
    await this.readModelsReached(reply);
  }

  @CustomersOnly()
  @Put('self-service/password')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Change the signed-in customer's password (204): newPassword 10–200 characters. A wrong currentPassword is 422 (currentPassword, rule " +
      'currentPassword) and counts as a failed sign-in. The other sessions of the user end.',
  })
  async changePassword(@CurrentCustomer() session: CustomerSession, @Body() input: ChangePasswordDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.gateway.execute(new ChangePasswordCommand({ ...input, session, meta: requestMeta(request) }, {}), reply);
    await this.readModelsReached(reply);
  }

  @Public()
  @Post('self-service/password-resets')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Ask for a password reset (202, the same body whether or not the email is a user): when it is, a link to choose a new password ' +
      '(1 hour, single use) is emailed to it.',
  })
  requestPasswordReset(@Body() input: PasswordResetDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.gateway.execute(new RequestPasswordResetCommand({ ...input, meta: requestMeta(request) }, {}), reply);
  }

  @Public()
  @Post('self-service/password-resets/confirm')
  @HttpCode(204)
  @ApiOperation({
    summary:
      "Set the password with the emailed link's token (204). An unknown, used, replaced or expired token is 400 (token, rule invalidToken). " +
      'Every session of the user ends; a lock is lifted.',
  })
  async confirmPasswordReset(@Body() input: ConfirmPasswordResetDto, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.gateway.execute(new ConfirmPasswordResetCommand({ ...input, meta: requestMeta(request) }, {}), reply);
    await this.readModelsReached(reply);
  }

  /**
   * Ended sessions must be refused at once by every process, the query API included, which reads the sessions'
   * read model: so these answers wait for it (bounded) also in a split deployment, where other commands do not.
   */
  private async readModelsReached(reply: FastifyReply): Promise<void> {
    const position = Number(reply.getHeader('x-log-position') ?? 0);
    if (position > 0 && !this.readYourWrites.waitsAfterCommands) await this.readYourWrites.waitFor(position);
  }
}
