import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/*
 * Values are checked by the domain (libs/plan-instances/domain), which names the field and the rule
 * (`altBillDay must be a whole number from 1 to 31`); the DTOs list the fields (unknown ones are refused)
 * and describe them for the OpenAPI document. Each command's own DTO sits in its slice (assign-plan.ts,
 * change-plan-instance.ts); this base is the part they share.
 */

const PRORATION = 'Overrides the tenant\'s default for this call only: "prorate" credits unused days and charges the rest; "none" credits and charges nothing until the next period';
const DO_WRITE = 'false: a preview. The answer is exactly what true would answer at this moment (status 200 instead of 201), and nothing is written';

/** Seed 003's bill-date reset rule for one call (decision 0022). */
export const BILL_DATE_RESET =
  "Overrides the tenant's settings.billDateReset (default keep) for this call only: \"reset\" starts a whole period today (today's day becomes the bill day), crediting what was charged from today by the proration rule; \"keep\" keeps the bill day";

/** What every billing command takes: the proration rule for this call, and whether to write or only preview. */
export class BillingCommandDto {
  @ApiPropertyOptional({ enum: ['prorate', 'none'], description: PRORATION })
  @IsOptional()
  prorationRule?: unknown;

  @ApiPropertyOptional({ default: true, description: DO_WRITE })
  @IsOptional()
  @IsBoolean()
  doWrite?: boolean;
}
