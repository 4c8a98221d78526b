import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Allow } from 'class-validator';
import { PricingDto } from './plan.dto';

/*
 * The body of PUT /v1/accounts/{id}/price-overrides. `@Allow()` only lists the fields, so the global
 * ValidationPipe refuses unknown ones (400 unknownField); the values are checked by the domain
 * (libs/domain/pricing), which reuses the catalog's pricing rules and their error paths (`pricing.tiers[1].upTo`).
 */
export class PriceOverrideDto {
  @ApiProperty({ example: 'gold', description: 'A plan of the tenant, billed in the account currency' })
  @Allow()
  planId: string;

  @ApiProperty({ example: 'data', description: 'A service of the plan (its current version)' })
  @Allow()
  serviceId: string;

  @ApiPropertyOptional({ type: PricingDto, nullable: true, description: "Replaces the plan's pricing for this service; null: keep the plan's" })
  @Allow()
  pricing?: PricingDto | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    example: '10',
    description: 'Percent off the pricing in force, a decimal string more than 0 and at most 100 (up to 4 decimals); null: none',
  })
  @Allow()
  discountPercent?: string | null;
}
