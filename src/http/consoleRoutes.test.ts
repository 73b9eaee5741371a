import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { registerConsoleRoutes } from './consoleRoutes.ts';

/** A console bundle on disk, as `vite build` would leave it. */
function fakeBundle(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-console-'));
  fs.mkdirSync(path.join(dir, 'assets'));
  fs.writeFileSync(
    path.join(dir, 'index.html'),
    '<html><meta name="csp-nonce" content="__CSP_NONCE__"><script type="module" src="/assets/app-1.js"></script></html>',
  );
  fs.writeFileSync(path.join(dir, 'assets', 'app-1.js'), 'console.log(1)');
  return dir;
}

describe('console routes', () => {
  const dir = fakeBundle();
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the page with a fresh style nonce that the Content-Security-Policy names', async () => {
    const app = Fastify();
    registerConsoleRoutes(app, dir);
    const first = await app.inject({ method: 'GET', url: '/' });
    const second = await app.inject({ method: 'GET', url: '/' });
    expect(first.statusCode).toBe(200);
    const nonceOf = (body: string) => /content="([^"]+)"/.exec(body)?.[1];
    const nonce = nonceOf(first.body);
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(second.body)).not.toBe(nonce);
    const policy = String(first.headers['content-security-policy']);
    expect(policy).toContain(`style-src 'self' 'nonce-${nonce ?? ''}'`);
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toContain('unsafe-inline');
    expect(first.headers['cache-control']).toBe('no-store');
    await app.close();
  });

  it('serves hashed assets as immutable, and nothing outside the assets folder', async () => {
    const app = Fastify();
    registerConsoleRoutes(app, dir);
    const asset = await app.inject({ method: 'GET', url: '/assets/app-1.js' });
    expect(asset.statusCode).toBe(200);
    expect(asset.headers['content-type']).toContain('text/javascript');
    expect(asset.headers['cache-control']).toContain('immutable');
    expect((await app.inject({ method: 'GET', url: '/assets/missing-2.js' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/assets/..%2Findex.html' })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/assets/..%2F..%2Fpackage.json' })).statusCode).toBe(400);
    await app.close();
  });

  it('says how to build the console when it has not been built', async () => {
    const app = Fastify();
    registerConsoleRoutes(app, path.join(dir, 'nowhere'));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(503);
    expect(page.body).toContain('npm run build:web');
    await app.close();
  });
});
