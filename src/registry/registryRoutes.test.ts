import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../db/testing/eachDatabase.ts';
import { buildTestApp, injectAs, signIn } from '../http/testing/buildTestApp.ts';
import type { ErrorBody } from '../http/errorHandler.ts';
import { readCountyDivisions } from '../areas/chinaDivision.ts';
import { importAreaRecords } from '../areas/importAreas.ts';
import { computeCheckDigit, makeResidentId } from './residentId/index.ts';
import type { PersonDto } from './persons/personDto.ts';
import { findAuditRecords } from '../access/audit/auditRepository.ts';
import { verifyAudit } from '../access/audit/auditService.ts';
import { flushAudit } from '../access/audit/auditWriter.ts';

const village = '371082101201';

describeEachDatabase('registry routes', (getDb) => {
  let app: FastifyInstance;
  const post = (url: string, payload: object, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers });

  beforeAll(async () => {
    await importAreaRecords(getDb().db, readCountyDivisions('371082'), '2023-12-31');
    app = await buildTestApp(getDb());
  });
  afterAll(async () => {
    await app.close();
  });

  it('registers a person, deriving birth date and sex from the ID number and masking it', async () => {
    const idNumber = makeResidentId('371082', '1962-07-15', 13);
    const res = await post('/api/persons', {
      idNumber,
      name: '王建国',
      residenceAreaCode: village,
      hukouAreaCode: village,
      phone: '13806301234',
    });
    expect(res.statusCode).toBe(201);
    const person = res.json<PersonDto>();
    expect(person).toMatchObject({
      name: '王建国',
      sex: 'male',
      birthDate: '1962-07-15',
      idNumberMasked: `371082********${idNumber.slice(-4)}`,
      phoneMasked: '138****1234',
    });
    expect(res.body).not.toContain(idNumber);
    expect(res.body).not.toContain('13806301234');
    const again = await post('/api/persons', { idNumber, name: '王建国', residenceAreaCode: village });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error.code).toBe('PERSON_EXISTS');
    const stored = await getDb()
      .db.selectFrom('persons')
      .selectAll()
      .where('id', '=', person.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(idNumber);
  });

  it('finds a person by ID number through the blind index, in 15- or 18-digit form', async () => {
    const found = await post('/api/persons/lookup', { idNumber: makeResidentId('371082', '1962-07-15', 13) });
    expect(found.statusCode).toBe(200);
    expect(found.json<PersonDto>().name).toBe('王建国');
    const missing = await post('/api/persons/lookup', {
      idNumber: makeResidentId('371082', '1962-07-15', 15),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('upgrades a 15-digit ID number on registration', async () => {
    const res = await post('/api/persons', {
      idNumber: '371082560101002',
      name: '李淑珍',
      hukouAreaCode: village,
    });
    expect(res.statusCode).toBe(201);
    expect(res.json<PersonDto>()).toMatchObject({ birthDate: '1956-01-01', sex: 'female' });
    const byEighteen = await post('/api/persons/lookup', { idNumber: '371082195601010020' });
    expect(byEighteen.json<PersonDto>().name).toBe('李淑珍');
  });

  it('answers each kind of bad input with 400, the field path, a stable code and a Chinese message', async () => {
    const valid = makeResidentId('371082', '1990-01-01', 21);
    const wrongCheck = valid.slice(0, 17) + (valid.endsWith('0') ? '1' : '0');
    const feb30 = '37108219990230021';
    const kinds: [string, object, string, string, string][] = [
      [
        'invalid ID number',
        { idNumber: wrongCheck, name: '甲' },
        'body.idNumber',
        'INVALID_ID_NUMBER',
        `第18位校验码应为 ${valid.slice(-1)}`,
      ],
      [
        'impossible birth date in an ID',
        { idNumber: feb30 + computeCheckDigit(feb30), name: '甲' },
        'body.idNumber',
        'INVALID_ID_NUMBER',
        '1999年2月没有30日',
      ],
      [
        'unknown area code',
        { idNumber: valid, name: '甲', residenceAreaCode: '371082999001' },
        'body.residenceAreaCode',
        'UNKNOWN_AREA',
        '区划代码371082999001不存在',
      ],
      [
        'malformed area code',
        { idNumber: valid, name: '甲', hukouAreaCode: '37108' },
        'body.hukouAreaCode',
        'INVALID_AREA_CODE',
        '实际为5位',
      ],
      [
        'malformed birth date',
        { idNumber: valid, name: '甲', birthDate: '1999-02-30' },
        'body.birthDate',
        'INVALID_DATE',
        '1999年2月没有30日',
      ],
      [
        'malformed date',
        { idNumber: valid, name: '甲', deathDate: '1999-02-30' },
        'body.deathDate',
        'INVALID_DATE',
        '1999年2月没有30日',
      ],
      [
        'date in the wrong format',
        { idNumber: valid, name: '甲', deathDate: '2020/01/01' },
        'body.deathDate',
        'INVALID_DATE',
        '不是YYYY-MM-DD格式',
      ],
      ['wrong type', { idNumber: valid, name: 123 }, 'body.name', 'FIELD_TYPE', '类型应为字符串'],
      [
        'oversized field',
        { idNumber: valid, name: '王'.repeat(51) },
        'body.name',
        'FIELD_TOO_LONG',
        '长度不能超过50',
      ],
      ['missing field', { idNumber: valid }, 'body.name', 'FIELD_REQUIRED', '缺少必填字段'],
      [
        'unknown field',
        { idNumber: valid, name: '甲', religion: 'x' },
        'body.religion',
        'FIELD_UNKNOWN',
        '不认识的字段',
      ],
      [
        'birth date disagreeing with the ID',
        { idNumber: valid, name: '甲', birthDate: '1990-01-02' },
        'body.birthDate',
        'INVALID_DATE',
        '与身份证号码中的出生日期1990-01-01不一致',
      ],
      [
        'bad phone',
        { idNumber: valid, name: '甲', phone: '12345' },
        'body.phone',
        'FIELD_FORMAT',
        '应为11位手机号',
      ],
    ];
    for (const [kind, payload, path, code, message] of kinds) {
      const res = await post('/api/persons', payload);
      expect(res.statusCode, kind).toBe(400);
      const body = res.json<ErrorBody>();
      expect(body.error.code, kind).toBe('VALIDATION_FAILED');
      const detail = body.error.details.find((d) => d.path === path);
      expect(detail, `${kind}: ${JSON.stringify(body.error.details)}`).toMatchObject({ code });
      expect(detail?.message, kind).toContain(message);
      expect(body.error.message, kind).toContain(path);
    }
    const list = await app.inject({ method: 'GET', url: '/api/persons?area=371082&limit=abc' });
    expect(list.statusCode).toBe(400);
    expect(list.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'query.limit',
      code: 'FIELD_TYPE',
    });
  });

  it('reports every problem of a request at once, and in English when asked', async () => {
    const res = await post(
      '/api/persons',
      { idNumber: '123', name: 5, deathDate: 'soon' },
      { 'accept-language': 'en' },
    );
    const body = res.json<ErrorBody>();
    expect(body.error.details.map((d) => d.path).sort()).toEqual([
      'body.deathDate',
      'body.idNumber',
      'body.name',
    ]);
    expect(body.error.message).toMatch(/^The request is invalid: /);
    expect(body.error.details.find((d) => d.path === 'body.name')?.message).toBe('Must be of type string');
  });

  it('lists persons within an area and its villages, masked, with paging', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/persons?area=371082101&limit=1' });
    expect(res.statusCode).toBe(200);
    const body = res.json<{ items: PersonDto[]; total: number }>();
    expect(body.total).toBe(1);
    expect(body.items[0]?.name).toBe('王建国');
    const other = await app.inject({ method: 'GET', url: '/api/persons?area=371082102' });
    expect(other.json<{ total: number }>().total).toBe(0);
    const unknown = await app.inject({ method: 'GET', url: '/api/persons?area=371082999' });
    expect(unknown.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'query.area',
      code: 'UNKNOWN_AREA',
    });
  });

  it('registers a hukou household and forms the assistance household by the membership rules', async () => {
    const make = async (birth: string, seq: number, name: string) =>
      (
        await post('/api/persons', {
          idNumber: makeResidentId('371082', birth, seq),
          name,
          residenceAreaCode: village,
          hukouAreaCode: village,
        })
      ).json<PersonDto>();
    const head = await make('1970-02-02', 31, '赵大山');
    const wife = await make('1972-03-03', 42, '钱小梅');
    const son = await make('1996-04-04', 51, '赵一鸣');
    const daughter = await make('2012-05-05', 62, '赵一诺');
    const hukou = await post('/api/hukou-households', {
      hukouNumber: '371082001',
      areaCode: village,
      members: [
        { personId: head.id, relationship: '02' },
        { personId: wife.id, relationship: '12' },
        { personId: son.id, relationship: '22' },
        { personId: daughter.id, relationship: '33' },
      ],
    });
    expect(hukou.statusCode).toBe(201);
    expect(
      hukou.json<{ members: { relationshipLabel: string }[] }>().members.map((m) => m.relationshipLabel),
    ).toEqual(['户主', '妻', '长子', '次女']);
    const shown = await app.inject({
      method: 'GET',
      url: `/api/hukou-households/${hukou.json<{ id: string }>().id}`,
    });
    expect(shown.json<{ members: object[] }>().members[0]).toMatchObject({
      name: '赵大山',
      sex: 'male',
      birthDate: '1970-02-02',
      relationship: '02',
      relationshipLabel: '户主',
      idNumberMasked: expect.stringMatching(/^371082\*{8}\d{3}[\dX]$/) as unknown,
    });
    expect(shown.body).not.toContain(makeResidentId('371082', '1970-02-02', 31));

    const twice = await post('/api/hukou-households', {
      hukouNumber: '371082002',
      areaCode: village,
      members: [{ personId: son.id, relationship: '02' }],
    });
    // Already in a current booklet: a conflict with stored data (409) that names the person.
    expect(twice.statusCode).toBe(409);
    expect(twice.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'body.members[0].personId',
      code: 'HOUSEHOLD_CONFLICT',
      message: '家庭成员冲突：赵一鸣已在户号371082001的户口中',
    });
    const badCode = await post('/api/hukou-households', {
      hukouNumber: '371082003',
      areaCode: village,
      members: [{ personId: head.id, relationship: '03' }],
    });
    expect(badCode.json<ErrorBody>().error.details).toContainEqual(
      expect.objectContaining({ path: 'body.members[0].relationship', code: 'INVALID_RELATIONSHIP' }),
    );

    // The son works in Yantai and lives on his own: in the booklet, but not in the assistance household.
    const assistance = await post('/api/assistance-households', {
      applicantPersonId: head.id,
      establishedOn: '2026-11-01',
      candidates: [
        { personId: wife.id, relation: 'spouse' },
        { personId: son.id, relation: 'child' },
        { personId: daughter.id, relation: 'child' },
      ],
    });
    expect(assistance.statusCode).toBe(201);
    const household = assistance.json<{
      id: string;
      memberCount: number;
      members: { name: string; included: boolean; basis: string }[];
    }>();
    expect(household.memberCount).toBe(3);
    expect(household.members.find((m) => m.name === '赵一鸣')).toMatchObject({
      included: false,
      basis: 'excluded_adult_child_independent',
    });

    const fact = await post('/api/facts', {
      subjectType: 'household',
      subjectId: household.id,
      variable: 'dibao_enrolled',
      value: true,
      source: 'civil_affairs',
      observedAt: '2026-11-01',
      validFrom: '2026-12-01',
    });
    expect(fact.statusCode).toBe(201);
    const facts = await app.inject({
      method: 'GET',
      url: `/api/assistance-households/${household.id}/facts?asOf=2026-12-15`,
    });
    expect(facts.json<{ facts: { variable: string; sourceLabel: string }[] }>().facts).toEqual([
      expect.objectContaining({ variable: 'dibao_enrolled', sourceLabel: '民政' }),
    ]);
    const early = await app.inject({
      method: 'GET',
      url: `/api/assistance-households/${household.id}/facts?asOf=2026-11-15`,
    });
    expect(early.json<{ facts: unknown[] }>().facts).toEqual([]);
  });

  it('leaves an audit record for every view and search of persons, and a denied one for a refused request', async () => {
    const { db } = getDb();
    const list = await app.inject({ method: 'GET', url: '/api/persons?area=371082101' });
    const person = list.json<{ items: PersonDto[] }>().items[0];
    if (!person) throw new Error('no person listed');
    await app.inject({ method: 'GET', url: `/api/persons/${person.id}` });
    // Reads are answered once their record is queued; it is committed within milliseconds.
    await flushAudit(db);
    const views = await findAuditRecords(db, { subjectType: 'person', subjectId: person.id, limit: 10 });
    expect(views.map((r) => r.action)).toContain('person.view');
    expect(views[0]).toMatchObject({
      actor: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      ip: '127.0.0.1',
      outcome: 'success',
      area_code: person.residenceAreaCode,
    });
    const searches = await findAuditRecords(db, { action: 'person.search', limit: 50 });
    expect(searches.some((r) => r.detail_json?.includes('"area":"371082101"'))).toBe(true);
    const guessed = '00000000-0000-4000-8000-000000000000';
    expect((await app.inject({ method: 'GET', url: `/api/persons/${guessed}` })).statusCode).toBe(404);
    await flushAudit(db);
    const [refused] = await findAuditRecords(db, { subjectId: guessed, limit: 10 });
    expect(refused).toMatchObject({ action: 'person.view', outcome: 'denied', area_code: null });
    expect(JSON.parse(refused?.detail_json ?? '{}')).toMatchObject({ status: 404 });
    expect(await verifyAudit(db)).toMatchObject({ ok: true });
  });

  it('reveals a masked number only to holders of the permission, auditing fields and reason', async () => {
    const idNumber = makeResidentId('371082', '1962-07-15', 13);
    const found = (await post('/api/persons/lookup', { idNumber })).json<PersonDto>();
    const res = await post(`/api/persons/${found.id}/reveal`, {
      fields: ['idNumber', 'phone'],
      reason: '入户核对',
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ id: found.id, idNumber, phone: '13806301234' });
    const [record] = await findAuditRecords(getDb().db, { action: 'person.reveal', limit: 1 });
    expect(record?.detail_json).toContain('"reason":"入户核对"');
    expect(record?.detail_json).toContain('"fields":["idNumber","phone"]');
    expect(record?.detail_json).not.toContain(idNumber);
    const township = injectAs(app, await signIn(app, 'township'));
    const refused = await township({
      method: 'POST',
      url: `/api/persons/${found.id}/reveal`,
      payload: { fields: ['idNumber'], reason: '核对' },
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json<ErrorBody>().error).toMatchObject({
      code: 'FORBIDDEN',
      message: '没有“查看未脱敏的身份证号、手机号”权限',
    });
    // The refused attempt is on the record too, for the auditor.
    await flushAudit(getDb().db);
    const [attempt] = await findAuditRecords(getDb().db, { action: 'person.reveal', limit: 1 });
    expect(attempt).toMatchObject({ subject_id: found.id, outcome: 'denied' });
  });

  it('updates a person with PATCH, checking each field and refusing what may not change', async () => {
    const idNumber = makeResidentId('371082', '1962-07-15', 13);
    const found = (await post('/api/persons/lookup', { idNumber })).json<PersonDto>();
    const patch = (payload: object, headers: Record<string, string> = {}) =>
      app.inject({ method: 'PATCH', url: `/api/persons/${found.id}`, payload, headers });
    const res = await patch({ name: '王建华', residenceAreaCode: '371082101202', phone: '0631-7561234' });
    expect(res.statusCode).toBe(200);
    expect(res.json<PersonDto>()).toMatchObject({
      name: '王建华',
      residenceAreaCode: '371082101202',
      hukouAreaCode: village,
      livingAwayFromHukou: true,
      phoneMasked: '063*****1234',
    });
    expect(res.body).not.toContain('7561234');
    const kinds: [object, string, string][] = [
      [{ idNumber }, 'body.idNumber', 'FIELD_UNKNOWN'],
      [{ name: '' }, 'body.name', 'FIELD_TOO_SHORT'],
      [{ deathDate: '1961-01-01' }, 'body.deathDate', 'INVALID_PERIOD'],
      [{ deathDate: '2026-02-29' }, 'body.deathDate', 'INVALID_DATE'],
      [{ residenceAreaCode: '371082999999' }, 'body.residenceAreaCode', 'UNKNOWN_AREA'],
      [{}, 'body', 'FIELD_REQUIRED'],
    ];
    for (const [payload, path, code] of kinds) {
      const refused = await patch(payload);
      expect(refused.statusCode, JSON.stringify(payload)).toBe(400);
      const details = refused.json<ErrorBody>().error.details;
      expect(details, JSON.stringify(payload)).toContainEqual(expect.objectContaining({ path, code }));
    }
    const english = await patch({ deathDate: '1961-01-01' }, { 'accept-language': 'en' });
    expect(english.json<ErrorBody>().error.details[0]?.message).toBe(
      'End 1961-01-01 is before start 1962-07-15',
    );
    const back = await patch({ name: '王建国', residenceAreaCode: village });
    expect(back.json<PersonDto>().livingAwayFromHukou).toBe(false);
  });

  it('answers unknown IDs with 404 and malformed ones with 400', async () => {
    const missing = await app.inject({
      method: 'GET',
      url: '/api/persons/00000000-0000-4000-8000-000000000000',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json<ErrorBody>().error).toMatchObject({
      code: 'PERSON_NOT_FOUND',
      message: '找不到该人员',
    });
    const malformed = await app.inject({ method: 'GET', url: '/api/persons/not-a-uuid' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json<ErrorBody>().error.details[0]).toMatchObject({
      path: 'params.id',
      code: 'FIELD_FORMAT',
    });
  });
});
