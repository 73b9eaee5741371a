import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** Where `vite build` puts the console (see web/vite.config.ts). */
export const consoleDistDir = path.resolve(import.meta.dirname, '../../web/dist');

const contentTypes: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
};

/**
 * The policy for the console page. Styles need a nonce because antd writes its CSS at run
 * time; the nonce is fresh for every response, so no 'unsafe-inline' is needed anywhere.
 */
function consolePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'self'",
  ].join('; ');
}

const notBuilt = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>助联</title>
<p>控制台尚未构建：请运行 <code>npm run build:web</code>（<code>npm start</code> 会自动构建）。</p>
<p>The console has not been built: run <code>npm run build:web</code>.</p></html>`;

/**
 * Serves the console: `/` is its one page (routes live in the URL's hash) and `/assets/*`
 * its hashed, immutable files. Read from disk once; a rebuild needs a restart.
 */
export function registerConsoleRoutes(app: FastifyInstance, distDir = consoleDistDir): void {
  const indexPath = path.join(distDir, 'index.html');
  const template = fs.existsSync(indexPath) ? fs.readFileSync(indexPath, 'utf8') : null;
  const assets = new Map<string, Buffer>();

  app.get('/', { config: { access: 'public' }, schema: { hide: true } }, async (_request, reply) => {
    if (template === null) return reply.status(503).type('text/html; charset=utf-8').send(notBuilt);
    const nonce = randomBytes(16).toString('base64');
    return reply
      .header('content-security-policy', consolePolicy(nonce))
      .header('cache-control', 'no-store')
      .type('text/html; charset=utf-8')
      .send(template.replace('__CSP_NONCE__', nonce));
  });

  app.get<{ Params: { file: string } }>(
    '/assets/:file',
    {
      config: { access: 'public' },
      schema: {
        hide: true,
        params: {
          type: 'object',
          required: ['file'],
          // Only plain file names: no path can leave the assets folder.
          properties: {
            file: { type: 'string', pattern: '^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*\\.[a-z0-9]+$' },
          },
        },
      },
    },
    async (request, reply) => {
      const { file } = request.params;
      const type = contentTypes[path.extname(file)];
      let body = assets.get(file);
      if (body === undefined) {
        const full = path.join(distDir, 'assets', file);
        if (type === undefined || !fs.existsSync(full)) {
          reply.callNotFound();
          return reply;
        }
        body = fs.readFileSync(full);
        assets.set(file, body);
      }
      return reply
        .header('cache-control', 'public, max-age=31536000, immutable')
        .type(type ?? 'application/octet-stream')
        .send(body);
    },
  );
}
