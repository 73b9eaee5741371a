import { describe, expect, it } from 'vitest';
import { decideMembership, relationFromHukouCode, type MembershipCandidate } from './assistanceMembership.ts';

const on = '2026-11-28';
const base: MembershipCandidate = {
  personId: 'p',
  relation: 'spouse',
  birthDate: '1980-01-01',
  livesTogether: null,
  fullTimeStudent: null,
  studentStage: null,
  canLiveIndependently: null,
  disabilityGrade: null,
  inPrison: false,
  compulsoryRehab: false,
  declaredMissing: false,
  clergySince: null,
};

describe('assistance household membership (Dibao Measures art. 8–9)', () => {
  const cases: [string, Partial<MembershipCandidate>, boolean, string][] = [
    ['the applicant', { relation: 'applicant' }, true, 'applicant'],
    [
      'a spouse, even without living-together evidence (hukou elsewhere)',
      { relation: 'spouse', livesTogether: false },
      true,
      'spouse',
    ],
    ['a minor child', { relation: 'child', birthDate: '2010-05-05' }, true, 'minor_child'],
    [
      'a child who turns 18 tomorrow is still a minor',
      { relation: 'child', birthDate: '2008-11-29' },
      true,
      'minor_child',
    ],
    [
      'an adult child at university (bachelor)',
      { relation: 'child', birthDate: '2005-01-01', fullTimeStudent: true, studentStage: 'bachelor' },
      true,
      'adult_child_student',
    ],
    [
      'an adult postgraduate is not counted as a student member',
      { relation: 'child', birthDate: '2000-01-01', fullTimeStudent: true, studentStage: 'postgraduate' },
      false,
      'excluded_adult_child_independent',
    ],
    [
      'an adult child with grade-1 disability',
      { relation: 'child', birthDate: '1995-01-01', disabilityGrade: '1' },
      true,
      'adult_child_dependent',
    ],
    [
      'an adult child recorded as unable to live independently',
      { relation: 'child', birthDate: '1995-01-01', canLiveIndependently: false },
      true,
      'adult_child_dependent',
    ],
    [
      'an independent adult child in the same hukou booklet',
      { relation: 'child', birthDate: '1995-01-01', livesTogether: true },
      false,
      'excluded_adult_child_independent',
    ],
    [
      'a parent living together long-term',
      { relation: 'parent', birthDate: '1950-01-01', livesTogether: true },
      true,
      'supported_relative_living_together',
    ],
    [
      'a parent living elsewhere',
      { relation: 'parent', birthDate: '1950-01-01', livesTogether: false },
      false,
      'excluded_not_living_together',
    ],
    [
      'a grandchild whose living together is unrecorded',
      { relation: 'grandchild', birthDate: '2015-01-01', livesTogether: null },
      false,
      'excluded_not_living_together',
    ],
    [
      'a sibling living together',
      { relation: 'sibling', livesTogether: true },
      true,
      'supported_relative_living_together',
    ],
    [
      'a son-in-law or other relative',
      { relation: 'other_relative', livesTogether: true },
      false,
      'excluded_no_support_duty',
    ],
    ['a lodger', { relation: 'non_relative', livesTogether: true }, false, 'excluded_no_support_duty'],
    ['a spouse in prison', { relation: 'spouse', inPrison: true }, false, 'excluded_prison'],
    [
      'a minor in compulsory rehabilitation',
      { relation: 'child', birthDate: '2010-01-01', compulsoryRehab: true },
      false,
      'excluded_compulsory_rehab',
    ],
    ['a spouse declared missing', { relation: 'spouse', declaredMissing: true }, false, 'excluded_missing'],
    [
      'clergy at a religious site for 3 years',
      { relation: 'child', birthDate: '1990-01-01', clergySince: '2023-11-28' },
      false,
      'excluded_clergy',
    ],
    [
      'clergy at a religious site for under 3 years',
      { relation: 'spouse', clergySince: '2023-11-29' },
      true,
      'spouse',
    ],
  ];

  for (const [name, overrides, included, basis] of cases) {
    it(name, () => {
      const [decision] = decideMembership([{ ...base, ...overrides }], on);
      expect(decision).toMatchObject({ included, basis });
      expect(decision?.reason).toMatch(/[\u4e00-\u9fa5]/);
    });
  }

  it('maps GB/T 4761-2008 codes to relations with the applicant as head', () => {
    expect(
      ['02', '10', '12', '20', '31', '28', '38', '41', '51', '61', '71', '80', '99'].map(
        relationFromHukouCode,
      ),
    ).toEqual([
      'applicant',
      'spouse',
      'spouse',
      'child',
      'child',
      'other_relative',
      'other_relative',
      'grandchild',
      'parent',
      'grandparent',
      'sibling',
      'other_relative',
      'non_relative',
    ]);
  });
});
