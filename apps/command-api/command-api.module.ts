import { Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import { CommandGateway } from '../../libs/core/command-gateway';
import { TenantsController } from './tenants/tenants.controller';
import { CreateTenantHandler } from './tenants/create-tenant';
import { RotateTenantApiKeyHandler } from './tenants/rotate-api-key';
import { AccountsCommandController } from './accounts/accounts.command-controller';
import { CreateAccountHandler } from './accounts/create-account';
import { UpdateAccountContactHandler } from './accounts/update-account-contact';
import { SetPaymentResponsibilityHandler } from './accounts/set-payment-responsibility';
import { SetParentHandler } from './accounts/set-parent';
import { ChangeAccountPaymentTermsHandler } from './accounts/change-payment-terms';
import { ClockCommandController } from './clock/clock.command-controller';
import { AdvanceClockHandler } from './clock/advance-clock';
import { CATALOG_COMMAND_CONTROLLERS, CATALOG_COMMAND_HANDLERS } from './catalog';
import { PRICING_COMMAND_CONTROLLERS, PRICING_COMMAND_HANDLERS } from './pricing';
import { BILLING_COMMAND_CONTROLLERS, BILLING_COMMAND_HANDLERS } from './billing';
import { USAGE_COMMAND_CONTROLLERS, USAGE_COMMAND_HANDLERS } from './usage';
import { POOL_COMMAND_CONTROLLERS, POOL_COMMAND_HANDLERS } from './pools';

/** Writes: controllers validate DTOs and send commands through the CommandBus to their handlers. */
@Module({
  imports: [CqrsModule.forRoot()],
  controllers: [TenantsController, AccountsCommandController, ClockCommandController, ...CATALOG_COMMAND_CONTROLLERS, ...PRICING_COMMAND_CONTROLLERS, ...BILLING_COMMAND_CONTROLLERS, ...USAGE_COMMAND_CONTROLLERS, ...POOL_COMMAND_CONTROLLERS],
  providers: [CommandGateway, CreateTenantHandler, RotateTenantApiKeyHandler, CreateAccountHandler, UpdateAccountContactHandler, SetPaymentResponsibilityHandler, SetParentHandler, ChangeAccountPaymentTermsHandler, AdvanceClockHandler, ...CATALOG_COMMAND_HANDLERS, ...PRICING_COMMAND_HANDLERS, ...BILLING_COMMAND_HANDLERS, ...USAGE_COMMAND_HANDLERS, ...POOL_COMMAND_HANDLERS],
})
export class CommandApiModule {}
