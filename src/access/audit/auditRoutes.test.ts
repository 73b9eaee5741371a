import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, type Inject } from '../../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../../http/errorHandler.ts';

describeEachDatabase('audit administrator routes', (getDb) => {
  let app: FastifyInstance;
  let asAuditor: Inject;
  let asSysadmin: Inject;
  beforeAll(async () => {
    app = await buildTestApp(getDb());
    asAuditor = injectAs(app, await signIn(app, 'auditadmin'));
    asSysadmin = injectAs(app, await signIn(app, 'sysadmin'));
    await app.inject({ method: 'GET', url: '/api/persons?area=371082' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('lets the audit administrator search records and the sign-in log', async () => {
    const res = await asAuditor({ method: 'GET', url: '/api/audit?action=person.search' });
    expect(res.statusCode).toBe(200);
    const items = res.json<{
      items: { action: string; actor: string; detail: { query: { area: string } } }[];
    }>().items;
    expect(items[0]).toMatchObject({ action: 'person.search', detail: { query: { area: '371082' } } });
    const logins = await asAuditor({ method: 'GET', url: '/api/login-log' });
    expect(
      logins.json<{ items: { username: string; outcome: string }[] }>().items.map((l) => l.username),
    ).toContain('auditadmin');
    const verify = await asAuditor({ method: 'GET', url: '/api/audit/verify' });
    expect(verify.json<{ ok: boolean; checked: number }>()).toMatchObject({ ok: true });
  });

  it('exports CSV for Excel, defusing formulas, and audits the export itself', async () => {
    const res = await asAuditor({ method: 'GET', url: '/api/audit/export?action=auth.login' });
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.body.startsWith('\uFEFF"编号","时间","操作人"')).toBe(true);
    expect(res.body).toContain('"auth.login"');
    const exports = await asAuditor({ method: 'GET', url: '/api/audit?action=audit.export' });
    expect(exports.json<{ total: number }>().total).toBe(1);
  });

  it('audits the auditor: searches of the audit log and views of the sign-in log leave records', async () => {
    await asAuditor({ method: 'GET', url: '/api/audit?action=person.view' });
    await asAuditor({ method: 'GET', url: '/api/login-log' });
    const searches = await asAuditor({ method: 'GET', url: '/api/audit?action=audit.search' });
    const [search] = searches.json<{ items: { detail: { query: { action: string } } }[] }>().items;
    expect(search?.detail.query.action).toBe('person.view');
    const views = await asAuditor({ method: 'GET', url: '/api/audit?action=audit.login_log.view' });
    expect(views.json<{ total: number }>().total).toBeGreaterThanOrEqual(1);
  });

  it('refuses the audit log to the system administrator and personal data to the auditor', async () => {
    const res = await asSysadmin({ method: 'GET', url: '/api/audit' });
    expect(res.statusCode).toBe(403);
    expect(res.json<ErrorBody>().error.message).toBe('没有“查看审计记录与登录日志”权限');
    expect((await asAuditor({ method: 'GET', url: '/api/persons?area=371082' })).statusCode).toBe(403);
  });
});
