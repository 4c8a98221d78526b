import { Type } from 'class-transformer';
import { IS_EMAIL, isEmail, IsOptional, IsString, MaxLength, ValidateBy, ValidateNested, ValidationOptions } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { isPaymentTermsDays, PAYMENT_TERMS_RULE, paymentTermsMessage } from '../domain/payment-terms';
import { COUNTRY_RULE, countryMessage, isKnownCountry } from '../../shared-kernel/country';

// What more than one command's input shares: the contact (created with the account, patched on its own) and the
// payment-terms rule. A DTO of one command only lives beside that command.

/**
 * A whole number of days from 0 to 365, refused under the same rule name as the decider's. Passes a
 * missing value: pair it with @IsOptional() or @IsDefined(). Shared by CreateAccountDto and PaymentTermsDto.
 */
export function IsPaymentTermsDays(options?: ValidationOptions): PropertyDecorator {
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

/**
 * An assigned ISO 3166-1 alpha-2 code (see shared-kernel/country), refused under the rule `iso3166Alpha2`. Passes a
 * missing value: pair it with @IsOptional(). Shared by CreateAccountDto.country and AddressDto.country.
 */
export function IsIsoCountry(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: COUNTRY_RULE,
      validator: {
        validate: (value: unknown) => value === undefined || value === null || isKnownCountry(value),
        defaultMessage: (args) => countryMessage(args?.property ?? 'country', args?.value),
      },
    },
    options,
  );
}

export const PAYMENT_TERMS_DESCRIPTION = 'Days after the invoice date an invoice is due (0: on the invoice date)';

/** Fields set to null are cleared by PATCH /contact; absent fields are left as they are. */
export class AddressDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line1?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) line2?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) city?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) region?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) postalCode?: string | null;
  @ApiPropertyOptional({ example: 'US' })
  @IsOptional()
  @IsIsoCountry()
  country?: string | null;
}

/**
 * class-validator's @IsEmail (same rule name and message), except that a value validator.js cannot even read (a
 * lone UTF-16 surrogate makes it throw "URI malformed") is refused as not an email instead of answering 500.
 */
export function IsEmailAddress(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_EMAIL,
      validator: {
        validate: (value: unknown) => {
          try {
            return typeof value === 'string' && isEmail(value);
          } catch {
            return false;
          }
        },
        defaultMessage: (args) => `${args?.property ?? 'email'} must be an email`,
      },
    },
    options,
  );
}

export class ContactDto {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) firstName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) lastName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(200) companyName?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsEmailAddress() email?: string | null;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(50) phone?: string | null;
  @ApiPropertyOptional({ type: AddressDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto | null;
}
