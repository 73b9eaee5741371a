import { errorCatalogue, type ErrorCode } from './errorCatalogue.ts';

export type Language = 'zh' | 'en';

/** A message parameter that reads differently per language (e.g. a type name). */
export type LocalizedText = Record<Language, string>;
export type MessageParams = Record<string, string | number | LocalizedText>;

/** One problem with one field of the input, addressed by its path (e.g. `body.members[2].idNumber`). */
export interface FieldProblem {
  path: string;
  code: ErrorCode;
  params?: MessageParams;
}

/** Fills a catalogue message template for a language. */
export function formatMessage(code: ErrorCode, lang: Language, params: MessageParams = {}): string {
  const template = errorCatalogue[code][lang];
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const value = params[key];
    if (value === undefined) return whole;
    return typeof value === 'object' ? value[lang] : String(value);
  });
}

/**
 * The only error type domain code throws on purpose. The HTTP layer turns it into
 * `{ error: { code, message, details } }` with the status from the catalogue.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly params: MessageParams;
  readonly problems: FieldProblem[];

  constructor(code: ErrorCode, params: MessageParams = {}, problems: FieldProblem[] = []) {
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
  static field(path: string, code: ErrorCode, params: MessageParams = {}): AppError {
    return new AppError('VALIDATION_FAILED', {}, [{ path, code, params }]);
  }
}
