import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ErrorDetail, InvalidInputError } from '../../shared-kernel/errors';

/**
 * DTO validation: unknown fields are refused (not silently dropped), types are checked, and the error
 * names each field (dotted path for nested ones) and the rule it broke.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const summary = details.map((d) => d.message).join('; ');
      return new InvalidInputError(summary || 'Invalid request body', details);
    },
  });
}

function flatten(errors: ValidationError[], prefix = ''): ErrorDetail[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.entries(error.constraints ?? {}).map(([rule, message]) => ({
      field,
      rule: rule === 'whitelistValidation' ? 'unknownField' : rule,
      message: rule === 'whitelistValidation' ? `${field} is not a known field` : message.replace(error.property, field),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
