import { beforeAll, expect, it } from 'vitest';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { loadVariableCatalogue } from '../variables/variableCatalogue.ts';
import { createPerson } from '../persons/personService.ts';
import { makeResidentId } from '../residentId/index.ts';
import type { AppError } from '../../core/appError.ts';
import { factHistory, factsAsOf, recordFacts } from './factService.ts';
import { systemScope } from '../../access/scope/dataScope.ts';

const catalogue = loadVariableCatalogue();

describeEachDatabase('facts', (getDb) => {
  let personId = '';
  beforeAll(async () => {
    const person = await createPerson(
      getDb().db,
      testFieldCipher(),
      { idNumber: makeResidentId('371082', '1970-03-04', 11), name: '张三' },
      systemScope,
    );
    personId = person.id;
  });

  it('reads a fact with a validity period correctly before, inside and after it', async () => {
    const { db } = getDb();
    await recordFacts(db, catalogue, systemScope, [
      {
        subjectType: 'person',
        subjectId: personId,
        variable: 'employment_status',
        value: 'registered_unemployed',
        source: 'human_resources',
        observedAt: '2026-01-05',
        validFrom: '2026-01-01',
        validTo: '2026-07-01',
      },
    ]);
    const read = async (date: string) =>
      (await factsAsOf(db, 'person', personId, date)).find((f) => f.variable === 'employment_status');
    expect(await read('2025-12-31')).toBeUndefined();
    expect(await read('2026-01-01')).toMatchObject({
      value: 'registered_unemployed',
      source: 'human_resources',
      validTo: '2026-07-01',
    });
    expect(await read('2026-06-30')).toMatchObject({ value: 'registered_unemployed' });
    expect(await read('2026-07-01')).toBeUndefined();
    expect(await read('2027-03-01')).toBeUndefined();
  });

  it('lets a later observation win where facts overlap, and shows the conflict', async () => {
    const { db } = getDb();
    await recordFacts(db, catalogue, systemScope, [
      {
        subjectType: 'person',
        subjectId: personId,
        variable: 'monthly_income',
        value: 1500,
        source: 'tax',
        observedAt: '2026-02-01',
        validFrom: '2026-01-01',
        validTo: null,
      },
    ]);
    await recordFacts(db, catalogue, systemScope, [
      {
        subjectType: 'person',
        subjectId: personId,
        variable: 'monthly_income',
        value: 900,
        source: 'survey',
        observedAt: '2026-05-10',
        validFrom: '2026-05-01',
        validTo: null,
      },
    ]);
    const april = (await factsAsOf(db, 'person', personId, '2026-04-30')).find(
      (f) => f.variable === 'monthly_income',
    );
    expect(april).toMatchObject({ value: 1500, source: 'tax', competing: [] });
    const may = (await factsAsOf(db, 'person', personId, '2026-05-15')).find(
      (f) => f.variable === 'monthly_income',
    );
    expect(may).toMatchObject({ value: 900, source: 'survey' });
    expect(may?.competing).toEqual([expect.objectContaining({ value: 1500, source: 'tax' })]);
    expect(
      (await factHistory(db, 'person', personId)).filter((f) => f.variable === 'monthly_income'),
    ).toHaveLength(2);
  });

  it('answers "what did we know then" with knownAt', async () => {
    const { db } = getDb();
    await recordFacts(
      db,
      catalogue,
      systemScope,
      [
        {
          subjectType: 'person',
          subjectId: personId,
          variable: 'serious_illness',
          value: true,
          source: 'health',
          observedAt: '2026-03-01',
          validFrom: '2026-03-01',
        },
      ],
      'body',
      '2026-08-01T00:00:00.000Z',
    );
    const now = await factsAsOf(db, 'person', personId, '2026-04-01');
    expect(now.find((f) => f.variable === 'serious_illness')?.value).toBe(true);
    const before = await factsAsOf(db, 'person', personId, '2026-04-01', '2026-07-31T23:59:59.000Z');
    expect(before.find((f) => f.variable === 'serious_illness')).toBeUndefined();
    // The same instants written in Beijing time: 07:00 on 1 August is still 31 July in UTC.
    const beijingBefore = await factsAsOf(db, 'person', personId, '2026-04-01', '2026-08-01T07:59:59+08:00');
    expect(beijingBefore.find((f) => f.variable === 'serious_illness')).toBeUndefined();
    const beijingAfter = await factsAsOf(db, 'person', personId, '2026-04-01', '2026-08-01T08:00:00+08:00');
    expect(beijingAfter.find((f) => f.variable === 'serious_illness')?.value).toBe(true);
  });

  it('refuses unknown variables, wrong values, sources and periods, writing nothing', async () => {
    const { db } = getDb();
    const before = (await factHistory(db, 'person', personId)).length;
    const attempt = recordFacts(
      db,
      catalogue,
      systemScope,
      [
        {
          subjectType: 'person',
          subjectId: personId,
          variable: 'no_such_variable',
          value: 1,
          source: 'tax',
          observedAt: '2026-01-01',
          validFrom: '2026-01-01',
        },
        {
          subjectType: 'person',
          subjectId: personId,
          variable: 'disability_grade',
          value: '7',
          source: 'disabled_federation',
          observedAt: '2026-01-01',
          validFrom: '2026-01-01',
        },
        {
          subjectType: 'person',
          subjectId: personId,
          variable: 'deposits',
          value: 100,
          source: 'bank_of_nowhere',
          observedAt: '2026-01-01',
          validFrom: '2026-02-01',
          validTo: '2026-01-01',
        },
        {
          subjectType: 'household',
          subjectId: personId,
          variable: 'dibao_enrolled',
          value: true,
          source: 'civil_affairs',
          observedAt: '2026-01-01',
          validFrom: '2026-01-01',
        },
      ],
      'body.facts',
    );
    await expect(attempt).rejects.toSatisfy((e: AppError) => {
      const paths = e.problems.map((p) => `${p.path}:${p.code}`);
      expect(paths).toEqual([
        'body.facts[0].variable:UNKNOWN_VARIABLE',
        'body.facts[1].value:INVALID_FACT_VALUE',
        'body.facts[2].source:FIELD_NOT_ALLOWED',
        'body.facts[2].validTo:INVALID_PERIOD',
        'body.facts[3].subjectId:HOUSEHOLD_NOT_FOUND',
      ]);
      return true;
    });
    expect(await factHistory(db, 'person', personId)).toHaveLength(before);
  });
});
