import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsArray, IsObject, IsString, Length } from 'class-validator';

/*
 * The nested levels (interval, services, pricing, tiers) are described here for the OpenAPI document but
 * checked by the domain (libs/catalog/domain): tier rules span several items, which class-validator cannot
 * express, and one checker keeps one path format in errors (`services[1].pricing.tiers[2].upTo`).
 * Unknown nested fields are refused there too.
 */

export class BillingIntervalDto {
  @ApiProperty({ enum: ['month', 'week'] })
  unit: 'month' | 'week';

  @ApiProperty({ minimum: 1, maximum: 52, example: 1, description: 'Whole months (1–36) or weeks (1–52) per billing period' })
  count: number;
}

export class TierDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '10',
    description: 'Upper bound of the tier, inclusive, as a decimal string; strictly ascending; null on the last tier only (open)',
  })
  upTo: string | null;

  @ApiProperty({ example: '5.00', description: 'Price per unit in major units, a non-negative decimal string (up to 10 places)' })
  unitPrice: string;

  @ApiPropertyOptional({ example: '0.00', description: 'Charged once when the tier is reached; a non-negative decimal string' })
  flatPrice?: string;
}

export class PricingDto {
  @ApiProperty({
    enum: ['perUnit', 'tiered', 'volume'],
    description: 'perUnit: quantity × unitPrice; tiered (graduated): each unit at its tier\'s price; volume: every unit at the price of the tier the total reaches',
  })
  model: 'perUnit' | 'tiered' | 'volume';

  @ApiPropertyOptional({ example: '100.00', description: 'perUnit only: price per unit in major units, e.g. "100.00" or "0.0035"' })
  unitPrice?: string;

  @ApiPropertyOptional({ type: [TierDto], description: 'tiered and volume only: at least one tier, the last open (upTo: null)' })
  tiers?: TierDto[];
}

export class PlanServiceDto {
  @ApiProperty({ example: 'data', description: 'Unique within the plan (1-64 of A-Z a-z 0-9 _ . : -)' })
  id: string;

  @ApiProperty({ example: 'Data (GB)' })
  name: string;

  @ApiProperty({ enum: ['recurring', 'usage'], description: 'recurring: billed in advance on the quantity; usage: billed on recorded usage' })
  type: 'recurring' | 'usage';

  @ApiProperty({ type: PricingDto })
  pricing: PricingDto;

  @ApiPropertyOptional({ example: 'standard', description: 'Which tax rates apply to its lines (POST /v1/tax-rates taxCategory); absent: the rates that name no category' })
  taxCategory?: string;
}

/** The body of PUT /v1/plans/{id}: the full new definition. */
export class PlanDefinitionDto {
  @ApiProperty({ example: 'Gold' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code; every price of the plan is in it; fixed once the plan exists' })
  @IsString()
  currency: string;

  @ApiProperty({ type: BillingIntervalDto })
  @IsObject()
  billingInterval: BillingIntervalDto;

  @ApiProperty({ type: [PlanServiceDto], description: 'At least one service; ids unique within the plan' })
  @IsArray()
  services: PlanServiceDto[];
}
