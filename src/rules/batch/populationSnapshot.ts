import { ERR, type Value } from '../compile/compileCel.ts';
import { Dictionary } from './dictionary.ts';
import { toValue } from '../compile/toValue.ts';
import type { RuleMember, RuleSubject } from '../evaluate/ruleSubject.ts';
import type { RulePool } from '../evaluate/explainPolicies.ts';
import { policyExpressions } from '../policies/policyDefinition.ts';

/** Numbers (integers and money alike, as the compiled engine holds them); present 0 = missing. */
export interface NumColumn {
  kind: 'num';
  values: Float64Array;
  present: Uint8Array;
}
/** Booleans: 0 false, 1 true, 2 missing. */
export interface BoolColumn {
  kind: 'bool';
  values: Uint8Array;
}
/** Codes, dates and text as ids into the snapshot's strings; −1 missing. */
export interface StrColumn {
  kind: 'str';
  values: Int32Array;
}
/** The elements of list values, one kind per column. */
export type ItemColumn =
  | { kind: 'num'; values: Float64Array }
  | { kind: 'bool'; values: Uint8Array }
  | { kind: 'str'; values: Int32Array };
/**
 * Lists (code lists such as assistance_types, event occurrences) in compressed rows: row r's
 * elements are items[offsets[r] … offsets[r+1]); events also carry their dates (`on`).
 */
export interface ListColumn {
  kind: 'list';
  offsets: Int32Array;
  present: Uint8Array;
  items: ItemColumn;
  on: Int32Array | null;
}
export type Column = NumColumn | BoolColumn | StrColumn | ListColumn;

/**
 * A population as columns over typed arrays (issue 5, batch path): one column per household
 * and per person field the pool reads, members stored household after household. Every array
 * lives in a SharedArrayBuffer, so worker threads read the same memory without a copy.
 */
export interface PopulationSnapshot {
  asOf: string;
  households: number;
  persons: number;
  /** Distinct area codes; householdRegion indexes them (parameters are looked up per area). */
  regions: string[];
  householdRegion: Int32Array;
  /** Household h's members are persons memberStart[h] … memberStart[h+1]. */
  memberStart: Int32Array;
  personHousehold: Int32Array;
  /** Recently deceased members (for `persons: deceased` policies), never among the members: household h's are deceasedStart[h] … deceasedStart[h+1]. */
  deceasedCount: number;
  deceasedStart: Int32Array;
  deceasedHousehold: Int32Array;
  deceased: Record<string, Column>;
  /** The dictionary of str columns and list items. */
  strings: string[];
  household: Record<string, Column>;
  person: Record<string, Column>;
}

type Typed = Float64Array | Int32Array | Uint8Array;
type TypedCtor<T extends Typed> = new (buffer: SharedArrayBuffer) => T;

function shared<T extends Typed>(Ctor: TypedCtor<T> & { BYTES_PER_ELEMENT: number }, length: number): T {
  return new Ctor(new SharedArrayBuffer(Math.max(1, length) * Ctor.BYTES_PER_ELEMENT));
}
const f64 = (n: number) => shared(Float64Array, n).subarray(0, n);
const i32 = (n: number) => shared(Int32Array, n).subarray(0, n);
const u8 = (n: number) => shared(Uint8Array, n).subarray(0, n);

/** The fields the pool's expressions read, of households and of persons. */
export function poolFields(pool: RulePool): { household: string[]; person: string[] } {
  const household = new Set<string>();
  const person = new Set<string>();
  for (const policy of pool.policies)
    for (const expr of policyExpressions(policy))
      for (const f of expr.fields) {
        if (f.on === 'h') household.add(f.field);
        else if (f.on === 'p' || f.on === 'member') person.add(f.field);
      }
  return { household: [...household].sort(), person: [...person].sort() };
}

const isMap = (v: Value): v is ReadonlyMap<string, Value> => v instanceof Map;

type Kind = 'num' | 'bool' | 'str';
const kindOf = (v: Value): Kind | 'list' | 'other' =>
  typeof v === 'number'
    ? 'num'
    : typeof v === 'boolean'
      ? 'bool'
      : typeof v === 'string'
        ? 'str'
        : Array.isArray(v)
          ? 'list'
          : 'other';

function agree<K extends string>(field: string, a: K | undefined, b: K): K {
  if (a !== undefined && a !== b)
    throw new Error(`字段 ${field} 的取值类型不一致（${a} 与 ${b}），无法建立列式快照`);
  return b;
}

/** One column from each row's value (undefined = missing); its kind is the values' own. */
function buildColumn(field: string, values: Value[], ids: Dictionary): Column | undefined {
  let kind: Kind | 'list' | undefined;
  let itemKind: Kind | undefined;
  let events = false;
  let items = 0;
  for (const v of values) {
    if (v === ERR) continue;
    const k = kindOf(v);
    if (k === 'other') throw new Error(`字段 ${field} 的取值不是数、布尔、文本或列表`);
    kind = agree(field, kind, k);
    if (Array.isArray(v)) {
      items += v.length;
      for (const item of v) {
        const element = isMap(item) ? (item.get('value') ?? ERR) : item;
        if (isMap(item)) events = true;
        const ik = kindOf(element);
        if (ik !== 'num' && ik !== 'bool' && ik !== 'str')
          throw new Error(`字段 ${field} 的列表元素不是数、布尔或文本`);
        itemKind = agree(field, itemKind, ik);
      }
    }
  }
  const n = values.length;
  if (kind === undefined) return undefined;
  if (kind === 'num') {
    const column: NumColumn = { kind, values: f64(n), present: u8(n) };
    values.forEach((v, r) => {
      if (typeof v === 'number') {
        column.values[r] = v;
        column.present[r] = 1;
      }
    });
    return column;
  }
  if (kind === 'bool') {
    const column: BoolColumn = { kind, values: u8(n).fill(2) };
    values.forEach((v, r) => {
      if (typeof v === 'boolean') column.values[r] = v ? 1 : 0;
    });
    return column;
  }
  if (kind === 'str') {
    const column: StrColumn = { kind, values: i32(n).fill(-1) };
    values.forEach((v, r) => {
      if (typeof v === 'string') column.values[r] = ids.id(v);
    });
    return column;
  }
  const k = itemKind ?? 'str';
  const item: ItemColumn =
    k === 'num'
      ? { kind: k, values: f64(items) }
      : k === 'bool'
        ? { kind: k, values: u8(items) }
        : { kind: k, values: i32(items) };
  const column: ListColumn = {
    kind,
    offsets: i32(n + 1),
    present: u8(n),
    items: item,
    on: events ? i32(items) : null,
  };
  let at = 0;
  values.forEach((v, r) => {
    column.offsets[r] = at;
    if (!Array.isArray(v)) return;
    column.present[r] = 1;
    for (const element of v) {
      const e = isMap(element) ? (element.get('value') ?? ERR) : element;
      if (column.on) {
        const on = isMap(element) ? element.get('on') : undefined;
        column.on[at] = typeof on === 'string' ? ids.id(on) : -1;
      }
      if (item.kind === 'num') item.values[at] = e as number;
      else if (item.kind === 'bool') item.values[at] = e === true ? 1 : 0;
      else item.values[at] = ids.id(e as string);
      at++;
    }
  });
  column.offsets[n] = at;
  return column;
}

/**
 * Columns from households as the explain path sees them (one date for all): only the fields
 * named, values converted once as the compiled engine holds them.
 */
export function buildSnapshot(
  subjects: readonly RuleSubject[],
  fields: { household: string[]; person: string[] },
): PopulationSnapshot {
  const asOf = subjects[0]?.asOf ?? '';
  const ids = new Dictionary([]);
  const regionIds = new Dictionary([]);
  const n = subjects.length;
  const persons = subjects.reduce((total, s) => total + s.members.length, 0);
  const deceasedCount = subjects.reduce((total, s) => total + (s.deceased?.length ?? 0), 0);
  const householdRegion = i32(n);
  const memberStart = i32(n + 1);
  const personHousehold = i32(persons);
  const deceasedStart = i32(n + 1);
  const deceasedHousehold = i32(deceasedCount);
  let p = 0;
  let d = 0;
  subjects.forEach((s, h) => {
    if (s.asOf !== asOf) throw new Error(`快照中的家庭日期不一致：${s.asOf} 与 ${asOf}`);
    householdRegion[h] = regionIds.id(s.region);
    memberStart[h] = p;
    for (let i = 0; i < s.members.length; i++) personHousehold[p++] = h;
    deceasedStart[h] = d;
    for (let i = 0; i < (s.deceased?.length ?? 0); i++) deceasedHousehold[d++] = h;
  });
  memberStart[n] = p;
  deceasedStart[n] = d;
  const household: Record<string, Column> = {};
  for (const field of fields.household) {
    const column = buildColumn(
      field,
      subjects.map((s) => {
        const v = s.household.get(field);
        return v === undefined ? ERR : toValue(v);
      }),
      ids,
    );
    if (column) household[field] = column;
  }
  const personColumns = (of: (s: RuleSubject) => readonly RuleMember[]) => {
    const columns: Record<string, Column> = {};
    for (const field of fields.person) {
      const values: Value[] = [];
      for (const s of subjects)
        for (const m of of(s)) {
          const v = m.values.get(field);
          values.push(v === undefined ? ERR : toValue(v));
        }
      const column = buildColumn(field, values, ids);
      if (column) columns[field] = column;
    }
    return columns;
  };
  const person = personColumns((s) => s.members);
  const deceased = personColumns((s) => s.deceased ?? []);
  return {
    asOf,
    households: n,
    persons,
    regions: regionIds.strings,
    householdRegion,
    memberStart,
    personHousehold,
    deceasedCount,
    deceasedStart,
    deceasedHousehold,
    deceased,
    strings: ids.strings,
    household,
    person,
  };
}

function repeatArray<T extends Typed>(source: T, times: number, make: (n: number) => T): T {
  const out = make(source.length * times);
  for (let t = 0; t < times; t++) out.set(source, t * source.length);
  return out;
}

function repeatColumn(column: Column, times: number): Column {
  switch (column.kind) {
    case 'num':
      return {
        kind: 'num',
        values: repeatArray(column.values, times, f64),
        present: repeatArray(column.present, times, u8),
      };
    case 'bool':
      return { kind: 'bool', values: repeatArray(column.values, times, u8) };
    case 'str':
      return { kind: 'str', values: repeatArray(column.values, times, i32) };
    case 'list': {
      const rows = column.offsets.length - 1;
      const itemCount = column.offsets[rows] ?? 0;
      const offsets = i32(rows * times + 1);
      for (let t = 0; t < times; t++)
        for (let r = 0; r < rows; r++) offsets[t * rows + r] = (column.offsets[r] ?? 0) + t * itemCount;
      offsets[rows * times] = itemCount * times;
      const items: ItemColumn =
        column.items.kind === 'num'
          ? { kind: 'num', values: repeatArray(column.items.values, times, f64) }
          : column.items.kind === 'bool'
            ? { kind: 'bool', values: repeatArray(column.items.values, times, u8) }
            : { kind: 'str', values: repeatArray(column.items.values, times, i32) };
      return {
        kind: 'list',
        offsets,
        present: repeatArray(column.present, times, u8),
        items,
        on: column.on ? repeatArray(column.on, times, i32) : null,
      };
    }
  }
}

/**
 * The same households `times` over (the benchmark's million from a generated county): a
 * copy of every array, so the batch path does the full work on each copy.
 */
export function repeatSnapshot(snapshot: PopulationSnapshot, times: number): PopulationSnapshot {
  const { households: n, persons, deceasedCount: dead } = snapshot;
  const memberStart = i32(n * times + 1);
  const personHousehold = i32(persons * times);
  const deceasedStart = i32(n * times + 1);
  const deceasedHousehold = i32(dead * times);
  for (let t = 0; t < times; t++) {
    for (let h = 0; h < n; h++) {
      memberStart[t * n + h] = (snapshot.memberStart[h] ?? 0) + t * persons;
      deceasedStart[t * n + h] = (snapshot.deceasedStart[h] ?? 0) + t * dead;
    }
    for (let p = 0; p < persons; p++)
      personHousehold[t * persons + p] = (snapshot.personHousehold[p] ?? 0) + t * n;
    for (let p = 0; p < dead; p++)
      deceasedHousehold[t * dead + p] = (snapshot.deceasedHousehold[p] ?? 0) + t * n;
  }
  memberStart[n * times] = persons * times;
  deceasedStart[n * times] = dead * times;
  const columns = (source: Record<string, Column>) =>
    Object.fromEntries(Object.entries(source).map(([name, c]) => [name, repeatColumn(c, times)]));
  return {
    ...snapshot,
    households: n * times,
    persons: persons * times,
    householdRegion: repeatArray(snapshot.householdRegion, times, i32),
    memberStart,
    personHousehold,
    deceasedCount: dead * times,
    deceasedStart,
    deceasedHousehold,
    deceased: columns(snapshot.deceased),
    household: columns(snapshot.household),
    person: columns(snapshot.person),
  };
}
