import { z } from 'zod';

/** Base class of the errors campaign-lifecycle throws on purpose; `name` is the class name. */
export class CampaignError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ValidationIssue = z.core.$ZodIssue;

/** Input did not validate; nothing was written. `issues` are zod's. */
export class ValidationError extends CampaignError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], what = 'input') {
    super(`Invalid ${what}:\n${z.prettifyError(new z.ZodError(issues))}`);
    this.issues = issues;
  }
}

/** Parses `value` with `schema` at the boundary, or throws a {@link ValidationError}. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(result.error.issues, what);
  return result.data;
}
