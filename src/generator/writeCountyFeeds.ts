import fs from 'node:fs';
import path from 'node:path';
import type { FeedColumn, FeedDefinition } from '../ingest/feeds/feedDefinition.ts';
import { loadFeeds } from '../ingest/feeds/loadFeeds.ts';
import { loadVariableCatalogue, type VariableCatalogue } from '../registry/variables/variableCatalogue.ts';
import type { GenAttributes } from './attributeDraft.ts';
import { fromDayNumber } from './dayNumbers.ts';
import {
  breakCheckDigit,
  DEFAULT_DEFECT_RATES,
  defectScope,
  type DefectKind,
  type DefectRates,
  type DefectRecord,
  type DefectScope,
  type PlantedDefect,
} from './feedDefects.ts';
import { createFeedContext, feedRecords, type FeedDetail, type TrueValue } from './feedRecords.ts';
import { ROSTER_STREAM, rosterCases, rosterRecords, writeRosterTruth } from './assistanceRosterRecords.ts';
import type { GenPopulation } from './generatePopulation.ts';
import { Random } from './random.ts';
import { ChunkedFile, openCsvSink, openJsonlSink, openXlsxSink, utf8, type RowSink } from './rowSinks.ts';

export interface WriteFeedsOptions {
  outDir: string;
  seed: number;
  /** Defect rates per kind (share of rows); DEFAULT_DEFECT_RATES when left out. */
  defects?: DefectRates;
  /** How much the detail feeds say; `full` (every record of the 12 months) by default. */
  detail?: FeedDetail;
  /** Feed definitions to write; every file in `feeds/` by default. */
  feeds?: FeedDefinition[];
  catalogue?: VariableCatalogue;
}

export interface FeedFileReport {
  id: string;
  department: string;
  file: string;
  format: FeedDefinition['format'];
  encoding: FeedDefinition['encoding'];
  rows: number;
  defects: number;
}

export interface WriteFeedsReport {
  feeds: FeedFileReport[];
  persons: number;
  households: number;
  events: number;
  defects: number;
}

/** The streams of the writer, apart from the population's and the attributes'. */
export const FEED_STREAMS = { rows: 'feeds.rows', defects: 'feeds.defects' } as const;

const extensionOf: Record<FeedDefinition['format'], string> = { csv: 'csv', xlsx: 'xlsx', jsonl: 'jsonl' };

function targetOf(column: FeedColumn): string {
  switch (column.kind) {
    case 'key':
      return `key:${column.key}`;
    case 'role':
      return `role:${column.role}`;
    case 'person':
      return `person:${column.person}`;
    case 'hukou':
      return `hukou:${column.hukou}`;
    case 'assistance':
      return `assistance:${column.assistance}`;
    case 'variable':
      return `variable:${column.variable}`;
  }
}

/** An ISO date in a department's format (YYYY, MM, M, DD, D tokens). */
export function formatFeedDate(iso: string, format: string): string {
  // Millions of rows share a few thousand dates: formatting each once saves a regex a cell.
  const key = `${format}|${iso}`;
  const known = formattedDates.get(key);
  if (known !== undefined) return known;
  const text = formatDate(iso, format);
  if (formattedDates.size > 200_000) formattedDates.clear();
  formattedDates.set(key, text);
  return text;
}

const formattedDates = new Map<string, string>();

function formatDate(iso: string, format: string): string {
  const y = iso.slice(0, 4);
  const m = iso.slice(5, 7);
  const d = iso.slice(8, 10);
  return format.replace(/YYYY|MM|DD|M|D/g, (token) => {
    if (token === 'YYYY') return y;
    if (token === 'MM') return m;
    if (token === 'DD') return d;
    return String(Number(token === 'M' ? m : d));
  });
}

const DATE_TARGETS = new Set([
  'key:birthDate',
  'role:observedAt',
  'role:validFrom',
  'role:validTo',
  'person:deathDate',
]);

const codesByMeaning = new WeakMap<object, Map<TrueValue, string>>();

/** The first department code that means `value`, as departments list their main code first. */
function codeFor(codes: Readonly<Record<string, string | boolean>>, value: TrueValue): string {
  let byMeaning = codesByMeaning.get(codes);
  if (!byMeaning) {
    byMeaning = new Map();
    for (const [code, meaning] of Object.entries(codes))
      if (!byMeaning.has(meaning)) byMeaning.set(meaning, code);
    codesByMeaning.set(codes, byMeaning);
  }
  return byMeaning.get(value) ?? '';
}

/**
 * Turns a true value into the text the department writes: its code, its date format, its
 * unit (a feed in fen gets integers of fen).
 */
function cellText(
  feed: FeedDefinition,
  column: FeedColumn,
  value: TrueValue,
  catalogue: VariableCatalogue,
): string {
  if (value === null) return '';
  if (
    (column.kind === 'variable' ||
      column.kind === 'person' ||
      column.kind === 'hukou' ||
      column.kind === 'assistance') &&
    column.codes
  ) {
    return codeFor(column.codes, value);
  }
  const target = targetOf(column);
  const variable = column.kind === 'variable' ? catalogue.get(column.variable) : undefined;
  if (DATE_TARGETS.has(target) || variable?.type === 'date') {
    return formatFeedDate(String(value), (column.dateFormats ?? feed.dateFormats)[0] ?? 'YYYY-MM-DD');
  }
  if (typeof value === 'number' && column.kind === 'variable') {
    const scaled = value / (column.scale ?? 1);
    if (column.scale !== undefined && column.scale < 1) return String(Math.round(scaled));
    return variable?.type === 'money' ? scaled.toFixed(2) : String(scaled);
  }
  return String(value);
}

function openSink(feed: FeedDefinition, file: string, fixedDate: Date): Promise<RowSink> {
  const header = feed.columns.map((c) => c.column);
  if (feed.format === 'xlsx')
    return Promise.resolve(openXlsxSink(file, header, { sheet: feed.sheet ?? feed.name.zh, fixedDate }));
  if (feed.format === 'jsonl') return Promise.resolve(openJsonlSink(file, header));
  return openCsvSink(file, header, {
    encoding: feed.encoding === 'utf-8' ? 'utf-8' : 'gbk',
    delimiter: feed.delimiter,
  });
}

const DEFECT_ORDER: readonly DefectKind[] = [
  'bad_check_digit',
  'duplicate_row',
  'conflicting_value',
  'missing_required',
  'unknown_code',
  'stale_record',
  'no_id_number',
];

/** A code no department uses, for the unknown-code defect. */
function unknownCode(codes: Readonly<Record<string, unknown>>): string {
  for (const candidate of ['99', '9', 'X', '未知']) if (!(candidate in codes)) return candidate;
  return '??';
}

/**
 * Plants at most one defect in a row (cells in column order, changed in place), or none.
 * A kind that does not apply to this row (no shared column, no ID to break) plants nothing.
 */
function plantDefect(
  feed: FeedDefinition,
  scope: DefectScope,
  cells: string[],
  rates: DefectRates,
  rng: Random,
  referenceDay: number,
): PlantedDefect | null {
  let u = rng.next();
  let kind: DefectKind | null = null;
  for (const candidate of DEFECT_ORDER) {
    if (u < rates[candidate]) {
      kind = candidate;
      break;
    }
    u -= rates[candidate];
  }
  if (kind === null) return null;
  const indexOf = (column: FeedColumn): number => feed.columns.indexOf(column);
  const filled = (columns: FeedColumn[]): FeedColumn[] =>
    columns.filter((c) => (cells[indexOf(c)] ?? '') !== '');
  const change = (column: FeedColumn, written: string): PlantedDefect => {
    const i = indexOf(column);
    const expected = cells[i] ?? '';
    cells[i] = written;
    return { kind, column: column.column, expected, written };
  };
  switch (kind) {
    case 'bad_check_digit': {
      const id = scope.idColumn ? (cells[indexOf(scope.idColumn)] ?? '') : '';
      if (!scope.idColumn || id.length !== 18) return null;
      return change(scope.idColumn, breakCheckDigit(id, rng));
    }
    case 'no_id_number': {
      if (!scope.canOmitId || !scope.idColumn || (cells[indexOf(scope.idColumn)] ?? '') === '') return null;
      return change(scope.idColumn, '');
    }
    case 'duplicate_row':
      return { kind, column: null, expected: null, written: null };
    case 'conflicting_value': {
      const options = filled(scope.sharedColumns);
      if (options.length === 0) return null;
      const column = rng.pick(options);
      const current = cells[indexOf(column)] ?? '';
      if (column.kind === 'variable' && column.codes) {
        const codes = column.codes;
        const others = Object.keys(codes).filter((code) => codes[code] !== codes[current]);
        if (others.length === 0) return null;
        return change(column, rng.pick(others));
      }
      const number = Number(current);
      if (!Number.isFinite(number)) return null;
      const factor = rng.uniform(1.3, 2.5);
      const written = current.includes('.')
        ? (number * factor).toFixed(2)
        : String(Math.round(number * factor) + 1);
      return change(column, written);
    }
    case 'missing_required': {
      const options = filled(scope.requiredColumns);
      return options.length === 0 ? null : change(rng.pick(options), '');
    }
    case 'unknown_code': {
      const options = filled(scope.codedColumns);
      if (options.length === 0) return null;
      const column = rng.pick(options);
      return change(
        column,
        unknownCode(column.kind === 'key' || column.kind === 'role' ? {} : (column.codes ?? {})),
      );
    }
    case 'stale_record': {
      if (!scope.observedAt) return null;
      const format = (scope.observedAt.dateFormats ?? feed.dateFormats)[0] ?? 'YYYY-MM-DD';
      return change(
        scope.observedAt,
        formatFeedDate(fromDayNumber(referenceDay - rng.int(3 * 365, 6 * 365)), format),
      );
    }
  }
}

/**
 * Writes one file per department feed into `outDir/feeds/` (format, encoding, columns, codes
 * and dates from the feed definitions; detail records of the 12 months to the reference date
 * where the department exports them, see feedRecords), streamed row by row, with defects
 * planted at the given rates (a share of rows, each recorded by physical line), and the
 * ground truth into `outDir/truth/`: persons, households, the planted defects and events.
 * Deterministic: the same population, attributes and seed give byte-identical files.
 */
export async function writeCountyFeeds(
  population: GenPopulation,
  attributes: GenAttributes,
  options: WriteFeedsOptions,
): Promise<WriteFeedsReport> {
  const catalogue = options.catalogue ?? loadVariableCatalogue();
  const feeds = options.feeds ?? loadFeeds(catalogue).list();
  const rates = options.defects ?? DEFAULT_DEFECT_RATES;
  const feedDir = path.join(options.outDir, 'feeds');
  const truthDir = path.join(options.outDir, 'truth');
  fs.mkdirSync(feedDir, { recursive: true });
  fs.mkdirSync(truthDir, { recursive: true });
  const context = createFeedContext(population, attributes, attributes.referenceDate);
  const fixedDate = new Date(`${attributes.referenceDate}T00:00:00Z`);
  const root = new Random(options.seed);
  const defectsFile = new ChunkedFile(path.join(truthDir, 'defects.jsonl'), utf8);
  const reports: FeedFileReport[] = [];
  let defectCount = 0;
  // The civil-affairs roster's cases, drawn once: its rows and its ground truth agree.
  const roster = rosterCases(context, root.fork(ROSTER_STREAM));

  for (const feed of [...feeds].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const file = path.join(feedDir, `${feed.id}.${extensionOf[feed.format]}`);
    const rowRng = root.fork(FEED_STREAMS.rows).fork(feed.id);
    const defectRng = root.fork(FEED_STREAMS.defects).fork(feed.id);
    const scope = defectScope(feed, feeds);
    const sink = await openSink(feed, file, fixedDate);
    let rows = 0;
    let defects = 0;
    const targets = feed.columns.map(targetOf);
    const records =
      feed.builds === 'assistanceHouseholds'
        ? rosterRecords(roster, context)
        : feedRecords(feed, context, rowRng, options.detail ?? 'full');
    for (const record of records) {
      const cells = feed.columns.map((c, k) => cellText(feed, c, record.value(targets[k] ?? ''), catalogue));
      const defect = plantDefect(feed, scope, cells, rates, defectRng, context.referenceDay);
      let line = await sink.write(cells);
      rows++;
      if (defect?.kind === 'duplicate_row') {
        line = await sink.write(cells);
        rows++;
      }
      if (defect) {
        defects++;
        const entry: DefectRecord = {
          feed: feed.id,
          line,
          kind: defect.kind,
          personKey: population.persons[record.personIndex]?.key ?? '',
          column: defect.column,
          expected: defect.expected,
          written: defect.written,
        };
        await defectsFile.push(JSON.stringify(entry) + '\n');
      }
    }
    await sink.close();
    defectCount += defects;
    reports.push({
      id: feed.id,
      department: feed.department,
      file: path.relative(options.outDir, file),
      format: feed.format,
      encoding: feed.encoding,
      rows,
      defects,
    });
  }
  await defectsFile.close();
  await writeTruth(truthDir, population, attributes, context.householdOf, context.relationships);
  await writeRosterTruth(truthDir, roster);
  return {
    feeds: reports,
    persons: population.persons.length,
    households: population.hukouHouseholds.length,
    events: attributes.events.length,
    defects: defectCount,
  };
}

async function writeTruth(
  dir: string,
  population: GenPopulation,
  attributes: GenAttributes,
  householdOf: Int32Array,
  relationships: string[],
): Promise<void> {
  const persons = new ChunkedFile(path.join(dir, 'persons.jsonl'), utf8);
  for (let i = 0; i < population.persons.length; i++) {
    const person = population.persons[i];
    if (!person) continue;
    const household = population.hukouHouseholds[householdOf[i] ?? -1];
    await persons.push(
      JSON.stringify({
        key: person.key,
        idNumber: person.idNumber,
        name: person.name,
        sex: person.sex,
        birthDate: person.birthDate,
        deathDate: person.deathDate,
        householdKey: household?.key ?? null,
        hukouNumber: household?.hukouNumber ?? null,
        relationship: relationships[i] ?? null,
        hukouAreaCode: person.hukouAreaCode,
        residenceAreaCode: person.residenceAreaCode,
        phone: person.phone,
        attributes: attributes.persons[i],
      }) + '\n',
    );
  }
  await persons.close();
  const households = new ChunkedFile(path.join(dir, 'households.jsonl'), utf8);
  for (let h = 0; h < population.hukouHouseholds.length; h++) {
    const household = population.hukouHouseholds[h];
    if (!household) continue;
    await households.push(JSON.stringify({ ...household, attributes: attributes.households[h] }) + '\n');
  }
  await households.close();
  const events = new ChunkedFile(path.join(dir, 'events.jsonl'), utf8);
  for (const event of attributes.events) await events.push(JSON.stringify(event) + '\n');
  await events.close();
}
