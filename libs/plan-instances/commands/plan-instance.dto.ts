import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';

/*
 * Values are checked by the domain (libs/domain/subscriptions), which names the field and the rule
 * (`altBillDay must be a whole number from 1 to 31`); the DTOs list the fields (unknown ones are refused)
 * and describe them for the OpenAPI document.
 */

const PRORATION = 'Overrides the tenant\'s default for this call only: "prorate" credits unused days and charges the rest; "none" credits and charges nothing until the next period';
const DO_WRITE = 'false: a preview. The answer is exactly what true would answer at this moment (status 200 instead of 201), and nothing is written';

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

export class AssignPlanDto extends BillingCommandDto {
  @ApiPropertyOptional({ description: 'Your own id for the plan instance (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  id?: unknown;

  @ApiProperty({ example: 'basic' })
  @IsOptional()
  planId: unknown;

  @ApiPropertyOptional({ example: 1, default: 1, description: 'A whole number from 1' })
  @IsOptional()
  quantity?: unknown;

  @ApiPropertyOptional({ enum: ['active'], default: 'active' })
  @IsOptional()
  status?: unknown;

  @ApiPropertyOptional({ description: 'Which payment method pays this plan instance (a reference; billing groups come with payments)' })
  @IsOptional()
  billingGroupId?: unknown;

  @ApiPropertyOptional({ description: 'Which dunning process applies (a reference; dunning groups come with dunning)' })
  @IsOptional()
  dunningGroupId?: unknown;

  @ApiPropertyOptional({ example: '2019-02-02', description: 'A start in the past (never the future); every period begun by today is invoiced at once' })
  @IsOptional()
  retroactiveStartDate?: unknown;

  @ApiPropertyOptional({ example: 22, description: 'Bill day 1–31, honoured when invoicingOption is "prorated" (a stub pays for the days up to it); ignored with a warning otherwise' })
  @IsOptional()
  altBillDay?: unknown;

  @ApiPropertyOptional({ enum: ['full', 'prorated'], default: 'full' })
  @IsOptional()
  invoicingOption?: unknown;
}

export class SwitchPlanDto extends BillingCommandDto {
  @ApiProperty({ example: 'premium' })
  @IsOptional()
  planId: unknown;

  @ApiPropertyOptional({ enum: ['now', 'nextBillDate'], default: 'now' })
  @IsOptional()
  effective?: unknown;
}

export class ChangeQuantityDto extends BillingCommandDto {
  @ApiProperty({ example: 3, description: 'A whole number from 1' })
  @IsOptional()
  quantity: unknown;
}

export class CancelPlanDto extends BillingCommandDto {
  @ApiPropertyOptional({
    example: 'now',
    default: 'now',
    description: '"now", "nextBillDate" or a date YYYY-MM-DD: the first day without the service (in the past: not before the period in force)',
  })
  @IsOptional()
  effective?: unknown;
}
