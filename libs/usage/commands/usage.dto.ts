import { ApiProperty } from '@nestjs/swagger';
import { Allow } from 'class-validator';

/*
 * `@Allow()` only lists the fields, so the global ValidationPipe refuses unknown ones on a single record (400
 * unknownField); the values, and every record of a batch, are checked by the domain (libs/domain/usage), which
 * names each field with its index (`records[3].quantity`).
 */
export class UsageRecordDto {
  @ApiProperty({ example: 'acme', description: 'An account of the tenant' })
  @Allow()
  accountId: string;

  @ApiProperty({ example: 'data', description: 'A usage service of a plan held by an active plan instance of the account' })
  @Allow()
  serviceId: string;

  @ApiProperty({ example: '12.5', description: 'A decimal string more than 0, at most 10 decimals; no exponent, not a JSON number' })
  @Allow()
  quantity: string;

  @ApiProperty({
    example: '2026-11-03T14:05:00Z',
    description:
      "YYYY-MM-DD (a business date), or an ISO 8601 instant with an offset, taken as the date it was in the tenant's time zone. " +
      'Not after today; not in a closed billing period unless the tenant allows late usage.',
  })
  @Allow()
  occurredAt: string;

  @ApiProperty({
    example: 'cdr-2026-11-03-000123',
    description: '1–255 characters, unique per account and month of occurrence: a repeated key is a duplicate, counted and not recorded again',
  })
  @Allow()
  idempotencyKey: string;
}

export class UsageBatchDto {
  @ApiProperty({ type: [UsageRecordDto], description: '1 to 10,000 usage records, of any accounts of the tenant' })
  @Allow()
  records: unknown;
}
