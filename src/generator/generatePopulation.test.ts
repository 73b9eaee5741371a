import { testVillages } from './testVillages.ts';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn } from '../core/isoDate.ts';
import { parseResidentId } from '../registry/residentId/index.ts';
import {
  generatePopulation,
  MAX_HOUSEHOLDS,
  type GeneratorOptions,
  type GenPerson,
  type GenPopulation,
} from './generatePopulation.ts';
import { isRelationshipCode } from '../registry/households/relationshipCodes.ts';

const COUNTY = '371082';
const TODAY = '2025-06-30';

const villages = testVillages;
const villageCodes = new Set(villages.map((v) => v.code));

const options: GeneratorOptions = {
  countyCode: COUNTY,
  villages,
  households: 5000,
  seed: 20250630,
  referenceDate: TODAY,
};

const hashOf = (population: GenPopulation): string =>
  createHash('sha256').update(JSON.stringify(population)).digest('hex');

const population = generatePopulation(options);
const personByKey = new Map(population.persons.map((p) => [p.key, p]));
const person = (key: string): GenPerson => {
  const found = personByKey.get(key);
  if (!found) throw new Error(`no person ${key}`);
  return found;
};
const isLocal = (code: string): boolean => code.startsWith(COUNTY);
const localPersons = population.persons.filter((p) => isLocal(p.hukouAreaCode));
const share = (part: number, whole: number): number => part / whole;

/** Whole years from the older to the younger birth date. */
const yearsBetween = (older: GenPerson, younger: GenPerson): number =>
  ageOn(older.birthDate, younger.birthDate);

describe('generatePopulation', () => {
  it('is deterministic: the same options give the same population', () => {
    const again = generatePopulation(options);
    expect(again).toEqual(population);
    expect(hashOf(again)).toBe(hashOf(population));
  });

  it('does not depend on the order the villages are listed in', () => {
    expect(hashOf(generatePopulation({ ...options, villages: [...villages].reverse() }))).toBe(
      hashOf(population),
    );
  });

  it('gives a different population for a different seed', () => {
    const other = generatePopulation({ ...options, seed: options.seed + 1 });
    expect(hashOf(other)).not.toBe(hashOf(population));
    expect(other.persons.slice(0, 20).map((p) => p.idNumber)).not.toEqual(
      population.persons.slice(0, 20).map((p) => p.idNumber),
    );
  });

  it('makes the requested number of households with a county-like mean size', () => {
    expect(population.hukouHouseholds).toHaveLength(5000);
    const mean = population.persons.length / population.hukouHouseholds.length;
    expect(mean).toBeGreaterThan(2.3);
    expect(mean).toBeLessThan(3.0);
    const sizes = population.hukouHouseholds.map((h) => h.members.length);
    const ofSize = (n: number): number => share(sizes.filter((s) => s === n).length, sizes.length);
    expect(ofSize(1)).toBeGreaterThan(0.12); // single elderly and single adults
    expect(ofSize(2)).toBeGreaterThan(0.25); // elderly couples above all
    expect(ofSize(3)).toBeGreaterThan(0.15);
    expect(share(sizes.filter((s) => s >= 6).length, sizes.length)).toBeGreaterThan(0.01);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(10);
  });

  it('reports stats that match the population', () => {
    const { stats } = population;
    expect(stats.households).toBe(population.hukouHouseholds.length);
    expect(stats.persons).toBe(population.persons.length);
    expect(stats.deceased).toBe(population.persons.filter((p) => p.deathDate !== null).length);
    expect(stats.nonLocal).toBe(population.persons.length - localPersons.length);
    expect(stats.livingAway).toBe(localPersons.filter((p) => p.residenceAreaCode !== p.hukouAreaCode).length);
  });

  it('uses stable keys and unique nine-digit hukou numbers', () => {
    expect(population.persons.map((p) => p.key)).toEqual(
      population.persons.map((_, i) => `P${String(i + 1).padStart(6, '0')}`),
    );
    expect(population.hukouHouseholds.map((h) => h.key)).toEqual(
      population.hukouHouseholds.map((_, i) => `H${String(i + 1).padStart(6, '0')}`),
    );
    const numbers = population.hukouHouseholds.map((h) => h.hukouNumber);
    for (const n of numbers) expect(n).toMatch(/^[1-9]\d{8}$/);
    expect(new Set(numbers).size).toBe(numbers.length);
  });

  it('puts every person in exactly one household', () => {
    const counts = new Map<string, number>();
    for (const h of population.hukouHouseholds) {
      for (const m of h.members) counts.set(m.personKey, (counts.get(m.personKey) ?? 0) + 1);
    }
    expect(counts.size).toBe(population.persons.length);
    for (const count of counts.values()) expect(count).toBe(1);
  });

  it('gives every household exactly one head, listed first', () => {
    for (const h of population.hukouHouseholds) {
      expect(h.members[0]?.relationship).toBe('02');
      expect(h.members[0]?.personKey).toBe(h.headKey);
      expect(h.members.filter((m) => m.relationship === '02')).toHaveLength(1);
    }
  });

  it('uses only GB/T 4761-2008 relationship codes, with a variety of family types', () => {
    const used = new Set<string>();
    for (const h of population.hukouHouseholds) for (const m of h.members) used.add(m.relationship);
    for (const code of used) expect(isRelationshipCode(code)).toBe(true);
    // spouses, children, in-laws, grandchildren, parents, siblings, non-relatives
    for (const code of ['12', '21', '22', '32', '38', '28', '41', '44', '51', '52', '71', '99']) {
      expect(used).toContain(code);
    }
  });

  it('issues unique, valid ID numbers that agree with birth date and sex', () => {
    const ids = population.persons.map((p) => p.idNumber);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of population.persons) {
      const parsed = parseResidentId(p.idNumber);
      expect(parsed.ok, p.idNumber).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.value.birthDate).toBe(p.birthDate);
      expect(parsed.value.sex).toBe(p.sex);
    }
  });

  it('gives about 8 % of persons an ID number first issued outside the county', () => {
    const nonLocalIds = population.persons.filter((p) => !p.idNumber.startsWith(COUNTY)).length;
    const ratio = share(nonLocalIds, population.persons.length);
    expect(ratio).toBeGreaterThan(0.05);
    expect(ratio).toBeLessThan(0.11);
  });

  it('has no one born after the reference date, and an ageing age structure', () => {
    const ages = population.persons.map((p) => ageOn(p.birthDate, TODAY));
    for (const p of population.persons) expect(p.birthDate <= TODAY).toBe(true);
    expect(Math.min(...ages)).toBe(0);
    expect(Math.max(...ages)).toBeGreaterThanOrEqual(95);
    expect(Math.max(...ages)).toBeLessThanOrEqual(103);
    const ofAges = (min: number, max: number): number =>
      share(ages.filter((a) => a >= min && a <= max).length, ages.length);
    expect(ofAges(60, 200)).toBeGreaterThan(0.22);
    expect(ofAges(60, 200)).toBeLessThan(0.4);
    expect(ofAges(50, 69)).toBeGreaterThan(ofAges(0, 19));
    expect(ofAges(0, 14)).toBeLessThan(0.18);
  });

  it('spreads birth dates: no one day is given to a crowd (a clamped age once was)', () => {
    const perDay = new Map<string, number>();
    for (const p of population.persons) perDay.set(p.birthDate, (perDay.get(p.birthDate) ?? 0) + 1);
    // ≈ 13,000 persons over ≈ 36,000 days: a handful at most share a day. Ages below a minimum
    // (wives' legal age 20, …) were once set to exactly it, and one day held 13 (at 360,000
    // households, more than the 499 ID sequences a day and sex has).
    const [day, most] = [...perDay].reduce((a, b) => (b[1] > a[1] ? b : a));
    expect(most, day).toBeLessThanOrEqual(8);
  });

  it('keeps ages consistent within families', () => {
    for (const h of population.hukouHouseholds) {
      const head = person(h.headKey);
      const spouse = h.members.find((m) => ['10', '11', '12'].includes(m.relationship));
      for (const m of h.members) {
        const p = person(m.personKey);
        const code = Number(m.relationship);
        const isChild = (code >= 20 && code <= 39 && code !== 28 && code !== 38) || code === 40;
        if (isChild) expect(yearsBetween(head, p), `${h.key} ${m.relationship}`).toBeGreaterThanOrEqual(15);
        if (code >= 41 && code <= 44) expect(yearsBetween(head, p), h.key).toBeGreaterThanOrEqual(30);
        if (code === 51 || code === 52) expect(yearsBetween(p, head), h.key).toBeGreaterThanOrEqual(15);
        if (code >= 53 && code <= 56) {
          expect(spouse, h.key).toBeDefined();
          if (spouse) expect(yearsBetween(p, person(spouse.personKey)), h.key).toBeGreaterThanOrEqual(15);
        }
        if (code >= 10 && code <= 12) {
          expect(p.sex).not.toBe(head.sex);
          expect(Math.abs(ageOn(p.birthDate, TODAY) - ageOn(head.birthDate, TODAY))).toBeLessThanOrEqual(13);
          if (code === 11) expect(p.sex).toBe('male');
          if (code === 12) expect(p.sex).toBe('female');
        }
        if ([21, 22, 23, 24, 25, 26, 28, 41, 43, 51, 53, 55, 71, 73, 93, 95].includes(code))
          expect(p.sex).toBe('male');
        if ([31, 32, 33, 34, 35, 36, 38, 42, 44, 52, 54, 56, 75, 77, 94, 96].includes(code))
          expect(p.sex).toBe('female');
      }
    }
  });

  it('mostly passes the father’s surname to the children', () => {
    let children = 0;
    let same = 0;
    for (const h of population.hukouHouseholds) {
      const head = person(h.headKey);
      if (head.sex !== 'male') continue;
      for (const m of h.members) {
        if (!/^2[0-6]$|^3[0-6]$/.test(m.relationship)) continue;
        children++;
        if (person(m.personKey).name.startsWith(head.name.slice(0, 1))) same++;
      }
    }
    expect(share(same, children)).toBeGreaterThan(0.85);
    for (const p of population.persons) expect(Array.from(p.name).length).toBeGreaterThanOrEqual(2);
    for (const p of population.persons) expect(Array.from(p.name).length).toBeLessThanOrEqual(3);
  });

  it('registers local households in the villages and about 4 % of households elsewhere', () => {
    const nonLocal = population.hukouHouseholds.filter((h) => !isLocal(h.areaCode));
    expect(share(nonLocal.length, population.hukouHouseholds.length)).toBeGreaterThan(0.025);
    expect(share(nonLocal.length, population.hukouHouseholds.length)).toBeLessThan(0.055);
    for (const h of population.hukouHouseholds) {
      expect(h.areaCode).toMatch(/^\d{12}$/);
      if (isLocal(h.areaCode)) expect(villageCodes.has(h.areaCode)).toBe(true);
      for (const m of h.members) {
        const p = person(m.personKey);
        expect(p.hukouAreaCode).toBe(h.areaCode);
        // Non-local households live in the county: that is why the platform knows them.
        if (!isLocal(h.areaCode)) expect(villageCodes.has(p.residenceAreaCode)).toBe(true);
      }
    }
    // Every village is used, town communities more than villages.
    const perVillage = new Map<string, number>();
    for (const p of population.persons) {
      perVillage.set(p.residenceAreaCode, (perVillage.get(p.residenceAreaCode) ?? 0) + 1);
    }
    for (const code of villageCodes) expect(perVillage.get(code) ?? 0).toBeGreaterThan(0);
  });

  it('has about 10 % living elsewhere in the county and 3 % outside it', () => {
    const elsewhereInCounty = localPersons.filter(
      (p) => p.residenceAreaCode !== p.hukouAreaCode && isLocal(p.residenceAreaCode),
    );
    const outside = localPersons.filter((p) => !isLocal(p.residenceAreaCode));
    expect(share(elsewhereInCounty.length, localPersons.length)).toBeGreaterThan(0.07);
    expect(share(elsewhereInCounty.length, localPersons.length)).toBeLessThan(0.13);
    expect(share(outside.length, localPersons.length)).toBeGreaterThan(0.015);
    expect(share(outside.length, localPersons.length)).toBeLessThan(0.045);
    for (const p of elsewhereInCounty) expect(villageCodes.has(p.residenceAreaCode)).toBe(true);
    for (const p of outside) expect(p.residenceAreaCode).toMatch(/^\d{6}000000$/);
    // Those who moved are mostly working age; the elderly stay in their village.
    const age = (p: GenPerson): number => ageOn(p.birthDate, TODAY);
    const movedShare = (min: number, max: number): number => {
      const group = localPersons.filter((p) => age(p) >= min && age(p) <= max);
      return share(group.filter((p) => p.residenceAreaCode !== p.hukouAreaCode).length, group.length);
    };
    expect(movedShare(20, 40)).toBeGreaterThan(movedShare(70, 120) * 2);
  });

  it('records a small, mostly elderly share of deaths not yet cancelled', () => {
    const dead = population.persons.filter((p) => p.deathDate !== null);
    expect(share(dead.length, population.persons.length)).toBeGreaterThan(0.002);
    expect(share(dead.length, population.persons.length)).toBeLessThan(0.01);
    for (const p of dead) {
      const deathDate = p.deathDate ?? '';
      expect(deathDate > p.birthDate).toBe(true);
      expect(deathDate < TODAY).toBe(true);
    }
    const elderly = dead.filter((p) => ageOn(p.birthDate, TODAY) >= 60).length;
    expect(share(elderly, dead.length)).toBeGreaterThan(0.7);
  });

  it('gives unique mobile numbers to nearly all adults and none to small children', () => {
    const phones = population.persons.flatMap((p) => (p.phone === null ? [] : [p.phone]));
    for (const phone of phones) expect(phone).toMatch(/^1[3-9]\d{9}$/);
    expect(new Set(phones).size).toBe(phones.length);
    for (const p of population.persons) if (ageOn(p.birthDate, TODAY) < 12) expect(p.phone).toBeNull();
    const adults = population.persons.filter((p) => {
      const age = ageOn(p.birthDate, TODAY);
      return age >= 18 && age < 75;
    });
    expect(share(adults.filter((p) => p.phone !== null).length, adults.length)).toBeGreaterThan(0.93);
  });

  it('handles tiny populations', () => {
    expect(generatePopulation({ ...options, households: 0 })).toEqual({
      persons: [],
      hukouHouseholds: [],
      stats: { households: 0, persons: 0, livingAway: 0, nonLocal: 0, deceased: 0 },
    });
    const one = generatePopulation({ ...options, households: 1, villages: villages.slice(2, 3) });
    expect(one.hukouHouseholds).toHaveLength(1);
    // With a single village nobody can live in another village of the county.
    for (const p of one.persons) {
      if (isLocal(p.residenceAreaCode)) expect(p.residenceAreaCode).toBe(villages[2]?.code);
    }
  });

  it('keeps its invariants for any seed and size (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
        fc.integer({ min: 1, max: 300 }),
        (seed, households) => {
          const small = generatePopulation({ ...options, seed, households });
          expect(small.hukouHouseholds).toHaveLength(households);
          expect(new Set(small.persons.map((p) => p.idNumber)).size).toBe(small.persons.length);
          for (const p of small.persons) {
            expect(p.birthDate <= TODAY).toBe(true);
            const parsed = parseResidentId(p.idNumber);
            expect(parsed.ok && parsed.value.birthDate === p.birthDate && parsed.value.sex === p.sex).toBe(
              true,
            );
          }
          for (const h of small.hukouHouseholds) {
            expect(h.members[0]?.relationship).toBe('02');
            for (const m of h.members) expect(isRelationshipCode(m.relationship)).toBe(true);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('rejects invalid options', () => {
    expect(() => generatePopulation({ ...options, countyCode: '37108' })).toThrow(RangeError);
    expect(() => generatePopulation({ ...options, villages: [] })).toThrow(RangeError);
    const outside = {
      code: '371083001001',
      name: '外县',
      kind: 'residents_committee',
      townshipCode: '371083001000',
    } as const;
    expect(() => generatePopulation({ ...options, villages: [...villages, outside] })).toThrow(
      /inside county/,
    );
    expect(() =>
      generatePopulation({ ...options, villages: [...villages, ...villages.slice(0, 1)] }),
    ).toThrow(/twice/);
    expect(() => generatePopulation({ ...options, households: MAX_HOUSEHOLDS + 1 })).toThrow(RangeError);
    expect(() => generatePopulation({ ...options, households: 2.5 })).toThrow(RangeError);
    expect(() => generatePopulation({ ...options, seed: 0.5 })).toThrow(RangeError);
    expect(() => generatePopulation({ ...options, referenceDate: '2025-02-30' })).toThrow(RangeError);
  });
});
