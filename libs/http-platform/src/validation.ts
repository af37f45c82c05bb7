import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldProblem, ValidationFailedError } from './domain-errors';

/** Flattens class-validator's tree into `field.path: message` problems. */
export function toFieldProblems(errors: ValidationError[], parent = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const error of errors) {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    for (const message of Object.values(error.constraints ?? {})) problems.push({ field, message });
    if (error.children?.length) problems.push(...toFieldProblems(error.children, field));
  }
  return problems;
}

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new ValidationFailedError(toFieldProblems(errors)),
  });
}

/**
 * Express error middleware for right after the JSON body parser: Nest would
 * turn its parse error into a bare 400; this names the body instead.
 */
export function invalidJsonBodyHandler(error: unknown, _request: unknown, _response: unknown, next: (error?: unknown) => void): void {
  if ((error as { type?: string } | undefined)?.type === 'entity.parse.failed') {
    next(new ValidationFailedError([{ field: 'body', message: 'is not valid JSON' }], 'Request body is not valid JSON'));
    return;
  }
  next(error);
}
