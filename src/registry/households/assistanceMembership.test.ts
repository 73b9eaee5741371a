import { describe, expect, it } from 'vitest';
import {
  decideMembership,
  membershipReasons,
  relationFromHukouCode,
  type MembershipBasis,
  type MembershipCandidate,
} from './assistanceMembership.ts';

const on = '2026-11-28';
const person: Omit<MembershipCandidate, 'personId' | 'relation'> = {
  birthDate: '1980-01-01',
  deathDate: null,
  livesTogether: null,
  fullTimeStudent: null,
  studentStage: null,
  canLiveIndependently: null,
  disabilityGrade: null,
  parentsUnableToSupport: null,
  childrenUnableToSupport: null,
  inPrison: false,
  compulsoryRehab: false,
  declaredMissing: false,
  clergySince: null,
};
const applicant: MembershipCandidate = {
  ...person,
  personId: 'a',
  relation: 'applicant',
  birthDate: '1975-01-01',
};

type Case = [
  name: string,
  candidate: Partial<MembershipCandidate> & Pick<MembershipCandidate, 'relation'>,
  included: boolean,
  basis: MembershipBasis,
  applicantChanges?: Partial<MembershipCandidate>,
];

const cases: Case[] = [
  // Spouse: always a member, wherever the hukou is and whether or not living together is recorded.
  ['a spouse whose hukou is elsewhere', { relation: 'spouse', livesTogether: false }, true, 'spouse'],
  ['a spouse with nothing recorded', { relation: 'spouse' }, true, 'spouse'],
  // Children.
  ['a minor child', { relation: 'child', birthDate: '2010-05-05' }, true, 'minor_child'],
  ['a child who turns 18 tomorrow', { relation: 'child', birthDate: '2008-11-29' }, true, 'minor_child'],
  [
    'a child who turned 18 today and lives independently',
    { relation: 'child', birthDate: '2008-11-28' },
    false,
    'excluded_adult_child_independent',
  ],
  [
    'an adult child at university (bachelor)',
    { relation: 'child', birthDate: '2005-01-01', fullTimeStudent: true, studentStage: 'bachelor' },
    true,
    'adult_child_student',
  ],
  [
    'an adult child at a junior college',
    { relation: 'child', birthDate: '2006-01-01', fullTimeStudent: true, studentStage: 'junior_college' },
    true,
    'adult_child_student',
  ],
  [
    'an adult postgraduate',
    { relation: 'child', birthDate: '2000-01-01', fullTimeStudent: true, studentStage: 'postgraduate' },
    false,
    'excluded_adult_child_independent',
  ],
  [
    'an adult part-time student',
    { relation: 'child', birthDate: '2003-01-01', fullTimeStudent: false, studentStage: 'bachelor' },
    false,
    'excluded_adult_child_independent',
  ],
  [
    'an adult full-time student whose stage is unrecorded',
    { relation: 'child', birthDate: '2003-01-01', fullTimeStudent: true },
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
    'an adult child with grade-2 disability',
    { relation: 'child', birthDate: '1995-01-01', disabilityGrade: '2' },
    true,
    'adult_child_dependent',
  ],
  [
    'an adult child with grade-3 disability who lives independently',
    { relation: 'child', birthDate: '1995-01-01', disabilityGrade: '3' },
    false,
    'excluded_adult_child_independent',
  ],
  [
    'an adult child recorded as unable to live independently',
    { relation: 'child', birthDate: '1995-01-01', canLiveIndependently: false },
    true,
    'adult_child_dependent',
  ],
  [
    'an independent adult child in the same hukou booklet, even living together',
    { relation: 'child', birthDate: '1995-01-01', livesTogether: true },
    false,
    'excluded_adult_child_independent',
  ],
  // Parents: a duty of support always exists; living together decides.
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
    'a parent whose living together is unrecorded',
    { relation: 'parent', birthDate: '1950-01-01' },
    false,
    'excluded_not_living_together',
  ],
  // Grandchildren (Civil Code art. 1074).
  [
    'a minor grandchild living together whose parents cannot support them',
    { relation: 'grandchild', birthDate: '2015-01-01', livesTogether: true, parentsUnableToSupport: true },
    true,
    'supported_relative_living_together',
  ],
  [
    'a minor grandchild living together whose parents can support them',
    { relation: 'grandchild', birthDate: '2015-01-01', livesTogether: true, parentsUnableToSupport: false },
    false,
    'excluded_support_duty_not_established',
  ],
  [
    'a minor grandchild whose parents cannot support them but who lives elsewhere',
    { relation: 'grandchild', birthDate: '2015-01-01', livesTogether: false, parentsUnableToSupport: true },
    false,
    'excluded_not_living_together',
  ],
  [
    'an adult grandchild living with a grandparent whose children cannot support them',
    { relation: 'grandchild', birthDate: '1998-01-01', livesTogether: true },
    true,
    'supported_relative_living_together',
    { birthDate: '1945-01-01', childrenUnableToSupport: true },
  ],
  [
    'an adult grandchild living with a grandparent whose children can',
    { relation: 'grandchild', birthDate: '1998-01-01', livesTogether: true },
    false,
    'excluded_support_duty_not_established',
    { birthDate: '1945-01-01' },
  ],
  // Grandparents.
  [
    'a grandparent living together whose children cannot support them',
    { relation: 'grandparent', birthDate: '1940-01-01', livesTogether: true, childrenUnableToSupport: true },
    true,
    'supported_relative_living_together',
  ],
  [
    'a grandparent raising a minor applicant whose parents cannot',
    { relation: 'grandparent', birthDate: '1950-01-01', livesTogether: true },
    true,
    'supported_relative_living_together',
    { birthDate: '2010-01-01', parentsUnableToSupport: true },
  ],
  [
    'a grandparent living together whose children can support them',
    { relation: 'grandparent', birthDate: '1940-01-01', livesTogether: true },
    false,
    'excluded_support_duty_not_established',
  ],
  // Siblings (Civil Code art. 1075).
  [
    'a minor sibling living together whose parents cannot support them',
    { relation: 'sibling', birthDate: '2012-01-01', livesTogether: true, parentsUnableToSupport: true },
    true,
    'supported_relative_living_together',
  ],
  [
    'an elder sibling raising a minor applicant whose parents cannot',
    { relation: 'sibling', birthDate: '1998-01-01', livesTogether: true },
    true,
    'supported_relative_living_together',
    { birthDate: '2011-01-01', parentsUnableToSupport: true },
  ],
  [
    'an adult sibling living together who cannot live independently',
    { relation: 'sibling', birthDate: '1970-01-01', livesTogether: true, canLiveIndependently: false },
    true,
    'supported_relative_living_together',
  ],
  [
    'an independent adult sibling living together',
    { relation: 'sibling', birthDate: '1970-01-01', livesTogether: true },
    false,
    'excluded_support_duty_not_established',
  ],
  // No statutory duty at all.
  [
    'a son-in-law or other relative living together',
    { relation: 'other_relative', livesTogether: true },
    false,
    'excluded_no_support_duty',
  ],
  ['a lodger', { relation: 'non_relative', livesTogether: true }, false, 'excluded_no_support_duty'],
  // Exclusions (art. 9) override every relation.
  ['a spouse who has died', { relation: 'spouse', deathDate: '2026-03-01' }, false, 'excluded_deceased'],
  ['a spouse who dies after the date', { relation: 'spouse', deathDate: '2026-12-01' }, true, 'spouse'],
  ['a spouse in prison', { relation: 'spouse', inPrison: true }, false, 'excluded_prison'],
  [
    'a minor child in prison (exclusion beats minority)',
    { relation: 'child', birthDate: '2010-01-01', inPrison: true },
    false,
    'excluded_prison',
  ],
  [
    'a minor in compulsory rehabilitation',
    { relation: 'child', birthDate: '2010-01-01', compulsoryRehab: true },
    false,
    'excluded_compulsory_rehab',
  ],
  ['a spouse declared missing', { relation: 'spouse', declaredMissing: true }, false, 'excluded_missing'],
  [
    'a severely disabled adult child declared missing',
    { relation: 'child', birthDate: '1990-01-01', disabilityGrade: '1', declaredMissing: true },
    false,
    'excluded_missing',
  ],
  [
    'clergy at a religious site for exactly 3 years',
    { relation: 'child', birthDate: '1990-01-01', clergySince: '2023-11-28' },
    false,
    'excluded_clergy',
  ],
  [
    'clergy at a religious site for a day under 3 years',
    { relation: 'spouse', clergySince: '2023-11-29' },
    true,
    'spouse',
  ],
];

describe('assistance household membership (Dibao Measures art. 8–9)', () => {
  for (const [name, candidate, included, basis, applicantChanges] of cases) {
    it(name, () => {
      const decisions = decideMembership(
        [
          { ...applicant, ...applicantChanges },
          { ...person, personId: 'c', ...candidate },
        ],
        on,
      );
      expect(decisions[1]).toMatchObject({ personId: 'c', relation: candidate.relation, included, basis });
      expect(decisions[1]?.reason).toBe(membershipReasons[basis]);
    });
  }

  it('counts the applicant, and explains every decision in Chinese', () => {
    const [decision] = decideMembership([applicant], on);
    expect(decision).toMatchObject({ included: true, basis: 'applicant', reason: '申请人本人' });
    for (const reason of Object.values(membershipReasons)) expect(reason).toMatch(/[\u4e00-\u9fa5]/);
  });

  it('has a case above for every rule and every exclusion', () => {
    const covered = new Set<string>([...cases.map(([, , , basis]) => basis), 'applicant']);
    expect([...covered].sort()).toEqual(Object.keys(membershipReasons).sort());
  });

  it('decides each candidate on its own, in the order given', () => {
    const decisions = decideMembership(
      [
        applicant,
        { ...person, personId: 's', relation: 'spouse', inPrison: true },
        { ...person, personId: 'k', relation: 'child', birthDate: '2015-01-01' },
      ],
      on,
    );
    expect(decisions.map((d) => [d.personId, d.included])).toEqual([
      ['a', true],
      ['s', false],
      ['k', true],
    ]);
  });

  it('maps GB/T 4761-2008 codes to relations with the applicant as head', () => {
    const codes = ['02', '10', '12', '20', '27', '31', '28', '38', '41', '45', '47', '51', '53', '56', '57'];
    const more = ['61', '65', '66', '71', '72', '78', '80', '97', '99'];
    expect([...codes, ...more].map((code) => [code, relationFromHukouCode(code)])).toEqual([
      ['02', 'applicant'],
      ['10', 'spouse'],
      ['12', 'spouse'],
      ['20', 'child'],
      ['27', 'child'],
      ['31', 'child'],
      ['28', 'other_relative'],
      ['38', 'other_relative'],
      ['41', 'grandchild'],
      ['45', 'other_relative'],
      ['47', 'other_relative'],
      ['51', 'parent'],
      ['53', 'other_relative'],
      ['56', 'other_relative'],
      ['57', 'parent'],
      ['61', 'grandparent'],
      ['65', 'other_relative'],
      ['66', 'other_relative'],
      ['71', 'sibling'],
      ['72', 'other_relative'],
      ['78', 'other_relative'],
      ['80', 'other_relative'],
      ['97', 'other_relative'],
      ['99', 'non_relative'],
    ]);
  });
});
