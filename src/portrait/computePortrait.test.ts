import { describe, expect, it } from 'vitest';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { ResolvedFact } from '../registry/facts/resolveFacts.ts';
import { loadPortraitDefinitions } from './portraitDefinitions.ts';
import { computePortrait } from './computePortrait.ts';
import type { PersonInput } from './portraitBindings.ts';

const catalogue = loadVariableCatalogue();
const definitions = loadPortraitDefinitions(catalogue);
const asOf = '2026-11-01';

function fact(variable: string, value: number | boolean | string): ResolvedFact {
  return {
    variable,
    value,
    source: 'tax',
    observedAt: '2026-10-01',
    validFrom: '2026-10-01',
    validTo: null,
    factId: 1,
    basis: 'latest',
    competing: [],
  };
}

function person(
  id: string,
  birthDate: string,
  facts: ResolvedFact[] = [],
  deathDate: string | null = null,
): PersonInput {
  return {
    id,
    sex: 'female',
    birthDate,
    deathDate,
    hukouAreaCode: '371082101201',
    residenceAreaCode: '371082101201',
    relationship: null,
    facts,
    events: [],
  };
}

describe('computePortrait', () => {
  it('treats a variable nobody reported as unknown, not as zero or no', () => {
    const { persons } = computePortrait(definitions, catalogue, null, person('a', '1990-01-01'), asOf);
    const a = persons.get('a');
    expect(a?.values).toMatchObject({
      age: 36,
      income_monthly: null,
      annual_income: null,
      income_or_zero: 0,
    });
    // `false && unknown` is false: a 36-year-old is not elderly whatever the data lacks.
    expect(a?.tags.widowed_elderly).toBe('no');
  });

  it('derives household totals and per-capita income from members, and tags from them', () => {
    const input = {
      facts: [],
      assistanceTypes: ['dibao'],
      members: [
        person('mother', '1988-05-01', [fact('monthly_income', 1500), fact('employment_status', 'employed')]),
        person('child', '2014-02-01', [fact('student_stage', 'primary')]),
        person('grandma', '1950-01-01', [fact('pension_monthly', 600.5), fact('disability_grade', '2')]),
      ],
    };
    const { household, persons } = computePortrait(definitions, catalogue, input, null, asOf);
    expect(household?.values).toMatchObject({
      member_count: 3,
      monthly_income_total: 2100.5,
      monthly_income_per_capita: 700.17,
      annual_income_per_capita: 8402,
      severe_disability_members: 1,
      pupils: 1,
      elderly_members: 1,
    });
    expect(household?.tags).toMatchObject({
      dibao_household: 'yes',
      severe_disability_household: 'yes',
      old_and_young_household: 'no',
      // Mother, child and grandmother: two adults, so not a single-parent household.
      single_parent_household: 'no',
      elderly_living_alone: 'no',
      zero_employment_household: 'no',
    });
    expect(persons.get('grandma')?.tags).toMatchObject({ severe_disability: 'yes', disabled_elderly: 'yes' });
    expect(persons.get('child')?.tags).toMatchObject({
      pupil: 'yes',
      minor: 'yes',
      school_age_not_enrolled: 'no',
    });
  });

  it('sees the death of a working-age member within twelve months; the dead carry no tags', () => {
    const input = {
      facts: [],
      assistanceTypes: [],
      members: [person('widow', '1980-01-01'), person('husband', '1978-01-01', [], '2026-03-15')],
    };
    const { household, persons } = computePortrait(definitions, catalogue, input, null, asOf);
    expect(household?.values.member_count).toBe(1);
    expect(household?.tags.lost_working_age_member).toBe('yes');
    expect(persons.get('husband')?.values.age).toBe(48);
    expect(persons.get('husband')?.tags).toEqual({});
    const later = computePortrait(definitions, catalogue, input, null, '2027-04-01');
    expect(later.household?.tags.lost_working_age_member).toBe('no');
  });

  it('sums event variables over their window: settlements of the last twelve months count, older ones not', () => {
    const claim = (on: string, value: number) => ({
      variable: 'medical_claim_out_of_pocket',
      on,
      value,
      source: 'medical_security',
      factId: 1,
    });
    const patient = {
      ...person('p', '1960-01-01'),
      events: [claim('2025-10-31', 9000), claim('2025-11-02', 1200.5), claim('2026-10-15', 300)],
    };
    const { persons } = computePortrait(definitions, catalogue, null, patient, asOf);
    expect(persons.get('p')?.values.out_of_pocket_12m).toBe(1500.5);
    // No settlements at all: the summary value if any, else zero (the claims data covers everyone insured).
    const none = computePortrait(definitions, catalogue, null, person('q', '1960-01-01'), asOf);
    expect(none.persons.get('q')?.values.out_of_pocket_12m).toBe(0);
  });

  it('flags out-of-pocket medical cost above 50,000 yuan across the household', () => {
    const input = {
      facts: [],
      assistanceTypes: [],
      members: [
        person('a', '1970-01-01', [fact('medical_out_of_pocket_12m', 30000)]),
        person('b', '1972-01-01', [fact('medical_out_of_pocket_12m', 20000.01)]),
      ],
    };
    expect(
      computePortrait(definitions, catalogue, input, null, asOf).household?.tags.high_medical_cost_household,
    ).toBe('yes');
    input.members[1] = person('b', '1972-01-01', [fact('medical_out_of_pocket_12m', 20000)]);
    expect(
      computePortrait(definitions, catalogue, input, null, asOf).household?.tags.high_medical_cost_household,
    ).toBe('no');
  });
});
