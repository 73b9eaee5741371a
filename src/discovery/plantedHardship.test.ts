import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../db/testing/eachDatabase.ts';
import { testContext } from '../http/testing/buildTestApp.ts';
import { importGeneratedCounty } from '../ingest/testing/importGeneratedCounty.ts';
import { testFieldCipher } from '../core/fieldCipher.ts';
import { startScreening } from './screeningRun.ts';
import { loadParameters } from '../rules/parameters/parameterSet.ts';
import { ageOn } from '../core/isoDate.ts';
import { monthsBetween } from '../rules/ruleEnvironment.ts';

const asOf = '2026-11-01';
/**
 * Precision and recall every discovery model must reach against the ground truth, defects
 * included. Models that read only what the feeds carry whole (certificates, rosters, ages,
 * diagnoses) must also have every disagreement explained by a planted defect; one that reads
 * income cannot, since part of a household's true income reaches no department.
 */
const MODEL_FLOOR = { precision: 0.85, recall: 0.85 };
const READS_INCOME = new Set(['major_illness_temporary_aid']);

interface PlantedEvent {
  kind: string;
  personKey: string;
  householdKey: string;
  date: string;
}

/**
 * The warning each planted kind of hardship must raise, whom it is about, and the feeds its
 * evidence comes from (for the household's members): an event whose evidence a planted defect
 * changed — a settlement dated years back, a roster row with an unknown code that keeps the
 * whole case out (ADR 0013), a death record without a valid ID — cannot be seen by anyone, so it
 * is counted apart rather than expected.
 */
const expectedWarning: Record<string, { warning: string; on: 'household' | 'person'; feeds: string[] }> = {
  medical_cost_over_50000: {
    warning: 'high_medical_cost',
    on: 'household',
    feeds: ['medical_security_claims'],
  },
  main_earner_death: {
    warning: 'earner_died',
    on: 'person',
    feeds: ['public_security_population', 'tax_income', 'human_resources_employment'],
  },
  new_severe_disability: {
    warning: 'new_severe_disability',
    on: 'person',
    feeds: ['disabled_federation_certificates', 'public_security_population'],
  },
  unemployment_in_dibao_household: {
    warning: 'unemployed_in_assisted_household',
    on: 'person',
    feeds: ['civil_affairs_assistance_roster', 'human_resources_employment', 'public_security_population'],
  },
};

const readJsonLines = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as T);

/**
 * Issue 6's bar: every hardship event the generator planted in a county (its ground truth) is
 * found by a screening run after the county arrives through the fourteen departments' feeds,
 * defects and all — recall 100 % — and the precision of the same warnings is reported.
 */
describe('planted hardship against the ground truth', () => {
  let test: TestDatabase & { dispose(): Promise<void> };
  let dir: string;
  beforeAll(async () => {
    test = await openTestDatabase('sqlite');
    // The demo county itself (`npm start`: 5,000 households, seed 1, one row per person and series).
    dir = await importGeneratedCounty(test, {
      households: 5000,
      seed: 1,
      referenceDate: asOf,
      detail: 'snapshot',
    });
  }, 180_000);
  let screened = false;
  /** Registry ids by what the ground truth knows: persons by ID number, households by hukou number. */
  const registryIds = async () => {
    const cipher = testFieldCipher();
    const personId = new Map(
      (await test.db.selectFrom('persons').select(['id', 'id_number_enc']).execute()).map((p) => [
        cipher.decrypt(p.id_number_enc),
        p.id,
      ]),
    );
    const householdId = new Map(
      (await test.db.selectFrom('hukou_households').select(['id', 'hukou_number']).execute()).map((h) => [
        h.hukou_number,
        h.id,
      ]),
    );
    return { personId, householdId };
  };
  afterAll(async () => {
    await test.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  // A whole demo county screened (≈ 20 s alone): three times that when the suite loads both cores.
  it(
    'finds every planted medical-cost, earner-death, new severe-disability and unemployment event',
    { timeout: 180_000 },
    async () => {
      const run = await (
        await startScreening(testContext(test), { trigger: 'manual', startedBy: 'test', asOf })
      ).done;
      expect(run.status).toBe('completed');
      screened = true;
      const truth = path.join(dir, 'truth');
      const events = readJsonLines<PlantedEvent>(path.join(truth, 'events.jsonl'));
      const idNumberOf = new Map(
        readJsonLines<{ key: string; idNumber: string }>(path.join(truth, 'persons.jsonl')).map((p) => [
          p.key,
          p.idNumber,
        ]),
      );
      const households = readJsonLines<{
        key: string;
        hukouNumber: string;
        members: { personKey: string }[];
      }>(path.join(truth, 'households.jsonl'));
      const hukouNumberOf = new Map(households.map((h) => [h.key, h.hukouNumber]));
      const membersOf = new Map(households.map((h) => [h.key, h.members.map((m) => m.personKey)]));
      const cases = readJsonLines<{
        assistanceType: string;
        closedOn: string | null;
        members: { personKey: string }[];
      }>(path.join(truth, 'assistance_households.jsonl'));
      // Defects that lose or move a row's evidence (a repeated row is harmless: it is one row).
      const defects = readJsonLines<{ feed: string; line: number; personKey: string | null; kind: string }>(
        path.join(truth, 'defects.jsonl'),
      ).filter((d) => d.kind !== 'duplicate_row');
      // Medical costs: what the defective settlement rows carried, by person.
      const claims = fs
        .readFileSync(path.join(dir, 'feeds', 'medical_security_claims.jsonl'), 'utf8')
        .split('\n');
      const lostCost = new Map<string, number>();
      for (const d of defects)
        if (d.feed === 'medical_security_claims' && d.personKey) {
          const row = JSON.parse(claims[d.line - 1] ?? '{}') as { grfdzje?: string };
          lostCost.set(d.personKey, (lostCost.get(d.personKey) ?? 0) + Number(row.grfdzje ?? 0));
        }
      const truthPersons = new Map(
        readJsonLines<{
          key: string;
          deathDate: string | null;
          attributes: { medicalOutOfPocket12m: number };
        }>(path.join(truth, 'persons.jsonl')).map((p) => [p.key, p]),
      );
      const { personId, householdId } = await registryIds();
      const warnings = await test.db
        .selectFrom('findings')
        .select(['household_id', 'policy_id', 'subject'])
        .where('kind', '=', 'warning')
        .execute();
      const found = new Set(warnings.map((w) => `${w.policy_id}|${w.subject}|${w.household_id}`));

      const report: string[] = [];
      let expectedTotal = 0;
      for (const [kind, { warning, on, feeds }] of Object.entries(expectedWarning)) {
        const all = events.filter((e) => e.kind === kind);
        const touched = (e: PlantedEvent) => {
          const people = membersOf.get(e.householdKey) ?? [];
          if (kind === 'medical_cost_over_50000') {
            // Still over the line with the defective rows' amounts taken away (living members)?
            const visible = people.reduce((sum, key) => {
              const p = truthPersons.get(key);
              if (!p || p.deathDate !== null) return sum;
              return sum + p.attributes.medicalOutOfPocket12m - (lostCost.get(key) ?? 0);
            }, 0);
            return visible <= 50_000;
          }
          if (kind === 'unemployment_in_dibao_household') {
            // The event follows the household's enrolment; the roster may have closed the case since.
            const dibaoCase = cases.find(
              (c) => c.assistanceType === 'dibao' && c.members.some((m) => m.personKey === e.personKey),
            );
            if (!dibaoCase || (dibaoCase.closedOn !== null && dibaoCase.closedOn <= asOf)) return true;
          }
          // A roster row's defect keeps its member's whole case out, and so does a member the
          // population register lost (the roster row names nobody known); other feeds speak of the person.
          return defects.some(
            (d) =>
              d.personKey !== null &&
              feeds.includes(d.feed) &&
              (d.personKey === e.personKey ||
                ((d.feed === 'civil_affairs_assistance_roster' || d.feed === 'public_security_population') &&
                  feeds.includes('civil_affairs_assistance_roster') &&
                  people.includes(d.personKey))),
          );
        };
        const planted = all.filter((e) => !touched(e));
        expectedTotal += planted.length;
        const missed: string[] = [];
        const expectedKeys = new Set<string>();
        for (const e of all) {
          const household = householdId.get(hukouNumberOf.get(e.householdKey) ?? '') ?? '?';
          const subject =
            on === 'household' ? 'household' : (personId.get(idNumberOf.get(e.personKey) ?? '') ?? '?');
          const key = `${warning}|${subject}|${household}`;
          // Raised for an event with defective evidence is still right (not a false alarm).
          expectedKeys.add(key);
          if (!touched(e) && !found.has(key)) missed.push(`${e.personKey}/${e.householdKey} ${e.date}`);
        }
        const raised = warnings.filter((w) => w.policy_id === warning);
        const matching = raised.filter((w) =>
          expectedKeys.has(`${w.policy_id}|${w.subject}|${w.household_id}`),
        );
        const recall = planted.length === 0 ? 1 : (planted.length - missed.length) / planted.length;
        const precision = raised.length === 0 ? 1 : matching.length / raised.length;
        report.push(
          `${kind} → ${warning}: planted ${String(all.length)} (${String(all.length - planted.length)} with defective evidence set apart), ` +
            `found ${String(planted.length - missed.length)} of ${String(planted.length)} ` +
            `(recall ${(recall * 100).toFixed(1)} %), raised ${String(raised.length)} (precision ${(precision * 100).toFixed(1)} %)` +
            (missed.length > 0 ? `; missed ${missed.join(', ')}` : ''),
        );
        expect(all.length, `${kind}: the county must hold some`).toBeGreaterThan(0);
      }
      expect(expectedTotal).toBeGreaterThan(10);
      console.log(report.join('\n'));
      expect(report.filter((line) => line.includes('missed'))).toEqual([]);
    },
  );

  /**
   * The discovery models (X3) against the same ground truth: each model's definition applied to
   * the generator's true attributes (written here, independently of the YAML) gives the true
   * list; the model, run on what the fourteen departments reported — defects, gaps and all —
   * gives the found list. Precision and recall are printed and held to a floor: the feeds'
   * planted defects (missing fields, stale or conflicting records) cost a few per cent.
   */
  it('scores each discovery model by precision and recall against the ground truth', async () => {
    if (!screened) {
      const run = await (
        await startScreening(testContext(test), { trigger: 'manual', startedBy: 'test', asOf })
      ).done;
      expect(run.status).toBe('completed');
    }
    const truth = path.join(dir, 'truth');
    interface TruthPerson {
      key: string;
      idNumber: string;
      birthDate: string;
      deathDate: string | null;
      householdKey: string | null;
      hukouAreaCode: string;
      residenceAreaCode: string;
      attributes: {
        disability: { grade: string; type: string } | null;
        seriousIllness: boolean;
        medicalOutOfPocket12m: number;
        employment: string | null;
        graduationYear: number | null;
        monthlyIncome: number;
        tekun: string | null;
      };
    }
    interface TruthHousehold {
      key: string;
      hukouNumber: string;
      areaCode: string;
      members: { personKey: string }[];
      attributes: { dibao: boolean; nearDibao: boolean; monthlyIncome: number };
    }
    const persons = new Map(
      readJsonLines<TruthPerson>(path.join(truth, 'persons.jsonl')).map((p) => [p.key, p]),
    );
    const households = readJsonLines<TruthHousehold>(path.join(truth, 'households.jsonl'));
    // Enrolment on the date is the roster's: a case may have closed, or a member left, since the
    // household's attributes were drawn.
    const enrolled = new Map<string, Set<string>>();
    for (const c of readJsonLines<{
      assistanceType: string;
      closedOn: string | null;
      members: { personKey: string; included: boolean; validFrom: string; validTo: string | null }[];
    }>(path.join(truth, 'assistance_households.jsonl'))) {
      if (c.closedOn !== null && c.closedOn <= asOf) continue;
      for (const m of c.members)
        if (m.included && m.validFrom <= asOf && (m.validTo === null || m.validTo > asOf))
          enrolled.set(m.personKey, (enrolled.get(m.personKey) ?? new Set()).add(c.assistanceType));
    }
    const parameters = loadParameters();
    const param = (name: string, area: string) => parameters.valueAt(name, area, asOf)?.value;
    const { personId, householdId } = await registryIds();
    // The true lists, as `policy|subject|household` keys like the findings'; each key's truth household.
    const expected = new Map<string, Set<string>>();
    const householdOfKey = new Map<string, string>();
    const away = new Set<string>();
    const list = (model: string, key: string, household: string) => {
      const set = expected.get(model) ?? new Set<string>();
      set.add(key);
      expected.set(model, set);
      householdOfKey.set(key, household);
    };
    for (const h of households) {
      const hid = householdId.get(h.hukouNumber) ?? `?${h.key}`;
      const members = h.members
        .map((m) => persons.get(m.personKey))
        .filter((p): p is TruthPerson => p !== undefined && (p.deathDate === null || p.deathDate > asOf));
      // The household's open cases, as the portrait's assistance_types: any member counted in one.
      const types = new Set(members.flatMap((p) => [...(enrolled.get(p.key) ?? [])]));
      const assisted = types.size > 0;
      const area = h.areaCode;
      for (const p of members) {
        const pid = personId.get(p.idNumber) ?? `?${p.key}`;
        const a = p.attributes;
        const severe = a.disability !== null && ['1', '2'].includes(a.disability.grade);
        if (ageOn(p.birthDate, asOf) < 18 && (assisted || severe || a.seriousIllness)) {
          list('children_in_difficulty', `children_in_difficulty|${pid}|${hid}`, h.key);
          if (p.hukouAreaCode !== p.residenceAreaCode) away.add(`children_in_difficulty|${pid}|${hid}`);
        }
        if (
          a.graduationYear !== null &&
          `${String(a.graduationYear)}-07-01` <= asOf &&
          monthsBetween(`${String(a.graduationYear)}-07-01`, asOf) <
            Number(param('model.graduate_months', area)) &&
          types.has('dibao') &&
          a.employment !== 'employed' &&
          a.employment !== 'self_employed'
        )
          list('dibao_family_graduates', `dibao_family_graduates|${pid}|${hid}`, h.key);
        const d = a.disability;
        if (
          d !== null &&
          (types.has('dibao') ||
            (param('disability_subsidy.living_includes_near_dibao', area) === true &&
              types.has('nearDibao')) ||
            severe ||
            (param('disability_subsidy.care_includes_grade34_mental', area) === true &&
              ['3', '4'].includes(d.grade) &&
              ['intellectual', 'mental'].includes(d.type)))
        )
          list('unclaimed_disability_subsidies', `unclaimed_disability_subsidies|${pid}|${hid}`, h.key);
      }
      const outOfPocket = members.reduce((sum, p) => sum + p.attributes.medicalOutOfPocket12m, 0);
      const perCapita = members.length > 0 ? h.attributes.monthlyIncome / members.length : 0;
      if (
        members.some((p) => p.attributes.seriousIllness) &&
        perCapita - outOfPocket / 12 / members.length < Number(param('dibao.standard', area)) &&
        !types.has('dibao') &&
        !types.has('tekun')
      )
        list('major_illness_temporary_aid', `major_illness_temporary_aid|household|${hid}`, h.key);
    }
    const listed = await test.db
      .selectFrom('findings')
      .select(['household_id', 'policy_id', 'subject'])
      .where('kind', '=', 'model')
      .execute();
    const found = new Map<string, Set<string>>();
    for (const f of listed) {
      const set = found.get(f.policy_id) ?? new Set<string>();
      set.add(`${f.policy_id}|${f.subject}|${f.household_id}`);
      found.set(f.policy_id, set);
    }
    // A disagreement is explained when a planted defect touched the household's evidence (any
    // member's row: an ID that no longer links, a missing or conflicting value, a roster row
    // that keeps the whole case out); anything else is the model's or the engine's fault.
    const defective = new Set(
      readJsonLines<{ personKey: string | null; kind: string }>(path.join(truth, 'defects.jsonl'))
        .filter((d) => d.kind !== 'duplicate_row' && d.personKey !== null)
        .map((d) => d.personKey),
    );
    const truthHouseholdOf = new Map(
      households.map((h) => [householdId.get(h.hukouNumber) ?? `?${h.key}`, h] as const),
    );
    const explained = (key: string) => {
      const household =
        households.find((h) => h.key === householdOfKey.get(key)) ??
        truthHouseholdOf.get(key.split('|')[2] ?? '');
      return household?.members.some((m) => defective.has(m.personKey)) ?? false;
    };
    const report: string[] = [];
    const scores = new Map<string, { precision: number; recall: number; unexplained: string[] }>();
    for (const model of [
      'children_in_difficulty',
      'dibao_family_graduates',
      'unclaimed_disability_subsidies',
      'major_illness_temporary_aid',
    ]) {
      const truthList = expected.get(model) ?? new Set<string>();
      const foundList = found.get(model) ?? new Set<string>();
      const hits = [...foundList].filter((k) => truthList.has(k)).length;
      const precision = foundList.size === 0 ? 0 : hits / foundList.size;
      const recall = truthList.size === 0 ? 0 : hits / truthList.size;
      const unexplained = [
        ...[...truthList].filter((k) => !foundList.has(k)),
        ...[...foundList].filter((k) => !truthList.has(k)),
      ].filter((k) => !explained(k));
      scores.set(model, { precision, recall, unexplained });
      report.push(
        `${model}: true ${String(truthList.size)}, listed ${String(foundList.size)}, correct ${String(hits)} — ` +
          `precision ${(precision * 100).toFixed(1)} %, recall ${(recall * 100).toFixed(1)} %; ` +
          `disagreements not explained by a planted defect: ${String(unexplained.length)}` +
          (READS_INCOME.has(model) ? ' (income no department reports)' : ''),
      );
      expect(truthList.size, `${model}: the county must hold some`).toBeGreaterThan(0);
    }
    const awayFound = [...away].filter((k) => found.get('children_in_difficulty')?.has(k)).length;
    report.push(
      `children_in_difficulty living away from their hukou: ${String(awayFound)} of ${String(away.size)} listed`,
      `(households with a planted defect in some member's evidence: ${String(
        households.filter((h) => h.members.some((m) => defective.has(m.personKey))).length,
      )} of ${String(households.length)})`,
    );
    console.log(report.join('\n'));
    expect(
      away.size,
      'the county must hold children in difficulty living away from their hukou',
    ).toBeGreaterThan(0);
    for (const [model, { precision, recall, unexplained }] of scores) {
      if (!READS_INCOME.has(model))
        expect(unexplained, `${model}: every miss and every extra comes from a planted defect`).toEqual([]);
      expect(precision, `${model} precision`).toBeGreaterThanOrEqual(MODEL_FLOOR.precision);
      expect(recall, `${model} recall`).toBeGreaterThanOrEqual(MODEL_FLOOR.recall);
    }
  });
});
