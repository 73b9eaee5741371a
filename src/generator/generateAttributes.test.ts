import { describe, expect, it } from 'vitest';
import { standardOf } from './attributeDraft.ts';
import { generateAttributes } from './generateAttributes.ts';
import { generatePopulation } from './generatePopulation.ts';
import { TEKUN_DISPERSED_SHARE } from './assignTekun.ts';
import { testVillages } from './testVillages.ts';

const COUNTY = '371082';
const TODAY = '2025-06-30';
const population = generatePopulation({
  countyCode: COUNTY,
  villages: testVillages,
  households: 2000,
  seed: 7,
  referenceDate: TODAY,
});
const attributes = generateAttributes(population, { countyCode: COUNTY, seed: 7, referenceDate: TODAY });
const ageOf = (birthDate: string): number => {
  const [y, m, d] = birthDate.split('-').map(Number) as [number, number, number];
  const age = 2025 - y;
  return m > 6 || (m === 6 && d > 30) ? age - 1 : age;
};
const persons = population.persons.map((p, i) => ({
  ...p,
  age: ageOf(p.birthDate),
  a: attributes.persons[i],
}));

describe('generateAttributes', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const again = generateAttributes(population, { countyCode: COUNTY, seed: 7, referenceDate: TODAY });
    expect(JSON.stringify(again)).toBe(JSON.stringify(attributes));
    const other = generateAttributes(population, { countyCode: COUNTY, seed: 8, referenceDate: TODAY });
    expect(JSON.stringify(other)).not.toBe(JSON.stringify(attributes));
  });

  it('leaves the population as it was', () => {
    const fresh = generatePopulation({
      countyCode: COUNTY,
      villages: testVillages,
      households: 2000,
      seed: 7,
      referenceDate: TODAY,
    });
    expect(JSON.stringify(population)).toBe(JSON.stringify(fresh));
  });

  it('gives one record per person and per household', () => {
    expect(attributes.persons).toHaveLength(population.persons.length);
    expect(attributes.households).toHaveLength(population.hukouHouseholds.length);
  });

  it('certifies disability for about 6 % of people, mostly grades 3 and 4', () => {
    const disabled = attributes.persons.filter((p) => p.disability !== null);
    const share = disabled.length / attributes.persons.length;
    expect(share).toBeGreaterThan(0.045);
    expect(share).toBeLessThan(0.08);
    const mild = disabled.filter((p) => p.disability?.grade === '3' || p.disability?.grade === '4').length;
    expect(mild / disabled.length).toBeGreaterThan(0.65);
    for (const p of disabled) expect((p.disability?.certifiedOn ?? '') < TODAY).toBe(true);
  });

  it('has tekun at Rongcheng’s rate, dispersed to concentrated about 3,212 : 1,160', () => {
    const dispersed = attributes.persons.filter((p) => p.tekun === 'dispersed').length;
    const concentrated = attributes.persons.filter((p) => p.tekun === 'concentrated').length;
    const total = dispersed + concentrated;
    expect(total / attributes.persons.length).toBeGreaterThan(0.004);
    expect(total / attributes.persons.length).toBeLessThan(0.008);
    expect(Math.abs(dispersed / total - TEKUN_DISPERSED_SHARE)).toBeLessThan(0.03);
  });

  it('has a long tail of medical costs: some households above 50,000 yuan', () => {
    const costs = attributes.persons.map((p) => p.medicalOutOfPocket12m).sort((a, b) => a - b);
    const median = costs[Math.floor(costs.length / 2)] ?? 0;
    expect(median).toBeLessThan(2000);
    const over = population.hukouHouseholds.filter(
      (h) =>
        h.members.reduce(
          (sum, m) =>
            sum + (attributes.persons[Number(m.personKey.slice(1)) - 1]?.medicalOutOfPocket12m ?? 0),
          0,
        ) > 50_000,
    );
    expect(over.length).toBeGreaterThan(0);
    expect(attributes.events.filter((e) => e.kind === 'medical_cost_over_50000')).toHaveLength(over.length);
  });

  it('keeps attributes consistent with age and with each other', () => {
    for (const p of persons) {
      const a = p.a;
      if (!a) throw new Error('missing attributes');
      if (a.studentStage !== null)
        expect(a.employment === null || a.employment === 'not_in_labour_force').toBe(true);
      if (p.age < 16) expect(a.employment).toBeNull();
      if (a.employment === 'retired') expect(p.age).toBeGreaterThanOrEqual(45);
      if (a.studentStage === 'primary') expect(p.age).toBeLessThanOrEqual(11);
      if (a.inPrison) expect(a.monthlyIncome).toBe(0);
      if (a.unemployedSince !== null) expect(a.employment).toBe('registered_unemployed');
      if (p.age < 18) expect(a.maritalStatus).toBe('10');
      if (a.tekun !== null) {
        expect(p.deathDate).toBeNull();
        expect(a.monthlyIncome).toBe(0);
        const d = a.disability;
        expect(p.age >= 60 || p.age < 16 || (d !== null && d.grade !== '4')).toBe(true);
      }
    }
  });

  it('enrols only low-income households in dibao', () => {
    const dibao = attributes.households.filter((h) => h.dibao);
    expect(dibao.length).toBeGreaterThan(0);
    expect(dibao.length / attributes.households.length).toBeLessThan(0.06);
    attributes.households.forEach((h, i) => {
      if (!h.dibao) return;
      const living = population.hukouHouseholds[i]?.members.filter((m) => {
        const p = persons[Number(m.personKey.slice(1)) - 1];
        return p?.deathDate === null && p.a?.inPrison === false;
      });
      expect(h.monthlyIncome / (living?.length ?? 1)).toBeLessThan(standardOf(h.setting));
      expect(h.nearDibao).toBe(false);
    });
  });

  it('plants each kind of hardship event on a real person and household', () => {
    const kinds = new Set(attributes.events.map((e) => e.kind));
    expect(kinds.has('medical_cost_over_50000')).toBe(true);
    expect(kinds.has('new_severe_disability')).toBe(true);
    const keys = new Set(population.persons.map((p) => p.key));
    const households = new Set(population.hukouHouseholds.map((h) => h.key));
    for (const e of attributes.events) {
      expect(keys.has(e.personKey)).toBe(true);
      expect(households.has(e.householdKey)).toBe(true);
      expect(e.date <= TODAY).toBe(true);
    }
  });
});
