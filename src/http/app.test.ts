import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { errorCatalogue } from '../core/errorCatalogue.ts';
import { buildTestApp, testContext } from './testing/buildTestApp.ts';
import { buildApp } from './app.ts';
import { loadConfig } from '../core/config.ts';
import type { ErrorBody } from './errorHandler.ts';

describeEachDatabase('http app', (getDb) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    app = await buildTestApp(getDb());
  });
  afterAll(async () => {
    await app.close();
  });

  it('declares a JSON schema for every API route: params, query, body and responses', async () => {
    await app.ready();
    const apiRoutes = app.registeredRoutes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');
    expect(apiRoutes.length).toBeGreaterThan(10);
    for (const route of apiRoutes) {
      const where = `${route.method} ${route.url}`;
      expect(route.schema?.response, where).toBeDefined();
      expect(route.schema?.summary, where).toMatch(/[\u4e00-\u9fa5]/);
      if (route.url.includes('/:')) expect(route.schema?.params, where).toBeDefined();
      // A file upload's body is the file itself (application/octet-stream), streamed to disk.
      const upload = (route.schema as { consumes?: string[] } | undefined)?.consumes?.includes(
        'application/octet-stream',
      );
      if (['POST', 'PATCH', 'PUT'].includes(route.method) && !upload) {
        expect(route.schema?.body, where).toMatchObject({ additionalProperties: false });
      }
    }
  });

  it('audits every route that reads or changes persons, households, facts or areas', async () => {
    await app.ready();
    const sensitive = app.registeredRoutes.filter(
      (r) =>
        r.method !== 'HEAD' &&
        (/persons|households|facts/.test(r.url) || (r.url.startsWith('/api/areas') && r.method !== 'GET')),
    );
    expect(sensitive.length).toBeGreaterThanOrEqual(17);
    for (const route of sensitive) expect(route.audit, `${route.method} ${route.url}`).toBeDefined();
  });

  it('sends security headers with every response', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/areas/37' });
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('limits the request rate per address, answering in Chinese', async () => {
    const limited = await buildApp({
      context: { ...testContext(getDb()), config: { ...loadConfig({}), rateLimitPerMinute: 3 } },
    });
    try {
      const codes = [];
      for (let i = 0; i < 4; i++)
        codes.push((await limited.inject({ method: 'GET', url: '/api/auth/me' })).statusCode);
      expect(codes).toEqual([401, 401, 401, 429]);
      const res = await limited.inject({ method: 'GET', url: '/api/auth/me' });
      expect(res.json<ErrorBody>().error).toMatchObject({
        code: 'RATE_LIMITED',
        message: '请求过于频繁，请60秒后再试',
      });
      expect((await limited.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('reports health with the database in use', async () => {
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.json()).toEqual({ status: 'ok', database: getDb().dialect });
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(spec.statusCode).toBe(200);
    const doc = spec.json<{ openapi: string; paths: Record<string, unknown> }>();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toContain('/api/areas/{code}/children');
    const page = await app.inject({ method: 'GET', url: '/docs' });
    expect([200, 302]).toContain(page.statusCode);
  });

  it('exposes Prometheus metrics by route pattern', async () => {
    await app.inject({ method: 'GET', url: '/health' });
    const res = await app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('zhulian_http_requests_total{method="GET",route="/health",status="200"}');
    expect(res.body).toContain('zhulian_process_cpu_seconds_total');
  });

  it('answers an unknown route with a catalogue error in Chinese, or English on request', async () => {
    const zh = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(zh.statusCode).toBe(404);
    expect(zh.json<ErrorBody>().error).toMatchObject({
      code: 'ROUTE_NOT_FOUND',
      message: '接口不存在：GET /api/nothing-here',
    });
    const en = await app.inject({
      method: 'GET',
      url: '/api/nothing-here',
      headers: { 'accept-language': 'en-US,en;q=0.9' },
    });
    expect(en.json<ErrorBody>().error.message).toBe('No such endpoint: GET /api/nothing-here');
  });

  it('refuses malformed JSON and a body over the size limit with stable codes', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/api/areas',
      headers: { 'content-type': 'application/json' },
      payload: '{"code": "3710',
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<ErrorBody>().error.code).toBe('MALFORMED_JSON');
    const huge = await app.inject({
      method: 'POST',
      url: '/api/areas',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ name: 'x'.repeat(2_000_000) }),
    });
    expect(huge.statusCode).toBe(400);
    expect(huge.json<ErrorBody>().error.details).toEqual([
      { path: 'body', code: 'BODY_TOO_LARGE', message: '请求体过大，上限为1048576字节' },
    ]);
  });
});

it('every catalogue entry has a Chinese and an English message and a sensible status', () => {
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    expect(code).toMatch(/^[A-Z_]+$/);
    expect(entry.zh).toMatch(/[\u4e00-\u9fa5]/);
    expect(entry.en.length).toBeGreaterThan(0);
    expect(entry.status).toBeGreaterThanOrEqual(400);
  }
});
