import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { TenantView } from '../../tenancy/domain';
import { CurrentTenant, TenantDirectory } from '../../tenancy';

@ApiTags('clock')
@Controller('v1/clock')
export class ClockController {
  constructor(private readonly directory: TenantDirectory) {}

  @Get()
  @ApiOperation({ summary: "The tenant's business date: a sandbox's own clock, or today in the tenant's time zone" })
  get(@CurrentTenant() tenant: TenantView) {
    return { businessDate: this.directory.businessDate(tenant), sandbox: tenant.sandbox, timeZone: tenant.timeZone };
  }
}
