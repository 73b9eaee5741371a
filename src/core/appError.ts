import { errorCatalogue, type ErrorCode } from './errorCatalogue.ts';

/** One problem with one field of the input, addressed by its path (e.g. `body.members[2].idNumber`). */
export interface FieldProblem {
  path: string;
  code: ErrorCode;
  params?: Record<string, string | number>;
}

export type Language = 'zh' | 'en';

/** Fills a catalogue message template for a language. */
export function formatMessage(
  code: ErrorCode,
  lang: Language,
  params: Record<string, string | number> = {},
): string {
  const template = errorCatalogue[code][lang];
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    return value === undefined ? whole : String(value);
  });
}

/**
 * The only error type domain code throws on purpose. The HTTP layer turns it into
 * `{ error: { code, message, details } }` with the status from the catalogue.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: Record<string, string | number>;
  readonly problems: FieldProblem[];

  constructor(code: ErrorCode, params: Record<string, string | number> = {}, problems: FieldProblem[] = []) {
    super(formatMessage(code, 'en', params));
    this.name = 'AppError';
    this.code = code;
    this.params = params;
    this.problems = problems;
  }

  get status(): number {
    return errorCatalogue[this.code].status;
  }

  /** A 400 about one field, the common case for input checks done in domain code. */
  static field(path: string, code: ErrorCode, params: Record<string, string | number> = {}): AppError {
    return new AppError('VALIDATION_FAILED', {}, [{ path, code, params }]);
  }
}
