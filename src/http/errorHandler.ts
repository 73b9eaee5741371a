import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorObject } from 'ajv';
import { AppError, formatMessage, type FieldProblem, type Language } from '../core/appError.ts';
import type { ErrorCode } from '../core/errorCatalogue.ts';
import { requestLanguage } from './language.ts';
import { problemFromAjv } from './validation.ts';

/** The body of every error response. */
export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    details: { path: string; code: ErrorCode; message: string }[];
  };
}

const partNames: Record<string, string> = {
  querystring: 'query',
  params: 'params',
  body: 'body',
  headers: 'headers',
};

export function renderError(error: AppError, lang: Language): ErrorBody {
  const details = error.problems.map((p) => ({
    path: p.path,
    code: p.code,
    message: formatMessage(p.code, lang, p.params),
  }));
  let message = formatMessage(error.code, lang, error.params);
  if (details.length > 0) {
    const sep = lang === 'zh' ? '：' : ': ';
    message += sep + details.map((d) => `${d.path} ${d.message}`).join(lang === 'zh' ? '；' : '; ');
  }
  return { error: { code: error.code, message, details } };
}

/** Translates the framework's own errors into catalogue errors; anything unknown is INTERNAL. */
function toAppError(
  error: FastifyError & { validation?: ErrorObject[]; validationContext?: string },
  bodyLimit: number,
): AppError {
  if (error instanceof AppError) return error;
  if (Array.isArray(error.validation)) {
    const part = partNames[error.validationContext ?? 'body'] ?? 'body';
    const problems: FieldProblem[] = error.validation.map((e) => problemFromAjv(part, e));
    return new AppError('VALIDATION_FAILED', {}, problems);
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('VALIDATION_FAILED', {}, [
        { path: 'body', code: 'BODY_TOO_LARGE', params: { limit: bodyLimit } },
      ]);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON');
    case 'FST_ERR_RATE_LIMIT_EXCEEDED':
      return new AppError('RATE_LIMITED', { seconds: 60 });
    default:
      if (error.statusCode === 429) return new AppError('RATE_LIMITED', { seconds: 60 });
      if (error instanceof SyntaxError && error.statusCode === 400) return new AppError('MALFORMED_JSON');
      return new AppError('INTERNAL');
  }
}

export function registerErrorHandling(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const appError = toAppError(error, bodyLimit);
    if (appError.code === 'INTERNAL') request.log.error({ err: error }, 'unhandled error');
    else request.log.info({ code: appError.code, problems: appError.problems }, 'request refused');
    return reply.status(appError.status).send(renderError(appError, requestLanguage(request)));
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const appError = new AppError('ROUTE_NOT_FOUND', {
      method: request.method,
      url: request.url.split('?')[0] ?? '',
    });
    return reply.status(404).send(renderError(appError, requestLanguage(request)));
  });
}
