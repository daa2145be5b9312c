import { z } from 'zod';

/** Base class of the errors campaign-lifecycle throws on purpose; `name` is the class name. */
export class CampaignError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export type ValidationIssue = z.core.$ZodIssue;

const MAX_ISSUES = 20;
const MAX_KEYS = 20;
const MAX_MESSAGE = 2_000;

/** At most 20 issues, each listing at most 20 keys: an error never grows with the input it refuses. */
function bounded(issues: readonly ValidationIssue[]): ValidationIssue[] {
  return issues.slice(0, MAX_ISSUES).map((issue) => {
    if (issue.code === 'unrecognized_keys' && issue.keys.length > MAX_KEYS) {
      const keys = [...issue.keys.slice(0, MAX_KEYS), `… ${issue.keys.length - MAX_KEYS} more`];
      return { ...issue, keys, message: `Unrecognized keys: ${keys.map((k) => `"${k}"`).join(', ')}` };
    }
    // a pattern is ours to know: the message says what is expected in words
    const shown = 'pattern' in issue ? (({ pattern: _pattern, ...rest }) => rest as ValidationIssue)(issue) : issue;
    return shown.message.length > 500 ? { ...shown, message: `${shown.message.slice(0, 500)}…` } : shown;
  });
}

/** Input did not validate; nothing was written. `issues` are zod's (the first 20; lists of keys cut at 20). */
export class ValidationError extends CampaignError {
  readonly issues: ValidationIssue[];
  constructor(issues: ValidationIssue[], what = 'input') {
    const kept = bounded(issues);
    const text = `Invalid ${what}:\n${z.prettifyError(new z.ZodError(kept))}${issues.length > kept.length ? `\n(${issues.length - kept.length} more issues)` : ''}`;
    super(text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE)}…` : text);
    this.issues = kept;
  }
}

/** Parses `value` with `schema` at the boundary, or throws a {@link ValidationError}. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what?: string): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new ValidationError(result.error.issues, what);
  return result.data;
}
