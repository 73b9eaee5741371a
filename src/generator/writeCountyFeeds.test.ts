import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedDefinition } from '../ingest/feeds/feedDefinition.ts';
import { loadFeeds } from '../ingest/feeds/loadFeeds.ts';
import { interpretRow } from '../ingest/rows/interpretRow.ts';
import { parseResidentId } from '../registry/residentId/index.ts';
import { loadVariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { PersonAttributes } from './attributeDraft.ts';
import type { DefectRecord } from './feedDefects.ts';
import { generateAttributes } from './generateAttributes.ts';
import { generatePopulation } from './generatePopulation.ts';
import { isGbkEncodable } from './gbkEncoder.ts';
import { testVillages } from './testVillages.ts';
import { writeCountyFeeds, type WriteFeedsReport } from './writeCountyFeeds.ts';

const COUNTY = '371082';
const TODAY = '2025-06-30';
const catalogue = loadVariableCatalogue();
const feeds = loadFeeds(catalogue).list();

function make(seed: number) {
  const population = generatePopulation({
    countyCode: COUNTY,
    villages: testVillages,
    households: 600,
    seed,
    referenceDate: TODAY,
  });
  return {
    population,
    attributes: generateAttributes(population, { countyCode: COUNTY, seed, referenceDate: TODAY }),
  };
}

const { population, attributes } = make(11);
let root = '';
let report: WriteFeedsReport;
const dirOf = (name: string): string => path.join(root, name);

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'zhulian-feeds-'));
  report = await writeCountyFeeds(population, attributes, { outDir: dirOf('a'), seed: 11 });
});
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

/** A minimal CSV reader (quotes, doubled quotes), enough for the files the writer makes. */
function parseCsvLine(line: string, delimiter: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? '';
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) {
      cells.push(cell);
      cell = '';
    } else cell += c;
  }
  cells.push(cell);
  return cells;
}

/** The file's records by physical line, as column → text; the header for tabular files. */
async function readFeed(
  feed: FeedDefinition,
  file: string,
): Promise<{ header: string[] | null; lines: Map<number, Record<string, string>> }> {
  const lines = new Map<number, Record<string, string>>();
  if (feed.format === 'xlsx') {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(file);
    const sheet = workbook.worksheets[0];
    if (!sheet) throw new Error('no sheet');
    expect(sheet.name).toBe(feed.sheet ?? feed.name.zh);
    const textOf = (row: number): string[] => {
      const values = sheet.getRow(row).values as unknown[];
      return feed.columns.map((_, i) => (values[i + 1] == null ? '' : (values[i + 1] as string)));
    };
    const header = textOf(1);
    for (let r = 2; r <= sheet.rowCount; r++) {
      const cells = textOf(r);
      lines.set(r, Object.fromEntries(header.map((h, i) => [h, cells[i] ?? ''])));
    }
    return { header, lines };
  }
  const bytes = fs.readFileSync(file);
  const text = new TextDecoder(feed.encoding === 'gbk' ? 'gbk' : 'utf-8').decode(bytes);
  const physical = text.split(/\r?\n/);
  expect(physical.pop()).toBe('');
  if (feed.format === 'jsonl') {
    physical.forEach((line, i) => lines.set(i + 1, JSON.parse(line) as Record<string, string>));
    return { header: null, lines };
  }
  const header = parseCsvLine(physical[0] ?? '', feed.delimiter);
  physical.slice(1).forEach((line, i) => {
    const cells = parseCsvLine(line, feed.delimiter);
    lines.set(i + 2, Object.fromEntries(header.map((h, j) => [h, cells[j] ?? ''])));
  });
  return { header, lines };
}

const fileOf = (out: string, feed: FeedDefinition): string =>
  path.join(out, 'feeds', `${feed.id}.${feed.format}`);
const readJsonl = <T>(file: string): T[] =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as T);

describe('writeCountyFeeds', () => {
  it('writes one file for every feed definition, from all fourteen departments', () => {
    expect(report.feeds.map((f) => f.id).sort()).toEqual(feeds.map((f) => f.id).sort());
    expect(new Set(feeds.map((f) => f.department)).size).toBe(14);
    for (const feed of feeds) expect(fs.existsSync(fileOf(dirOf('a'), feed)), feed.id).toBe(true);
    for (const f of report.feeds) expect(f.rows, f.id).toBeGreaterThan(0);
  });

  it('is byte-identical for the same seed and differs for another', async () => {
    await writeCountyFeeds(population, attributes, { outDir: dirOf('b'), seed: 11 });
    const other = make(12);
    await writeCountyFeeds(other.population, other.attributes, { outDir: dirOf('c'), seed: 12 });
    const files = [
      ...feeds.map((f) => path.relative(dirOf('a'), fileOf(dirOf('a'), f))),
      'truth/persons.jsonl',
      'truth/households.jsonl',
      'truth/defects.jsonl',
      'truth/events.jsonl',
    ];
    for (const file of files) {
      const a = fs.readFileSync(path.join(dirOf('a'), file));
      expect(a.equals(fs.readFileSync(path.join(dirOf('b'), file))), file).toBe(true);
      expect(a.equals(fs.readFileSync(path.join(dirOf('c'), file))), file).toBe(false);
    }
  });

  it('re-reads every file with its headers in its encoding, and clean rows interpret without problems', async () => {
    const defects = readJsonl<DefectRecord>(path.join(dirOf('a'), 'truth', 'defects.jsonl'));
    for (const feed of feeds) {
      const { header, lines } = await readFeed(feed, fileOf(dirOf('a'), feed));
      if (header) expect(header, feed.id).toEqual(feed.columns.map((c) => c.column));
      const defective = new Set(defects.filter((d) => d.feed === feed.id).map((d) => d.line));
      let clean = 0;
      for (const [line, record] of lines) {
        if (defective.has(line)) continue;
        const row = interpretRow(feed, catalogue, record, TODAY);
        expect(row.problems, `${feed.id} line ${line}`).toEqual([]);
        clean++;
      }
      expect(clean, feed.id).toBeGreaterThan(0);
    }
  });

  it('plants every kind of defect and records each where it is in the file', async () => {
    const defects = readJsonl<DefectRecord>(path.join(dirOf('a'), 'truth', 'defects.jsonl'));
    expect(new Set(defects.map((d) => d.kind))).toEqual(
      new Set([
        'bad_check_digit',
        'duplicate_row',
        'conflicting_value',
        'missing_required',
        'unknown_code',
        'stale_record',
        'no_id_number',
      ]),
    );
    const keys = new Set(population.persons.map((p) => p.key));
    const cache = new Map<string, Map<number, Record<string, string>>>();
    for (const d of defects) {
      expect(keys.has(d.personKey)).toBe(true);
      const feed = feeds.find((f) => f.id === d.feed);
      if (!feed) throw new Error(`unknown feed ${d.feed}`);
      let lines = cache.get(feed.id);
      if (!lines) {
        lines = (await readFeed(feed, fileOf(dirOf('a'), feed))).lines;
        cache.set(feed.id, lines);
      }
      const record = lines.get(d.line);
      if (!record) throw new Error(`${d.feed} has no line ${d.line}`);
      const interpreted = interpretRow(feed, catalogue, record, TODAY);
      const codes = interpreted.problems.map((p) => p.code);
      if (d.column !== null) expect(record[d.column] ?? '', `${d.feed}:${d.line}`).toBe(d.written ?? '');
      switch (d.kind) {
        case 'bad_check_digit': {
          const id = d.written ?? '';
          expect(parseResidentId(id, { today: TODAY }).ok).toBe(false);
          expect(parseResidentId(d.expected ?? '', { today: TODAY }).ok).toBe(true);
          expect(id.slice(0, 17)).toBe((d.expected ?? '').slice(0, 17));
          expect(codes).toContain('INGEST_BAD_ID_NUMBER');
          break;
        }
        case 'duplicate_row':
          expect(lines.get(d.line - 1)).toEqual(record);
          break;
        case 'missing_required':
          expect(codes).toContain('INGEST_REQUIRED');
          break;
        case 'unknown_code':
          expect(codes).toContain('INGEST_UNKNOWN_CODE');
          break;
        case 'no_id_number': {
          const name = feed.columns.find((c) => c.kind === 'key' && c.key === 'name')?.column ?? '';
          const birth = feed.columns.find((c) => c.kind === 'key' && c.key === 'birthDate')?.column ?? '';
          expect(record[name]).not.toBe('');
          expect(record[birth]).not.toBe('');
          expect(codes).toEqual([]);
          break;
        }
        case 'stale_record':
          expect((interpreted.dates.observedAt ?? '9999') < '2022-07-01').toBe(true);
          break;
        case 'conflicting_value':
          expect(d.written).not.toBe(d.expected);
          expect(codes).toEqual([]);
          break;
      }
    }
  });

  it('lists only the persons a department knows', async () => {
    const byId = new Map(
      population.persons.map((p, i) => [p.idNumber, attributes.persons[i] as PersonAttributes]),
    );
    const expectations: Record<string, (a: PersonAttributes) => boolean> = {
      disabled_federation_certificates: (a) => a.disability !== null,
      civil_affairs_tekun: (a) => a.tekun !== null,
      education_students: (a) => a.studentStage !== null,
      vehicles_registrations: (a) => a.vehicleCount > 0,
      veterans_roster: (a) => a.veteran,
    };
    for (const [id, rule] of Object.entries(expectations)) {
      const feed = feeds.find((f) => f.id === id);
      if (!feed) throw new Error(id);
      const column = feed.columns.find((c) => c.kind === 'key' && c.key === 'idNumber')?.column ?? '';
      const { lines } = await readFeed(feed, fileOf(dirOf('a'), feed));
      let matched = 0;
      for (const record of lines.values()) {
        const a = byId.get(record[column] ?? '');
        if (!a) continue; // a planted bad check digit or missing ID
        expect(rule(a), `${id} ${record[column]}`).toBe(true);
        matched++;
      }
      expect(matched, id).toBeGreaterThan(0);
    }
  });

  it('writes a ground truth that covers every person and household', () => {
    const persons = readJsonl<{ key: string; idNumber: string; householdKey: string; attributes: unknown }>(
      path.join(dirOf('a'), 'truth', 'persons.jsonl'),
    );
    expect(persons.map((p) => p.key)).toEqual(population.persons.map((p) => p.key));
    for (const p of persons) expect(p.householdKey).toMatch(/^H\d{6}$/);
    const households = readJsonl<{ key: string }>(path.join(dirOf('a'), 'truth', 'households.jsonl'));
    expect(households.map((h) => h.key)).toEqual(population.hukouHouseholds.map((h) => h.key));
    const events = readJsonl<unknown>(path.join(dirOf('a'), 'truth', 'events.jsonl'));
    expect(events).toHaveLength(attributes.events.length);
  });

  it('writes no defects when told none', async () => {
    const clean = await writeCountyFeeds(population, attributes, {
      outDir: dirOf('d'),
      seed: 11,
      defects: {
        bad_check_digit: 0,
        duplicate_row: 0,
        conflicting_value: 0,
        missing_required: 0,
        unknown_code: 0,
        stale_record: 0,
        no_id_number: 0,
      },
    });
    expect(clean.defects).toBe(0);
    expect(fs.readFileSync(path.join(dirOf('d'), 'truth', 'defects.jsonl'), 'utf8')).toBe('');
  });

  it('keeps names intact in GBK files', () => {
    for (const p of population.persons) expect(isGbkEncodable(p.name), p.name).toBe(true);
  });
});
