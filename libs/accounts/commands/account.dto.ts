import { Type } from 'class-transformer';
import { IsDefined, IsEmail, IsOptional, IsString, Length, Matches, MaxLength, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { isPaymentTermsDays, MAX_PAYMENT_TERMS_DAYS, PAYMENT_TERMS_RULE, paymentTermsMessage } from '../domain/payment-terms';
import { ID_PATTERN } from '../../shared-kernel/ids';

/**
 * A whole number of days from 0 to 365, refused under the same rule name as the decider's. Passes a
 * missing value: pair it with @IsOptional() or @IsDefined().
 */
function IsPaymentTermsDays(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: PAYMENT_TERMS_RULE,
      validator: {
        validate: (value: unknown) => value === undefined || value === null || isPaymentTermsDays(value),
        defaultMessage: (args) => paymentTermsMessage(args?.property ?? 'paymentTermsDays', args?.value),
      },
    },
    options,
  );
}

const PAYMENT_TERMS_DESCRIPTION = 'Days after the invoice date an invoice is due (0: on the invoice date)';

/** Fields set to null are cleared by PATCH /contact; absent fields are left as they are. */
export class AddressDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line1?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) city?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) region?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) postalCode?: string | null;
  @ApiPropertyOptional({ example: 'US' })
  @IsOptional()
  @Matches(/^[A-Z]{2}$/, { message: 'address.country must be an ISO 3166-1 alpha-2 code such as "US"' })
  country?: string | null;
}

export class ContactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) firstName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) lastName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) companyName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsEmail() email?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;
}

export class CreateAccountDto {
  @ApiPropertyOptional({ description: 'Your own id (1-64 of A-Z a-z 0-9 _ . : -); generated when absent' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'id must be 1 to 64 characters of letters, digits, "_", ".", ":" or "-", starting with a letter or digit' })
  id?: string;

  @ApiProperty({ example: 'Acme Corp' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: 'USD', description: 'ISO 4217 code; the account is billed in it' })
  @IsString()
  @Matches(/^[A-Z]{3}$/, { message: 'currency must be an ISO 4217 code such as "USD"' })
  currency: string;

  @ApiPropertyOptional({ description: 'Shorthand for contact.email' })
  @IsOptional()
  @IsEmail()
  email?: string;

  @ApiPropertyOptional({ type: ContactDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ example: 'US', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsString()
  country?: string;

  @ApiPropertyOptional({ example: 'en', description: 'BCP 47 language tag such as "en" or "pt-BR"' })
  @IsOptional()
  @IsString()
  language?: string;

  @ApiPropertyOptional({ example: 'acme-hq', description: 'Link the new account under this parent (it must exist)' })
  @IsOptional()
  @Matches(ID_PATTERN, { message: 'parentAccountId must be an account id' })
  parentAccountId?: string;

  @ApiPropertyOptional({ example: 'web', description: 'Sales channel, free text' })
  @IsOptional()
  @IsString()
  channel?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: MAX_PAYMENT_TERMS_DAYS, default: 0, example: 30, description: PAYMENT_TERMS_DESCRIPTION })
  @IsOptional()
  @IsPaymentTermsDays()
  paymentTermsDays?: number;
}

export class PaymentTermsDto {
  @ApiProperty({ type: 'integer', minimum: 0, maximum: MAX_PAYMENT_TERMS_DAYS, example: 30, description: PAYMENT_TERMS_DESCRIPTION })
  @IsDefined({ message: `paymentTermsDays is required: a whole number of days from 0 to ${MAX_PAYMENT_TERMS_DAYS}` })
  @IsPaymentTermsDays()
  paymentTermsDays: number;
}
