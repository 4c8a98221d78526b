/**
 * Named domain errors. The HTTP layer maps them to status codes; their messages are shown to users,
 * so they say what was wrong and what is allowed.
 */
export interface ErrorDetail {
  field: string;
  rule: string;
  message: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: 400 | 403 | 404 | 409 | 422;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input itself is malformed (400). */
export class InvalidInputError extends DomainError {
  readonly status = 400 as const;
  static forField(field: string, rule: string, message: string): InvalidInputError {
    return new InvalidInputError(message, [{ field, rule, message }]);
  }
}

/** The entity does not exist (or belongs to another tenant) (404). */
export class NotFoundError extends DomainError {
  readonly status = 404 as const;
  constructor(
    readonly entity: string,
    readonly id: string,
  ) {
    super(`${entity} ${id} was not found`);
  }
}

/** The command conflicts with the current state, e.g. the entity already exists or a cycle (409). */
export class ConflictError extends DomainError {
  readonly status = 409 as const;
}

/** A rule of the domain refuses the command (422). */
export class RuleViolationError extends DomainError {
  readonly status = 422 as const;
}

/** The caller may not do this, though the input is well formed: e.g. a customer sets what only an operator may (403). */
export class ForbiddenError extends DomainError {
  readonly status = 403 as const;
  static forField(field: string, rule: string, message: string): ForbiddenError {
    return new ForbiddenError(message, [{ field, rule, message }]);
  }
}
