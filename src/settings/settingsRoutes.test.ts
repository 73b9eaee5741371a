import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn, type Inject } from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { defaultSecurityPolicy } from '../access/auth/securityPolicy.ts';
import { makeResidentId } from '../registry/residentId/index.ts';
import type { PersonDto } from '../registry/persons/personDto.ts';

interface SettingItem {
  key: string;
  group: string;
  nameZh: string;
  type: string;
  value: unknown;
  defaultValue: unknown;
  min?: number;
  max?: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

const village = '371082101201';

describeEachDatabase('settings routes', (getDb) => {
  let app: FastifyInstance;
  let asSys: Inject;
  let asSec: Inject;
  beforeAll(async () => {
    app = await buildTestApp(getDb()); // county staff by default
    asSys = injectAs(app, await signIn(app, 'sysadmin'));
    asSec = injectAs(app, await signIn(app, 'secadmin'));
  });
  afterAll(async () => {
    await app.close();
  });

  const put = (as: Inject, group: string, key: string, value: unknown) =>
    as({ method: 'PUT', url: `/api/settings/${group}/${key}`, payload: { value } });

  it('lists each group to its own administrator, with defaults and bounds', async () => {
    const system = await asSys({ method: 'GET', url: '/api/settings/system' });
    expect(system.statusCode).toBe(200);
    const items = system.json<{ items: SettingItem[] }>().items;
    expect(items.map((i) => i.key).sort()).toEqual(
      [
        'audit.retentionMonths',
        'discovery.dailyScreeningHour',
        'discovery.watchMarginPercent',
        'masking.idNumber',
        'masking.phone',
        'system.name',
      ].sort(),
    );
    expect(items.find((i) => i.key === 'masking.idNumber')).toMatchObject({
      group: 'system',
      nameZh: '身份证号脱敏规则',
      type: 'object',
      value: { keepStart: 6, keepEnd: 4 },
      defaultValue: { keepStart: 6, keepEnd: 4 },
      updatedAt: null,
      updatedBy: null,
    });
    expect(items.find((i) => i.key === 'system.name')).toMatchObject({
      value: '助联社会救助平台',
      type: 'string',
    });
    expect(items.find((i) => i.key === 'audit.retentionMonths')).toMatchObject({ value: 6, min: 6 });

    const security = await asSec({ method: 'GET', url: '/api/settings/security' });
    const policy = security.json<{ items: SettingItem[] }>().items;
    expect(policy.map((i) => i.key).sort()).toEqual(Object.keys(defaultSecurityPolicy).sort());
    expect(policy.find((i) => i.key === 'maxFailedLogins')).toMatchObject({
      type: 'integer',
      value: 5,
      min: 3,
      max: 10,
    });
    // Tests run with the demo's base policy, which relaxes TOTP for administrators.
    expect(policy.find((i) => i.key === 'totpRequiredForAdministrators')).toMatchObject({
      type: 'boolean',
      value: false,
      defaultValue: false,
    });
  });

  it('keeps each family to its own group', async () => {
    expect((await asSys({ method: 'GET', url: '/api/settings/security' })).statusCode).toBe(403);
    expect((await asSec({ method: 'GET', url: '/api/settings/system' })).statusCode).toBe(403);
    expect((await put(asSec, 'system', 'system.name', '某县民政局')).statusCode).toBe(403);
    expect((await put(asSys, 'security', 'maxFailedLogins', 4)).statusCode).toBe(403);
    expect((await app.inject({ method: 'GET', url: '/api/settings/system' })).statusCode).toBe(403); // county staff
    // A key of the other group is not found under this one.
    const wrong = await put(asSec, 'security', 'system.name', '某县民政局');
    expect(wrong.statusCode).toBe(404);
    expect(wrong.json<ErrorBody>().error.code).toBe('SETTING_NOT_FOUND');
    expect((await put(asSys, 'other', 'system.name', 'x')).statusCode).toBe(404);
  });

  it('refuses values outside the catalogue’s bounds, naming the setting and the range in Chinese', async () => {
    const low = await put(asSec, 'security', 'maxFailedLogins', 2);
    expect(low.statusCode).toBe(400);
    expect(low.json<ErrorBody>().error.details).toEqual([
      {
        path: 'body.value',
        code: 'SETTING_INVALID',
        message: '“登录失败锁定次数”的取值无效：应为3至10之间的整数',
      },
    ]);
    expect((await put(asSec, 'security', 'maxFailedLogins', '5')).statusCode).toBe(400);
    expect((await put(asSec, 'security', 'maxFailedLogins', 4.5)).statusCode).toBe(400);
    expect((await put(asSec, 'security', 'totpRequiredForAdministrators', 'yes')).statusCode).toBe(400);
    const retention = await put(asSys, 'system', 'audit.retentionMonths', 3);
    expect(retention.json<ErrorBody>().error.details[0]?.message).toBe(
      '“审计记录保存期限（月）”的取值无效：应为6至120之间的整数',
    );
    const looser = await put(asSys, 'system', 'masking.idNumber', { keepStart: 14, keepEnd: 4 });
    expect(looser.statusCode).toBe(400);
    expect(looser.json<ErrorBody>().error.details[0]?.message).toContain('keepStart: 0至6之间的整数');
    expect((await put(asSys, 'system', 'masking.phone', { keepStart: 3 })).statusCode).toBe(400);
    expect((await put(asSys, 'system', 'masking.phone', { keepStart: 3, keepEnd: 4, x: 1 })).statusCode).toBe(
      400,
    );
    expect((await put(asSys, 'system', 'system.name', '')).statusCode).toBe(400);
    expect((await put(asSys, 'system', 'system.name', ' 空格 ')).statusCode).toBe(400);
    const english = await asSec({
      method: 'PUT',
      url: '/api/settings/security/lockMinutes',
      payload: { value: 0 },
      headers: { 'accept-language': 'en' },
    });
    expect(english.json<ErrorBody>().error.details[0]?.message).toBe(
      'Invalid value for “Lock duration (minutes)”: must be an integer from 5 to 1440',
    );
  });

  it('changes a setting, says who changed it and audits the old and new value', async () => {
    const res = await put(asSys, 'system', 'system.name', '荣成市民政局社会救助平台');
    expect(res.statusCode).toBe(200);
    const item = res.json<SettingItem>();
    expect(item).toMatchObject({
      key: 'system.name',
      group: 'system',
      value: '荣成市民政局社会救助平台',
      defaultValue: '助联社会救助平台',
    });
    expect(item.updatedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(item.updatedBy).toEqual(expect.any(String));
    const listed = (await asSys({ method: 'GET', url: '/api/settings/system' }))
      .json<{ items: SettingItem[] }>()
      .items.find((i) => i.key === 'system.name');
    expect(listed).toMatchObject({ value: '荣成市民政局社会救助平台', updatedBy: item.updatedBy });
    // Every signed-in user's console shows the name in its header.
    const me = await app.inject({ method: 'GET', url: '/api/auth/me' });
    expect(me.json<{ systemName: string }>().systemName).toBe('荣成市民政局社会救助平台');
    const [record] = await findAuditRecords(getDb().db, { action: 'setting.change', limit: 1 });
    expect(record).toMatchObject({
      actor: item.updatedBy,
      subject_type: 'setting',
      subject_id: 'system.name',
    });
    expect(JSON.parse(record?.detail_json ?? '{}')).toEqual({
      group: 'system',
      key: 'system.name',
      oldValue: '助联社会救助平台',
      newValue: '荣成市民政局社会救助平台',
    });
  });

  it('a security policy change applies to the next sign-in, without a restart', async () => {
    const wrong = () =>
      app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { username: 'department', password: 'x' },
      });
    expect((await wrong()).json<ErrorBody>().error.message).toBe('用户名或密码错误，还可尝试4次');
    expect((await put(asSec, 'security', 'maxFailedLogins', 3)).statusCode).toBe(200);
    expect((await wrong()).json<ErrorBody>().error.message).toBe('用户名或密码错误，还可尝试1次');
    const locked = await wrong();
    expect(locked.statusCode).toBe(403);
    expect(locked.json<ErrorBody>().error.code).toBe('ACCOUNT_LOCKED');
    expect((await put(asSec, 'security', 'maxFailedLogins', 5)).statusCode).toBe(200);
  });

  it('masks ID and phone numbers by the rule in force, on every read; reveal stays the only clear view', async () => {
    const idNumber = makeResidentId('371082', '1971-03-09', 21);
    const created = await app.inject({
      method: 'POST',
      url: '/api/persons',
      payload: { idNumber, name: '孙立平', residenceAreaCode: village, phone: '13906311234' },
    });
    const person = created.json<PersonDto>();
    expect(person).toMatchObject({
      idNumberMasked: `371082********${idNumber.slice(-4)}`,
      phoneMasked: '139****1234',
    });
    const hukou = await app.inject({
      method: 'POST',
      url: '/api/hukou-households',
      payload: {
        hukouNumber: '371082777',
        areaCode: village,
        members: [{ personId: person.id, relationship: '02' }],
      },
    });
    expect(hukou.statusCode).toBe(201);
    const hukouId = hukou.json<{ id: string }>().id;
    expect((await put(asSys, 'system', 'masking.idNumber', { keepStart: 3, keepEnd: 2 })).statusCode).toBe(
      200,
    );
    expect((await put(asSys, 'system', 'masking.phone', { keepStart: 0, keepEnd: 4 })).statusCode).toBe(200);
    const read = await app.inject({ method: 'GET', url: `/api/persons/${person.id}` });
    expect(read.json<PersonDto>()).toMatchObject({
      idNumberMasked: `371${'*'.repeat(13)}${idNumber.slice(-2)}`,
      phoneMasked: '*******1234',
    });
    const list = await app.inject({ method: 'GET', url: `/api/persons?area=${village}&q=孙立平` });
    expect(list.json<{ items: PersonDto[] }>().items[0]?.idNumberMasked).toBe(
      `371${'*'.repeat(13)}${idNumber.slice(-2)}`,
    );
    const members = await app.inject({ method: 'GET', url: `/api/hukou-households/${hukouId}` });
    expect(members.json<{ members: { idNumberMasked: string }[] }>().members[0]?.idNumberMasked).toBe(
      `371${'*'.repeat(13)}${idNumber.slice(-2)}`,
    );
    expect(read.body).not.toContain(idNumber);
    const revealed = await app.inject({
      method: 'POST',
      url: `/api/persons/${person.id}/reveal`,
      payload: { fields: ['idNumber', 'phone'], reason: '核对身份' },
    });
    expect(revealed.json()).toMatchObject({ idNumber, phone: '13906311234' });
    await put(asSys, 'system', 'masking.idNumber', { keepStart: 6, keepEnd: 4 });
    await put(asSys, 'system', 'masking.phone', { keepStart: 3, keepEnd: 4 });
    const back = await app.inject({ method: 'GET', url: `/api/persons/${person.id}` });
    expect(back.json<PersonDto>().phoneMasked).toBe('139****1234');
  });
});
