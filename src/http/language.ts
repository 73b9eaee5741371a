import type { FastifyRequest } from 'fastify';
import type { Language } from '../core/appError.ts';

/** Chinese unless the client's Accept-Language puts English first. */
export function requestLanguage(request: FastifyRequest): Language {
  const header = request.headers['accept-language'];
  if (typeof header !== 'string') return 'zh';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh';
}
