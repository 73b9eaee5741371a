import { beforeAll, expect, it } from 'vitest';
import { AppError } from '../../core/appError.ts';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { systemScope } from '../../access/scope/dataScope.ts';
import { makeResidentId } from '../residentId/index.ts';
import { createPerson, type CreatePersonBody } from '../persons/personService.ts';
import { recordFacts, type FactInput } from '../facts/factService.ts';
import { loadVariableCatalogue } from '../variables/variableCatalogue.ts';
import { insertTestAreas, testAreas } from '../testing/insertTestAreas.ts';
import { listAssistanceMembers } from './householdRepository.ts';
import { createAssistanceHousehold, requireAssistanceHousehold } from './assistanceHouseholdService.ts';

const cipher = testFieldCipher();
const catalogue = loadVariableCatalogue();
const { village } = testAreas;

describeEachDatabase('assistance households', (getDb) => {
  const ids: Record<string, string> = {};
  const id = (key: string) => ids[key] ?? '';

  beforeAll(async () => {
    const { db } = getDb();
    await insertTestAreas(db);
    const people: [string, string, number, Partial<CreatePersonBody>][] = [
      ['applicant', '1975-01-01', 11, { residenceAreaCode: village }],
      // The wife's hukou is in Beijing and no residence is recorded: she is a member all the same.
      ['wife', '1976-02-02', 22, { hukouAreaCode: '110105000000', residenceAreaCode: null }],
      ['son', '1998-03-03', 31, { residenceAreaCode: village }],
      ['daughter', '2006-04-04', 42, { residenceAreaCode: village }],
      ['father', '1948-05-05', 51, { residenceAreaCode: village }],
      ['grandson', '2016-06-06', 61, { residenceAreaCode: village }],
      ['brother', '1980-07-07', 71, { residenceAreaCode: village }],
      ['sonInLaw', '1996-08-08', 81, { residenceAreaCode: village }],
      ['late', '1950-09-09', 91, { residenceAreaCode: village, deathDate: '2026-01-15' }],
      ['homeless', '1977-10-10', 93, { hukouAreaCode: village, residenceAreaCode: null }],
    ];
    for (const [key, birth, seq, more] of people) {
      const person = await createPerson(
        db,
        cipher,
        { idNumber: makeResidentId('371082', birth, seq), name: key, ...more },
        systemScope,
      );
      ids[key] = person.id;
    }
    const fact = (key: string, variable: string, value: unknown, source: string, from: string, to?: string) =>
      ({
        subjectType: 'person',
        subjectId: id(key),
        variable,
        value,
        source,
        observedAt: from,
        validFrom: from,
        validTo: to ?? null,
      }) satisfies FactInput;
    await recordFacts(db, catalogue, systemScope, [
      fact('daughter', 'full_time_student', true, 'education', '2024-09-01', '2028-07-01'),
      fact('daughter', 'student_stage', 'bachelor', 'education', '2024-09-01', '2028-07-01'),
      fact('father', 'lives_with_applicant', true, 'survey', '2020-01-01'),
      fact('grandson', 'lives_with_applicant', true, 'survey', '2022-01-01'),
      fact('grandson', 'parents_unable_to_support', true, 'civil_affairs', '2022-01-01'),
      fact('brother', 'lives_with_applicant', true, 'survey', '2015-01-01'),
      fact('brother', 'compulsory_rehab', true, 'public_security', '2026-06-01', '2027-06-01'),
      fact('sonInLaw', 'lives_with_applicant', true, 'survey', '2023-01-01'),
    ]);
    // The daughter leaves university: a later record from another source supersedes from December.
    await recordFacts(db, catalogue, systemScope, [
      { ...fact('daughter', 'full_time_student', false, 'survey', '2026-12-01'), observedAt: '2026-12-05' },
    ]);
  });

  const candidates = () =>
    [
      { personId: id('wife'), relation: 'spouse' },
      { personId: id('son'), relation: 'child' },
      { personId: id('daughter'), relation: 'child' },
      { personId: id('father'), relation: 'parent' },
      { personId: id('grandson'), relation: 'grandchild' },
      { personId: id('brother'), relation: 'sibling' },
      { personId: id('sonInLaw'), relation: 'other_relative' },
      { personId: id('late'), relation: 'parent' },
    ] as const;

  it('decides membership from the facts as they stood on the establishment date, storing every decision', async () => {
    const { db } = getDb();
    const { household, decisions } = await createAssistanceHousehold(
      db,
      { applicantPersonId: id('applicant'), establishedOn: '2026-11-01', candidates: [...candidates()] },
      systemScope,
    );
    expect(household).toMatchObject({ area_code: village, established_on: '2026-11-01' });
    const byName = Object.fromEntries(
      Object.entries(ids).map(([key, personId]) => [
        key,
        decisions.find((d) => d.personId === personId)?.basis,
      ]),
    );
    expect(byName).toEqual({
      applicant: 'applicant',
      wife: 'spouse',
      son: 'excluded_adult_child_independent',
      daughter: 'adult_child_student',
      father: 'supported_relative_living_together',
      grandson: 'supported_relative_living_together',
      brother: 'excluded_compulsory_rehab',
      sonInLaw: 'excluded_no_support_duty',
      late: 'excluded_deceased',
      homeless: undefined,
    });

    const stored = await listAssistanceMembers(db, household.id);
    expect(stored).toHaveLength(9);
    expect(
      stored
        .filter((m) => m.included === 1)
        .map((m) => m.name)
        .sort(),
    ).toEqual(['applicant', 'daughter', 'father', 'grandson', 'wife'].sort());
    expect(stored.find((m) => m.name === 'son')).toMatchObject({
      included: 0,
      basis: 'excluded_adult_child_independent',
      relation: 'child',
      valid_from: '2026-11-01',
      valid_to: null,
    });
    expect((await requireAssistanceHousehold(db, household.id, systemScope)).applicant_person_id).toBe(
      id('applicant'),
    );
  });

  it('reads later facts for a later date: the student has left, the rehabilitation ended', async () => {
    const { db } = getDb();
    const { decisions } = await createAssistanceHousehold(
      db,
      { applicantPersonId: id('applicant'), establishedOn: '2027-07-01', candidates: [...candidates()] },
      systemScope,
    );
    const basis = (key: string) => decisions.find((d) => d.personId === id(key))?.basis;
    expect(basis('daughter')).toBe('excluded_adult_child_independent');
    // Out of rehabilitation, an independent adult brother owes and is owed no support.
    expect(basis('brother')).toBe('excluded_support_duty_not_established');
  });

  it('refuses unknown, repeated and doubled-up candidates and an applicant without a residence', async () => {
    const { db } = getDb();
    const attempt = async (body: Parameters<typeof createAssistanceHousehold>[1]) => {
      try {
        await createAssistanceHousehold(db, body, systemScope);
      } catch (error) {
        if (error instanceof AppError) return error.problems.map((p) => `${p.path}:${p.code}`);
        throw error;
      }
      throw new Error('expected a refusal');
    };
    expect(
      await attempt({
        applicantPersonId: id('applicant'),
        establishedOn: '2026-11-01',
        candidates: [
          { personId: id('wife'), relation: 'spouse' },
          { personId: id('son'), relation: 'spouse' },
          { personId: id('son'), relation: 'child' },
          { personId: '00000000-0000-4000-8000-000000000000', relation: 'child' },
          { personId: id('applicant'), relation: 'child' },
        ],
      }),
    ).toEqual([
      'body.candidates[2].personId:HOUSEHOLD_CONFLICT',
      'body.candidates[3].personId:PERSON_NOT_FOUND',
      'body.candidates[4].personId:HOUSEHOLD_CONFLICT',
      'body.candidates[1].relation:HOUSEHOLD_CONFLICT',
    ]);
    expect(
      await attempt({ applicantPersonId: id('homeless'), establishedOn: '2026-11-01', candidates: [] }),
    ).toEqual(['body.applicantPersonId:HOUSEHOLD_CONFLICT']);
    expect(
      await attempt({ applicantPersonId: id('late'), establishedOn: '2026-11-01', candidates: [] }),
    ).toEqual(['body.applicantPersonId:HOUSEHOLD_CONFLICT']);
  });
});
