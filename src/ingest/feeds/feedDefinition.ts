import type { Label, VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import { isLabel } from '../../core/label.ts';

/**
 * A department feed described as data (one YAML file per feed in `feeds/`): how its files
 * look, which column means what, how its codes translate into the catalogue's, and which
 * variables its department is the authority for. Adding a department is a new file.
 */
export type FeedFormat = 'csv' | 'xlsx' | 'jsonl';
/** `auto` tries UTF-8 and falls back to GBK, which is what most departments' exports are. */
export type FeedEncoding = 'utf-8' | 'gbk' | 'auto';

/** How a row finds its person (issue 4, resolution). */
export type KeyRole = 'idNumber' | 'name' | 'birthDate' | 'hukouNumber';
/** Row dates: when the department observed it, and the period it is valid for. */
export type DateRole = 'observedAt' | 'validFrom' | 'validTo';
/**
 * Row metadata: its dates, and the department's own number for the record (结算单号,
 * 业务流水号). A detail feed needs the number: two settlements of one person on one day for
 * the same amount are two records, and the duplicate check hashes the declared columns.
 * The number is kept for provenance only; it never becomes a fact.
 */
export type RowRole = DateRole | 'documentNumber';
/** The registry's own fields of a person, which only a population feed brings. */
export type PersonField = 'sex' | 'deathDate' | 'residenceAreaCode' | 'hukouAreaCode' | 'phone';
/** A person's place in a hukou household (GB/T 4761-2008 relationship to the head). */
export type HukouField = 'relationship';
/**
 * A row of an assistance roster (低保/特困/低保边缘 family rosters): the case, its type, the
 * applicant, and this member's relation to the applicant and whether they count (共同生活/不计入).
 */
export type AssistanceField =
  'caseNumber' | 'assistanceType' | 'applicantIdNumber' | 'relation' | 'included' | 'areaCode';
/** What a feed rebuilds after its rows are in, by name (see src/ingest/imports/buildAfterImport.ts). */
export type FeedBuild = 'assistanceHouseholds';

/** The values an assistance column's codes may translate to. */
export const ASSISTANCE_CODE_VALUES: Partial<Record<AssistanceField, readonly (string | boolean)[]>> = {
  assistanceType: ['dibao', 'tekun', 'nearDibao'],
  relation: [
    'applicant',
    'spouse',
    'child',
    'parent',
    'grandchild',
    'grandparent',
    'sibling',
    'other_relative',
    'non_relative',
  ],
  included: [true, false],
};
const ASSISTANCE_FIELDS: readonly AssistanceField[] = [
  'caseNumber',
  'assistanceType',
  'applicantIdNumber',
  'relation',
  'included',
  'areaCode',
];
const BUILDS: readonly FeedBuild[] = ['assistanceHouseholds'];

interface ColumnBase {
  /** The header in the department's file (for JSON lines, the key). */
  column: string;
  required: boolean;
  /** Overrides the feed's date formats for this column. */
  dateFormats?: string[];
}

export type FeedColumn =
  | (ColumnBase & { kind: 'key'; key: KeyRole })
  | (ColumnBase & { kind: 'role'; role: RowRole })
  | (ColumnBase & { kind: 'person'; person: PersonField; codes?: Record<string, string> })
  | (ColumnBase & { kind: 'hukou'; hukou: HukouField; codes?: Record<string, string> })
  | (ColumnBase & {
      kind: 'assistance';
      assistance: AssistanceField;
      codes?: Record<string, string | boolean>;
    })
  | (ColumnBase & {
      kind: 'variable';
      variable: string;
      /** Department value → catalogue value (a code, or true/false for booleans). */
      codes?: Record<string, string | boolean>;
      /** Multiplies numbers on the way in: a feed that reports fen says 0.01. */
      scale?: number;
    });

export interface FeedDefinition {
  id: string;
  /** The catalogue department that sends it: the source of every fact it brings. */
  department: string;
  name: Label;
  format: FeedFormat;
  encoding: FeedEncoding;
  /** CSV only. */
  delimiter: string;
  /** XLSX only: the sheet to read (the first by default). */
  sheet?: string;
  /** Accepted date formats, tried in order: tokens YYYY, MM, M, DD, D and literal text. */
  dateFormats: string[];
  columns: FeedColumn[];
  /** Variables for which this department's value wins over others' (the precedence policy). */
  authoritativeFor: string[];
  /**
   * A population feed: a row whose ID number is not yet registered creates the person (and
   * its hukou household); other feeds only add facts to persons already registered.
   */
  createsPersons: boolean;
  /** What the import rebuilds once every row is in (an assistance roster: the assistance households). */
  builds?: FeedBuild;
  /** The YAML file it came from, for messages. */
  file: string;
}

const FORMATS: readonly FeedFormat[] = ['csv', 'xlsx', 'jsonl'];
const ENCODINGS: readonly FeedEncoding[] = ['utf-8', 'gbk', 'auto'];
const KEYS: readonly KeyRole[] = ['idNumber', 'name', 'birthDate', 'hukouNumber'];
const ROLES: readonly RowRole[] = ['observedAt', 'validFrom', 'validTo', 'documentNumber'];
const feedKeys = new Set([
  'id',
  'department',
  'name',
  'format',
  'encoding',
  'delimiter',
  'sheet',
  'dateFormats',
  'columns',
  'authoritativeFor',
  'createsPersons',
  'builds',
]);
const columnKeys = new Set([
  'column',
  'key',
  'role',
  'person',
  'hukou',
  'assistance',
  'variable',
  'required',
  'codes',
  'scale',
  'dateFormats',
]);
const PERSON_FIELDS: readonly PersonField[] = [
  'sex',
  'deathDate',
  'residenceAreaCode',
  'hukouAreaCode',
  'phone',
];
const HUKOU_FIELDS: readonly HukouField[] = ['relationship'];
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;
const DATE_FORMAT = /^(?=.*YYYY)(?=.*(MM|M))(?=.*(DD|D))[YMD年月日/.\-\s]+$/;

function stringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string' && v.length > 0);
}

/**
 * Validates one parsed feed file against the variable catalogue. Throws an Error whose
 * message names the file, the entry and the fix, in Chinese: an invalid feed is refused
 * when the feeds load, never discovered halfway through an import.
 */
export function buildFeedDefinition(
  document: unknown,
  file: string,
  catalogue: VariableCatalogue,
): FeedDefinition {
  const doc = (document ?? {}) as Record<string, unknown>;
  const fail = (what: string): never => {
    throw new Error(`${file}: ${what}`);
  };
  const unknownKeys = Object.keys(doc).filter((k) => !feedKeys.has(k));
  if (unknownKeys.length > 0) fail(`不认识的字段 ${unknownKeys.join('、')}`);
  if (typeof doc.id !== 'string' || !SNAKE_CASE.test(doc.id)) fail('id 应为小写字母、数字和下划线');
  const id = doc.id as string;
  if (typeof doc.department !== 'string' || !catalogue.department(doc.department)) {
    fail(`department 应为变量目录中登记的部门代码（${catalogue.departments.map((d) => d.code).join('、')}）`);
  }
  if (!isLabel(doc.name)) fail('name 需要 zh 和 en（只含这两项；含逗号的文字请加引号）');
  const format = doc.format as FeedFormat;
  if (!FORMATS.includes(format)) fail(`format 应为 ${FORMATS.join('、')} 之一`);
  const encoding = (doc.encoding ?? 'auto') as FeedEncoding;
  if (!ENCODINGS.includes(encoding)) fail(`encoding 应为 ${ENCODINGS.join('、')} 之一`);
  if (format !== 'csv' && doc.encoding !== undefined) fail('只有 csv 格式需要 encoding');
  const delimiter = doc.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter.length !== 1) fail('delimiter 应为一个字符');
  if (doc.sheet !== undefined && (format !== 'xlsx' || typeof doc.sheet !== 'string')) {
    fail('sheet 只用于 xlsx 格式，应为工作表名称');
  }
  const dateFormats = doc.dateFormats ?? ['YYYY-MM-DD'];
  if (!stringList(dateFormats) || dateFormats.some((f) => !DATE_FORMAT.test(f))) {
    fail('dateFormats 应为日期格式列表，如 YYYYMMDD、YYYY-MM-DD、YYYY/M/D、YYYY年M月D日');
  }
  const authoritativeFor = doc.authoritativeFor ?? [];
  if (!stringList(authoritativeFor)) fail('authoritativeFor 应为变量名列表');

  if (!Array.isArray(doc.columns) || doc.columns.length === 0) fail('columns 应为非空列表');
  const columns: FeedColumn[] = [];
  const seenColumns = new Set<string>();
  const seenTargets = new Set<string>();
  (doc.columns as unknown[]).forEach((raw, i) => {
    const c = (raw ?? {}) as Record<string, unknown>;
    const where = `columns[${i}]${typeof c.column === 'string' ? `（${c.column}）` : ''}`;
    const bad = Object.keys(c).filter((k) => !columnKeys.has(k));
    if (bad.length > 0) fail(`${where}: 不认识的字段 ${bad.join('、')}`);
    if (typeof c.column !== 'string' || c.column.length === 0) fail(`${where}: 需要 column（文件中的列名）`);
    const column = c.column as string;
    if (seenColumns.has(column)) fail(`${where}: 列名重复`);
    seenColumns.add(column);
    const required = c.required ?? false;
    if (typeof required !== 'boolean') fail(`${where}: required 应为 true 或 false`);
    const columnDates = c.dateFormats;
    if (
      columnDates !== undefined &&
      (!stringList(columnDates) || columnDates.some((f) => !DATE_FORMAT.test(f)))
    ) {
      fail(`${where}: dateFormats 应为日期格式列表`);
    }
    const base = {
      column,
      required: required as boolean,
      ...(columnDates ? { dateFormats: columnDates as string[] } : {}),
    };
    const targets = ['key', 'role', 'person', 'hukou', 'assistance', 'variable'].filter(
      (k) => c[k] !== undefined,
    );
    if (targets.length !== 1)
      fail(`${where}: key、role、person、hukou、assistance、variable 必须且只能有一个`);
    if (c.assistance !== undefined) {
      const field = c.assistance as AssistanceField;
      if (!ASSISTANCE_FIELDS.includes(field))
        fail(`${where}: assistance 应为 ${ASSISTANCE_FIELDS.join('、')} 之一`);
      if (seenTargets.has(`assistance:${field}`)) fail(`${where}: assistance ${field} 重复`);
      seenTargets.add(`assistance:${field}`);
      const allowed = ASSISTANCE_CODE_VALUES[field];
      if (c.codes !== undefined && !allowed) fail(`${where}: assistance ${field} 列不能有 codes`);
      if (allowed && c.codes === undefined)
        fail(`${where}: assistance ${field} 列需要 codes（部门代码到登记库代码）`);
      let codes: Record<string, string | boolean> | undefined;
      if (allowed) {
        if (typeof c.codes !== 'object' || c.codes === null || Object.keys(c.codes).length === 0)
          fail(`${where}: codes 应为“部门代码: 登记库代码”的对照表`);
        codes = {};
        for (const [from, to] of Object.entries(c.codes as Record<string, unknown>)) {
          if (!allowed.includes(to as string | boolean))
            fail(`${where}: codes.${from} 应为 ${allowed.map(String).join('、')} 之一`);
          codes[from] = to as string | boolean;
        }
      }
      columns.push({ ...base, kind: 'assistance', assistance: field, ...(codes ? { codes } : {}) });
      return;
    }
    if (c.scale !== undefined && c.variable === undefined) fail(`${where}: scale 只用于 variable 列`);
    if (c.codes !== undefined && c.key !== undefined) fail(`${where}: key 列不能有 codes`);
    if (c.codes !== undefined && c.role !== undefined) fail(`${where}: role 列不能有 codes`);
    if (c.person !== undefined || c.hukou !== undefined) {
      const field = String(c.person ?? c.hukou);
      const allowed: readonly string[] = c.person !== undefined ? PERSON_FIELDS : HUKOU_FIELDS;
      if (!allowed.includes(field))
        fail(`${where}: ${c.person !== undefined ? 'person' : 'hukou'} 应为 ${allowed.join('、')} 之一`);
      const target = `${c.person !== undefined ? 'person' : 'hukou'}:${field}`;
      if (seenTargets.has(target)) fail(`${where}: ${target} 重复`);
      seenTargets.add(target);
      const codes = c.codes;
      if (
        codes !== undefined &&
        (typeof codes !== 'object' ||
          codes === null ||
          Object.values(codes).some((v) => typeof v !== 'string'))
      ) {
        fail(`${where}: codes 应为“部门代码: 登记库代码”的对照表`);
      }
      const extra = codes ? { codes: codes as Record<string, string> } : {};
      columns.push(
        c.person !== undefined
          ? { ...base, kind: 'person', person: field as PersonField, ...extra }
          : { ...base, kind: 'hukou', hukou: field as HukouField, ...extra },
      );
      return;
    }
    if (c.key !== undefined) {
      const key = c.key as KeyRole;
      if (!KEYS.includes(key)) fail(`${where}: key 应为 ${KEYS.join('、')} 之一`);
      if (seenTargets.has(`key:${key}`)) fail(`${where}: key ${key} 重复`);
      seenTargets.add(`key:${key}`);
      columns.push({ ...base, kind: 'key', key });
      return;
    }
    if (c.role !== undefined) {
      const role = c.role as RowRole;
      if (!ROLES.includes(role)) fail(`${where}: role 应为 ${ROLES.join('、')} 之一`);
      if (seenTargets.has(`role:${role}`)) fail(`${where}: role ${role} 重复`);
      if (role === 'documentNumber' && columnDates !== undefined)
        fail(`${where}: 单据编号列不是日期，不能有 dateFormats`);
      seenTargets.add(`role:${role}`);
      columns.push({ ...base, kind: 'role', role });
      return;
    }
    const variable = catalogue.get(String(c.variable));
    if (!variable) fail(`${where}: 变量 ${String(c.variable)} 未在变量目录中登记`);
    if (variable?.entity !== 'person')
      fail(`${where}: 变量 ${String(c.variable)} 属于家庭，本数据源的行是人员`);
    if (seenTargets.has(`variable:${String(c.variable)}`)) fail(`${where}: 变量 ${String(c.variable)} 重复`);
    seenTargets.add(`variable:${String(c.variable)}`);
    let codes: Record<string, string | boolean> | undefined;
    if (c.codes !== undefined) {
      if (typeof c.codes !== 'object' || c.codes === null || Object.keys(c.codes).length === 0) {
        fail(`${where}: codes 应为“部门代码: 目录代码”的对照表`);
      }
      codes = {};
      for (const [from, to] of Object.entries(c.codes as Record<string, unknown>)) {
        const check = catalogue.checkValue(String(c.variable), to);
        if (typeof to !== 'string' && typeof to !== 'boolean')
          fail(`${where}: codes.${from} 应为目录代码或 true/false`);
        if (!check.ok) fail(`${where}: codes.${from} 对应的“${String(to)}”无效：${check.reason}`);
        codes[from] = to as string | boolean;
      }
    } else if (variable?.type === 'code' || variable?.type === 'boolean') {
      fail(`${where}: 代码型和是/否型变量需要 codes（部门代码到目录代码的对照表）`);
    }
    if (c.scale !== undefined && (typeof c.scale !== 'number' || !(c.scale > 0)))
      fail(`${where}: scale 应为正数`);
    if (c.scale !== undefined && !['money', 'number', 'integer'].includes(variable?.type ?? '')) {
      fail(`${where}: scale 只用于数值变量`);
    }
    columns.push({
      ...base,
      kind: 'variable',
      variable: String(c.variable),
      ...(codes ? { codes } : {}),
      ...(typeof c.scale === 'number' ? { scale: c.scale } : {}),
    });
  });
  if (
    !seenTargets.has('key:idNumber') &&
    !(seenTargets.has('key:name') && seenTargets.has('key:birthDate'))
  ) {
    fail('需要 key: idNumber 列，或 key: name 加 key: birthDate 列，才能找到每行对应的人员');
  }
  if (!seenTargets.has('role:observedAt')) fail('需要一列 role: observedAt（部门记录该数据的日期）');
  const createsPersons: unknown = doc.createsPersons ?? false;
  if (typeof createsPersons !== 'boolean') fail('createsPersons 应为 true 或 false');
  if (createsPersons === true) {
    for (const needed of ['key:idNumber', 'key:name', 'person:sex', 'person:residenceAreaCode']) {
      if (!seenTargets.has(needed)) fail(`createsPersons 的数据源需要 ${needed} 列`);
    }
  }
  const builds = doc.builds;
  if (builds !== undefined && !BUILDS.includes(builds as FeedBuild))
    fail(`builds 应为 ${BUILDS.join('、')} 之一`);
  if (builds === 'assistanceHouseholds') {
    for (const needed of [
      ...ASSISTANCE_FIELDS.map((f) => `assistance:${f}`),
      'key:idNumber',
      'role:validFrom',
    ]) {
      if (!seenTargets.has(needed)) fail(`builds: assistanceHouseholds 的数据源需要 ${needed} 列`);
    }
  } else if ([...seenTargets].some((t) => t.startsWith('assistance:'))) {
    fail('assistance 列只用于 builds: assistanceHouseholds 的救助家庭名册');
  }
  for (const name of authoritativeFor as string[]) {
    if (!seenTargets.has(`variable:${name}`)) fail(`authoritativeFor 中的 ${name} 不是本数据源提供的变量`);
  }
  return {
    id,
    department: doc.department as string,
    name: doc.name as Label,
    format,
    encoding: format === 'csv' ? encoding : 'utf-8',
    delimiter: delimiter as string,
    ...(typeof doc.sheet === 'string' ? { sheet: doc.sheet } : {}),
    dateFormats: dateFormats as string[],
    columns,
    authoritativeFor: authoritativeFor as string[],
    createsPersons: createsPersons as boolean,
    ...(builds ? { builds: builds as FeedBuild } : {}),
    file,
  };
}
