import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { testFieldCipher } from '../../core/fieldCipher.ts';
import { describeEachDatabase } from '../../db/testing/eachDatabase.ts';
import { readCountyDivisions } from '../../areas/chinaDivision.ts';
import { importAreaRecords } from '../../areas/importAreas.ts';
import { loadVariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { generatePopulation } from '../../generator/generatePopulation.ts';
import { generateAttributes } from '../../generator/generateAttributes.ts';
import { writeCountyFeeds } from '../../generator/writeCountyFeeds.ts';
import { NO_DEFECTS, type DefectRecord } from '../../generator/feedDefects.ts';
import type { RosterTruthCase } from '../../generator/assistanceRosterRecords.ts';
import { encodeGbk } from '../../generator/gbkEncoder.ts';
import { loadFeeds } from '../feeds/loadFeeds.ts';
import { findAuditRecords } from '../../access/audit/auditRepository.ts';
import { flushAudit } from '../../access/audit/auditWriter.ts';
import { importFile } from './importFile.ts';
import { buildTestApp } from '../../http/testing/buildTestApp.ts';
import type { IngestContext } from './runImport.ts';
import type { Database } from '../../db/schema.ts';
import type { Kysely } from 'kysely';

/**
 * The roster import against the generator's ground truth: the assistance households it
 * builds are the true ones — cases, types, areas, applicants, members with relation,
 * inclusion and dates, closed cases closed — and importing it again changes nothing.
 */
const COUNTY = '371082';
const REFERENCE = '2026-11-01';
const variables = loadVariableCatalogue();
const feeds = loadFeeds(variables);
const populationFeed = feeds.get('public_security_population');
const rosterFeed = feeds.get('civil_affairs_assistance_roster');
if (!populationFeed || !rosterFeed) throw new Error('shipped feeds missing');

// Real villages of Rongcheng, so the generated hukou villages exist in the imported area tree.
const villages = readCountyDivisions(COUNTY)
  .filter((r) => r.level === 'village')
  .slice(0, 12)
  .map((r) => ({
    code: r.code,
    name: r.name,
    kind: Number(r.code.slice(9)) < 200 ? ('residents_committee' as const) : ('village_committee' as const),
    townshipCode: (r.parentCode ?? '').padEnd(12, '0'),
  }));
const population = generatePopulation({
  countyCode: COUNTY,
  villages,
  households: 700,
  seed: 23,
  referenceDate: REFERENCE,
});
const attributes = generateAttributes(population, { countyCode: COUNTY, seed: 23, referenceDate: REFERENCE });
const readJsonLines = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as T);

/** The registry's assistance households as comparable text, by case number. */
async function heldCases(db: Kysely<Database>, idOfPerson: Map<string, string>) {
  const households = await db
    .selectFrom('assistance_households')
    .selectAll()
    .where('case_number', 'is not', null)
    .execute();
  const members = await db.selectFrom('assistance_members').selectAll().execute();
  const out = new Map<string, string>();
  for (const h of households) {
    const rows = members
      .filter((m) => m.household_id === h.id)
      .map((m) =>
        [idOfPerson.get(m.person_id), m.relation, m.included, m.valid_from, m.valid_to ?? '-'].join('|'),
      )
      .sort();
    out.set(
      h.case_number ?? '',
      [
        h.assistance_type,
        h.area_code,
        idOfPerson.get(h.applicant_person_id),
        h.established_on,
        h.closed_on ?? '-',
        ...rows,
      ].join('\n'),
    );
  }
  return out;
}

function truthText(c: RosterTruthCase, keyToId: Map<string, string>): string {
  const rows = c.members
    .map((m) => [m.idNumber, m.relation, m.included ? 1 : 0, m.validFrom, m.validTo ?? '-'].join('|'))
    .sort();
  return [
    c.assistanceType,
    c.areaCode,
    keyToId.get(c.applicantKey),
    c.establishedOn,
    c.closedOn ?? '-',
    ...rows,
  ].join('\n');
}

describeEachDatabase('assistance roster import against the ground truth', (getDb) => {
  let dir = '';
  let context: IngestContext;
  let truth: RosterTruthCase[] = [];
  const keyToId = new Map(population.persons.map((p) => [p.key, p.idNumber]));
  let idOfPerson = new Map<string, string>();

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-roster-'));
    await writeCountyFeeds(population, attributes, {
      outDir: path.join(dir, 'clean'),
      seed: 23,
      feeds: [populationFeed, rosterFeed],
      defects: NO_DEFECTS,
    });
    await writeCountyFeeds(population, attributes, {
      outDir: path.join(dir, 'defective'),
      seed: 23,
      feeds: [populationFeed, rosterFeed],
      defects: { ...NO_DEFECTS, bad_check_digit: 0.02, unknown_code: 0.02, duplicate_row: 0.02 },
    });
    truth = readJsonLines<RosterTruthCase>(path.join(dir, 'clean', 'truth', 'assistance_households.jsonl'));
    const { db } = getDb();
    await importAreaRecords(db, readCountyDivisions(COUNTY), '2023-12-31');
    context = { db, cipher: testFieldCipher(), variables };
    await importFile(
      context,
      populationFeed,
      path.join(dir, 'clean', 'feeds', 'public_security_population.csv'),
      {
        startedBy: 'test',
      },
    );
    const persons = await db.selectFrom('persons').select(['id', 'id_number_enc']).execute();
    idOfPerson = new Map(persons.map((p) => [p.id, context.cipher.decrypt(p.id_number_enc)]));
  }, 120_000);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('generates every kind of case: dibao, near-dibao and tekun, some closed, some with a member who left', () => {
    expect(truth.length).toBeGreaterThan(20);
    const types = new Set(truth.map((c) => c.assistanceType));
    expect([...types].sort()).toEqual(['dibao', 'nearDibao', 'tekun']);
    expect(truth.some((c) => c.closedOn !== null)).toBe(true);
    expect(truth.some((c) => c.closedOn === null && c.members.some((m) => m.validTo !== null))).toBe(true);
    expect(truth.some((c) => c.members.some((m) => !m.included))).toBe(true);
    expect(truth.filter((c) => c.assistanceType === 'tekun').every((c) => c.members.length === 1)).toBe(true);
  });

  it('a roster with defects rebuilds exactly its sound cases and leaves the others alone', async () => {
    const { db } = getDb();
    const file = path.join(dir, 'defective', 'feeds', 'civil_affairs_assistance_roster.csv');
    const result = await importFile(context, rosterFeed, file, { startedBy: 'test' });
    expect(result.status).toBe('completed');
    expect(result.received).toBe(result.accepted + result.rejected + result.duplicate);
    const defects = readJsonLines<DefectRecord>(path.join(dir, 'defective', 'truth', 'defects.jsonl')).filter(
      (d) => d.feed === rosterFeed.id && d.kind !== 'duplicate_row',
    );
    expect(defects.length).toBeGreaterThan(0);
    // The case of each broken row, by its line: rows are written case by case, members in order.
    const lineCase: string[] = [];
    let line = 2;
    const duplicates = new Set(
      readJsonLines<DefectRecord>(path.join(dir, 'defective', 'truth', 'defects.jsonl'))
        .filter((d) => d.feed === rosterFeed.id && d.kind === 'duplicate_row')
        .map((d) => d.line),
    );
    for (const c of truth) {
      for (let m = 0; m < c.members.length; m++) {
        lineCase[line++] = c.caseNumber;
        if (duplicates.has(line - 1)) lineCase[line++] = c.caseNumber;
      }
    }
    const broken = new Set(defects.map((d) => lineCase[d.line]));
    const held = await heldCases(db, idOfPerson);
    expect(broken.size).toBeGreaterThan(0);
    expect(held.size).toBe(truth.length - broken.size);
    for (const c of truth) {
      if (broken.has(c.caseNumber)) expect(held.has(c.caseNumber), c.caseNumber).toBe(false);
      else expect(held.get(c.caseNumber), c.caseNumber).toBe(truthText(c, keyToId));
    }
  });

  it('the clean roster reproduces every true assistance household, and importing it again changes nothing', async () => {
    const { db } = getDb();
    const file = path.join(dir, 'clean', 'feeds', 'civil_affairs_assistance_roster.csv');
    const first = await importFile(context, rosterFeed, file, { startedBy: 'test' });
    expect(first).toMatchObject({ status: 'completed', rejected: 0 });
    const held = await heldCases(db, idOfPerson);
    expect(held.size).toBe(truth.length);
    for (const c of truth) expect(held.get(c.caseNumber), c.caseNumber).toBe(truthText(c, keyToId));

    const snapshot = JSON.stringify([
      await db.selectFrom('assistance_households').selectAll().orderBy('id').execute(),
      await db.selectFrom('assistance_members').selectAll().orderBy('id').execute(),
    ]);
    const again = await importFile(context, rosterFeed, file, { startedBy: 'test' });
    expect(again.duplicate).toBe(again.received);
    expect(
      JSON.stringify([
        await db.selectFrom('assistance_households').selectAll().orderBy('id').execute(),
        await db.selectFrom('assistance_members').selectAll().orderBy('id').execute(),
      ]),
    ).toBe(snapshot);
    await flushAudit(db);
    const builds = await findAuditRecords(db, { action: 'ingest.build.assistance_households', limit: 10 });
    expect(JSON.parse(builds[0]?.detail_json ?? '{}')).toMatchObject({
      created: 0,
      membersAdded: 0,
      membersEnded: 0,
    });
  });

  it('a later roster that drops a member ends that membership on its date, keeping the history', async () => {
    const { db } = getDb();
    const source = path.join(dir, 'clean', 'feeds', 'civil_affairs_assistance_roster.csv');
    const text = new TextDecoder('gbk').decode(fs.readFileSync(source));
    const lines = text.split(/\r?\n/);
    const target = truth.find(
      (c) =>
        c.closedOn === null &&
        c.members.filter((m) => m.validTo === null && m.relation !== 'applicant').length > 0,
    );
    if (!target) throw new Error('no open case with members');
    const leaver = target.members.find((m) => m.validTo === null && m.relation !== 'applicant');
    if (!leaver) throw new Error('no leaver');
    // The next month's roster: the leaver's row gone, the case's rows re-dated.
    const observed = '20261201';
    const kept = lines.filter(
      (l, i) => i === 0 || l === '' || !(l.includes(target.caseNumber) && l.includes(leaver.idNumber)),
    );
    const later = kept.map((l, i) => (i === 0 || l === '' ? l : l.replace(/,\d{8}$/, `,${observed}`)));
    const file = path.join(dir, 'later.csv');
    fs.writeFileSync(file, encodeGbk(later.join('\r\n')));
    const result = await importFile(context, rosterFeed, file, { startedBy: 'test' });
    expect(result.status).toBe('completed');
    const household = await db
      .selectFrom('assistance_households')
      .select('id')
      .where('case_number', '=', target.caseNumber)
      .executeTakeFirstOrThrow();
    const rows = await db
      .selectFrom('assistance_members')
      .selectAll()
      .where('household_id', '=', household.id)
      .execute();
    const leaverRows = rows.filter((r) => idOfPerson.get(r.person_id) === leaver.idNumber);
    expect(leaverRows.map((r) => [r.valid_from, r.valid_to])).toEqual([[leaver.validFrom, '2026-12-01']]);
    expect(rows.filter((r) => r.valid_to === null)).toHaveLength(
      target.members.filter((m) => m.validTo === null).length - 1,
    );
    // The household as staff see it: its case, and the member's ended spell kept.
    const app = await buildTestApp(getDb());
    try {
      const shown = await app.inject({ method: 'GET', url: `/api/assistance-households/${household.id}` });
      expect(shown.statusCode).toBe(200);
      const body = shown.json<{
        caseNumber: string;
        assistanceType: string;
        memberCount: number;
        members: { personId: string; validTo: string | null; reason: string }[];
      }>();
      expect(body).toMatchObject({ caseNumber: target.caseNumber, assistanceType: target.assistanceType });
      expect(body.memberCount).toBe(
        target.members.filter((m) => m.validTo === null && m.included).length - (leaver.included ? 1 : 0),
      );
      const left = body.members.find((m) => idOfPerson.get(m.personId) === leaver.idNumber);
      expect(left?.validTo).toBe('2026-12-01');
      expect(left?.reason).toContain('民政救助名册');
    } finally {
      await app.close();
    }
  });
});
