import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsObject } from 'class-validator';
import { METADATA_DESCRIPTION } from '../../shared-kernel/metadata';

/** Body of PATCH /v1/{accounts|plans|plan-instances}/{id}/metadata; the domain checks the entries. */
export class MetadataChangeDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'string', nullable: true },
    example: { crmId: 'C-1042', region: null },
    description: `A string sets the key, null removes it, a key not named stays. ${METADATA_DESCRIPTION}`,
  })
  @IsDefined({ message: 'metadata is required: an object of string values (or null to remove a key)' })
  @IsObject({ message: 'metadata must be an object of string values (or null to remove a key)' })
  metadata: Record<string, string | null>;
}
