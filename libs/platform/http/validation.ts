import { ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { ErrorDetail, InvalidInputError } from '../../shared-kernel/errors';

/**
 * DTO validation: unknown fields are refused (not silently dropped), types are checked, and the error
 * names each field (dotted path for nested ones) and the rule it broke.
 */
export function createValidationPipe(): ValidationPipe {
  rememberValidationMetadata();
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

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
const remembering = new WeakSet<MetadataStorage>();

/**
 * class-validator looks up a DTO's rules again on every validation, and the lookup walks the rules of every DTO class
 * of the app (an `instanceof` per class, for inherited rules): about a third of validating a small body. The
 * answer only changes when a rule is added (a class is decorated), so it is kept per DTO class and options, and
 * forgotten whenever a rule is added. The rules applied, and so every 400 answer, are the same (decision 0019).
 */
export function rememberValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  if (remembering.has(storage)) return;
  remembering.add(storage);
  const lookUp = storage.getTargetValidationMetadatas.bind(storage);
  let remembered = new Map<unknown, Map<string, ReturnType<MetadataStorage['getTargetValidationMetadatas']>>>();
  const forget = () => (remembered = new Map());
  for (const method of ['addValidationMetadata', 'addConstraintMetadata', 'addValidationSchema'] as const) {
    const add = storage[method].bind(storage) as (...args: unknown[]) => void;
    (storage as unknown as Record<string, (...args: unknown[]) => void>)[method] = (...args: unknown[]) => {
      forget();
      add(...args);
    };
  }
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0001') ?? ''}`;
    let byOptions = remembered.get(target);
    if (!byOptions) remembered.set(target, (byOptions = new Map()));
    let metadatas = byOptions.get(key);
    if (!metadatas) byOptions.set(key, (metadatas = lookUp(target, schema, always, strictGroups, groups)));
    return metadatas;
  };
}
