import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, ensureTestAccounts, signIn } from './testing/buildTestApp.ts';

/**
 * Why the API needs no CSRF token (ADR 0010): a browser only ever sends our credentials when
 * a script of ours puts them in the Authorization header. Cookies — the thing a cross-site
 * form can make a browser send — never authenticate, and the server sets none.
 */
describe('cross-site request forgery', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let app: FastifyInstance;
  let token: string;

  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    await ensureTestAccounts(test);
    app = await buildTestApp(test, { as: null });
    token = await signIn(app, 'sysadmin');
  });
  afterAll(async () => {
    await app.close();
    await test.dispose();
  });

  it('sets no cookie on sign-in or on the console page', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'county', password: 'Zhulian@Demo2026' },
    });
    expect(login.statusCode).toBe(200);
    expect(login.headers['set-cookie']).toBeUndefined();
    expect((await app.inject({ method: 'GET', url: '/' })).headers['set-cookie']).toBeUndefined();
  });

  it('refuses a state-changing request that carries the session only as a cookie, as a form post would', async () => {
    const forged = await app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: {
        cookie: `token=${token}; session=${token}; authorization=Bearer%20${token}`,
        origin: 'https://evil.example',
      },
      payload: { name: '伪造机构', kind: 'partner', areaCode: '371082' },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json<{ error: { code: string } }>().error.code).toBe('AUTH_REQUIRED');
    const organisations = await app.inject({
      method: 'GET',
      url: '/api/organisations',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(organisations.body).not.toContain('伪造机构');
  });

  it('refuses a JSON body sent as a simple cross-site form content type', async () => {
    const form = await app.inject({
      method: 'POST',
      url: '/api/organisations',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=x&kind=partner&areaCode=371082',
    });
    expect(form.statusCode).toBe(415);
  });
});
