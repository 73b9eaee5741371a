import type { ErrorCode } from '../../core/errorCatalogue.ts';
import type { MessageParams } from '../../core/appError.ts';
import type { IsoDate } from '../../core/isoDate.ts';
import type { ResidentIdInfo } from '../../registry/residentId/index.ts';
import { phoneProblem } from '../../registry/persons/phone.ts';
import type { FactValue, VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type {
  DateRole,
  AssistanceField,
  FeedColumn,
  FeedDefinition,
  HukouField,
  KeyRole,
  PersonField,
} from '../feeds/feedDefinition.ts';
import { NO_MEMO, type RowMemo } from './rowMemo.ts';
import { areaCodeProblem, normalizeAreaCode } from '../../areas/areaCode.ts';

/** One thing wrong with one cell (or with the row, when `column` is null). */
export interface RowProblem {
  column: string | null;
  value: string;
  code: ErrorCode;
  params: MessageParams;
}

export interface InterpretedValue {
  variable: string;
  value: FactValue;
  column: string;
}

/** A row in the registry's terms: who it is about, when, and what it says. */
export interface InterpretedRow {
  keys: Partial<Record<KeyRole, string>>;
  /** The ID number taken apart (sex, birth date), when the row has a valid one. */
  identity?: ResidentIdInfo;
  dates: Partial<Record<DateRole, IsoDate>>;
  /** The department's record number (role documentNumber): provenance only, never a fact. */
  documentNumber?: string;
  /** Registry fields of the person (population feeds), as the registry spells them. */
  person: Partial<Record<PersonField, string>>;
  hukou: Partial<Record<HukouField, string>>;
  /** An assistance roster's fields (feeds that build assistance households), translated. */
  assistance: Partial<Record<AssistanceField, string | boolean>>;
  values: InterpretedValue[];
  problems: RowProblem[];
}

const MAX_ALLOWED_SHOWN = 12;

function allowedList(codes: Record<string, unknown>): string {
  const keys = Object.keys(codes);
  return keys.length > MAX_ALLOWED_SHOWN
    ? `${keys.slice(0, MAX_ALLOWED_SHOWN).join('、')}等`
    : keys.join('、');
}

/** A plain decimal, as nearly every number a department sends is written. */
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/** Numbers as departments write them: thousands separators and a trailing 元 are tolerated. */
function parseNumber(text: string): number | undefined {
  // The plain case first: the two replaces below made two strings for every number read.
  if (PLAIN_DECIMAL.test(text)) return Number(text);
  const cleaned = text.replace(/[,，\s]/g, '').replace(/元$/, '');
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(cleaned)) return undefined;
  return Number(cleaned);
}

/**
 * A function of the module rather than a closure made for each row: under tsx every closure
 * created is also named (esbuild's keepNames), a property definition per row.
 */
function addProblem(
  row: InterpretedRow,
  column: FeedColumn,
  value: string,
  code: ErrorCode,
  params: MessageParams = {},
): void {
  row.problems.push({ column: column.column, value, code, params });
}

/**
 * What a row of a feed without person, hukou or assistance columns has of them: one frozen
 * empty object for all (most feeds have none of the three; three objects a row were garbage).
 */
const NO_FIELDS: Readonly<Record<string, never>> = Object.freeze({});
/** The values of a row that has none (frozen: shared by all such rows). */
const NO_VALUES: InterpretedValue[] = [];
Object.freeze(NO_VALUES);
/** The values of the row being interpreted (interpretRow is synchronous: one row at a time). */
const gathered: InterpretedValue[] = [];

const feedKinds = new WeakMap<FeedDefinition, ReadonlySet<FeedColumn['kind']>>();
function kindsOf(feed: FeedDefinition): ReadonlySet<FeedColumn['kind']> {
  let kinds = feedKinds.get(feed);
  if (!kinds) {
    kinds = new Set(feed.columns.map((c) => c.kind));
    feedKinds.set(feed, kinds);
  }
  return kinds;
}

/**
 * Turns one record of a feed (column → text, empty meaning absent) into keys, dates and
 * catalogue values, collecting every problem rather than stopping at the first: the error
 * report shows the user all that is wrong with a row at once. Pure (a memo only saves work);
 * `today` bounds birth dates in ID numbers.
 */
export function interpretRow(
  feed: FeedDefinition,
  catalogue: VariableCatalogue,
  record: Readonly<Record<string, string | undefined>>,
  today: IsoDate,
  /** The import's memo of ID numbers and dates already worked out (none by default). */
  memo: RowMemo = NO_MEMO,
): InterpretedRow {
  const kinds = kindsOf(feed);
  const row: InterpretedRow = {
    keys: {},
    dates: {},
    person: kinds.has('person') ? {} : NO_FIELDS,
    hukou: kinds.has('hukou') ? {} : NO_FIELDS,
    assistance: kinds.has('assistance') ? {} : NO_FIELDS,
    values: NO_VALUES,
    problems: [],
  };
  // Gathered in one array kept for every row, then copied at their number: an empty array's
  // first push makes room for seventeen, for rows that nearly all have one to three values.
  gathered.length = 0;
  for (const column of feed.columns) {
    const text = (record[column.column] ?? '').trim();
    if (text === '') {
      if (column.required) addProblem(row, column, '', 'INGEST_REQUIRED', { column: column.column });
      continue;
    }
    const formats = column.dateFormats ?? feed.dateFormats;
    if (column.kind === 'role') {
      const role = column.role;
      if (role === 'documentNumber') {
        row.documentNumber = text;
        continue;
      }
      const date = memo.date(text, formats);
      if (date) row.dates[role] = date;
      else addProblem(row, column, text, 'INGEST_BAD_DATE', { value: text, formats: formats.join('、') });
      continue;
    }
    if (column.kind === 'key') {
      if (column.key === 'idNumber') {
        const parsed = memo.residentId(text, today);
        if (parsed.ok) {
          row.keys.idNumber = parsed.value.idNumber;
          row.identity = parsed.value;
        } else
          addProblem(row, column, text, 'INGEST_BAD_ID_NUMBER', {
            value: text,
            reason: parsed.problems.map((p) => p.message).join('；'),
          });
      } else if (column.key === 'birthDate') {
        const date = memo.date(text, formats);
        if (date) row.keys.birthDate = date;
        else addProblem(row, column, text, 'INGEST_BAD_DATE', { value: text, formats: formats.join('、') });
      } else {
        row.keys[column.key] = text;
      }
      continue;
    }
    if (column.kind === 'person' || column.kind === 'hukou') {
      let value = text;
      if (column.codes) {
        const translated = column.codes[text];
        if (translated === undefined) {
          addProblem(row, column, text, 'INGEST_UNKNOWN_CODE', {
            value: text,
            allowed: allowedList(column.codes),
          });
          continue;
        }
        value = translated;
      }
      if (column.kind === 'person' && column.person === 'deathDate') {
        const date = memo.date(text, formats);
        if (!date) {
          addProblem(row, column, text, 'INGEST_BAD_DATE', { value: text, formats: formats.join('、') });
          continue;
        }
        value = date;
      }
      if (column.kind === 'person' && column.person === 'phone') {
        const reason = phoneProblem(value);
        if (reason) {
          addProblem(row, column, text, 'INGEST_BAD_VALUE', { value: text, reason });
          continue;
        }
      }
      if (column.kind === 'person') row.person[column.person] = value;
      else row.hukou[column.hukou] = value;
      continue;
    }
    if (column.kind === 'assistance') {
      if (column.codes) {
        const translated = column.codes[text];
        if (translated === undefined) {
          addProblem(row, column, text, 'INGEST_UNKNOWN_CODE', {
            value: text,
            allowed: allowedList(column.codes),
          });
          continue;
        }
        row.assistance[column.assistance] = translated;
      } else if (column.assistance === 'applicantIdNumber') {
        const parsed = memo.residentId(text, today);
        if (parsed.ok) row.assistance.applicantIdNumber = parsed.value.idNumber;
        else
          addProblem(row, column, text, 'INGEST_BAD_ID_NUMBER', {
            value: text,
            reason: parsed.problems.map((p) => p.message).join('；'),
          });
      } else if (column.assistance === 'areaCode') {
        const reason = areaCodeProblem(text);
        if (reason) addProblem(row, column, text, 'INGEST_BAD_VALUE', { value: text, reason });
        else row.assistance.areaCode = normalizeAreaCode(text);
      } else row.assistance[column.assistance] = text;
      continue;
    }
    const definition = catalogue.get(column.variable);
    if (!definition) continue; // cannot happen: the feed was checked against the catalogue
    let value: unknown = text;
    if (column.codes) {
      if (!(text in column.codes)) {
        addProblem(row, column, text, 'INGEST_UNKNOWN_CODE', {
          value: text,
          allowed: allowedList(column.codes),
        });
        continue;
      }
      value = column.codes[text];
    } else if (definition.type === 'money' || definition.type === 'number' || definition.type === 'integer') {
      const number = parseNumber(text);
      if (number === undefined) {
        addProblem(row, column, text, 'INGEST_BAD_VALUE', { value: text, reason: '应为数字' });
        continue;
      }
      value = number * (column.scale ?? 1);
      if (definition.type === 'integer' && column.scale !== undefined) value = Math.round(value as number);
    } else if (definition.type === 'date') {
      const date = memo.date(text, formats);
      if (!date) {
        addProblem(row, column, text, 'INGEST_BAD_DATE', { value: text, formats: formats.join('、') });
        continue;
      }
      value = date;
    }
    const check = catalogue.checkValue(column.variable, value);
    if (check.ok) gathered.push({ variable: column.variable, value: check.value, column: column.column });
    else addProblem(row, column, text, 'INGEST_BAD_VALUE', { value: text, reason: check.reason });
  }
  const { validFrom, validTo } = row.dates;
  if (validFrom && validTo && validTo < validFrom) {
    row.problems.push({
      column: null,
      value: `${validFrom}～${validTo}`,
      code: 'INVALID_PERIOD',
      params: { from: validFrom, to: validTo },
    });
  }
  if (gathered.length > 0) row.values = gathered.slice();
  return row;
}
