import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { isoDateProblem } from '../../core/isoDate.ts';
import { isLabel } from '../../core/label.ts';

export const variableTypes = ['number', 'integer', 'boolean', 'date', 'string', 'code', 'money'] as const;
export type VariableType = (typeof variableTypes)[number];
export type VariableEntity = 'person' | 'household';
export type FactValue = number | boolean | string;
/**
 * A state variable has one value at a time (an income, a grade): facts are observations of it
 * and the latest (or the authority's) wins. An event variable's facts are occurrences (each
 * medical settlement's out-of-pocket amount, on its settlement date): they are never resolved
 * to a current value but counted or summed over a window.
 */
export const variableTemporals = ['state', 'event'] as const;
export type VariableTemporal = (typeof variableTemporals)[number];

export interface Label {
  zh: string;
  en: string;
}

export interface VariableDefinition {
  name: string;
  type: VariableType;
  unit?: string;
  entity: VariableEntity;
  /** `state` unless the catalogue says `temporal: event`. */
  temporal: VariableTemporal;
  label: Label;
  codes?: Record<string, Label>;
  description?: string;
}

export interface Department {
  code: string;
  zh: string;
  en: string;
}

export type ValueCheck = { ok: true; value: FactValue } | { ok: false; reason: string };

/** The declared variables and source departments; every fact is checked against it. */
export interface VariableCatalogue {
  get(name: string): VariableDefinition | undefined;
  list(): VariableDefinition[];
  departments: Department[];
  department(code: string): Department | undefined;
  /** Checks and normalises a value for a variable; the reason is Chinese. */
  checkValue(name: string, value: unknown): ValueCheck;
}

export const defaultCatalogueFile = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../catalogue/variables.yaml',
);

// Keys an entry may carry; anything else is a typo (`lable`, `unti`) that would silently drop data.
const variableKeys = new Set(['name', 'type', 'unit', 'entity', 'temporal', 'label', 'codes', 'description']);
const departmentKeys = new Set(['code', 'zh', 'en']);
const SNAKE_CASE = /^[a-z][a-z0-9_]*$/;

/** Validates the parsed YAML; throws an Error naming the broken entry and what to fix. */
export function buildVariableCatalogue(document: unknown, source = 'variables.yaml'): VariableCatalogue {
  const doc = (document ?? {}) as { variables?: unknown; departments?: unknown };
  if (!Array.isArray(doc.variables)) throw new Error(`${source}: 缺少 variables 列表`);
  if (!Array.isArray(doc.departments)) throw new Error(`${source}: 缺少 departments 列表`);

  const departmentByCode = new Map<string, Department>();
  doc.departments.forEach((raw: unknown, i) => {
    const d = (raw ?? {}) as Record<string, unknown>;
    const where = `${source}: departments[${i}]${typeof d.code === 'string' ? ` (${d.code})` : ''}`;
    const label = { zh: d.zh, en: d.en };
    if (typeof d.code !== 'string' || !SNAKE_CASE.test(d.code) || !isLabel(label)) {
      throw new Error(`${where}: 需要 code（小写字母、数字和下划线）、zh、en`);
    }
    const unknown = Object.keys(d).filter((k) => !departmentKeys.has(k));
    if (unknown.length > 0) throw new Error(`${where}: 不认识的字段 ${unknown.join('、')}`);
    if (departmentByCode.has(d.code)) throw new Error(`${where}: 部门代码重复`);
    departmentByCode.set(d.code, { code: d.code, ...label });
  });
  const departments = [...departmentByCode.values()];

  const byName = new Map<string, VariableDefinition>();
  doc.variables.forEach((raw: unknown, i) => {
    const v = (raw ?? {}) as Record<string, unknown>;
    const where = `${source}: variables[${i}]${typeof v.name === 'string' ? ` (${v.name})` : ''}`;
    if (typeof v.name !== 'string' || !SNAKE_CASE.test(v.name)) {
      throw new Error(`${where}: name 应为小写字母、数字和下划线`);
    }
    const unknown = Object.keys(v).filter((k) => !variableKeys.has(k));
    if (unknown.length > 0) throw new Error(`${where}: 不认识的字段 ${unknown.join('、')}`);
    if (byName.has(v.name)) throw new Error(`${where}: 变量名重复`);
    if (typeof v.type !== 'string' || !(variableTypes as readonly string[]).includes(v.type)) {
      throw new Error(`${where}: type 应为 ${variableTypes.join('、')} 之一`);
    }
    if (v.entity !== 'person' && v.entity !== 'household')
      throw new Error(`${where}: entity 应为 person 或 household`);
    if (!isLabel(v.label))
      throw new Error(`${where}: label 需要 zh 和 en（只含这两项；含逗号的文字请加引号）`);
    const temporal = v.temporal ?? 'state';
    if (typeof temporal !== 'string' || !(variableTemporals as readonly string[]).includes(temporal)) {
      throw new Error(`${where}: temporal 应为 state（状态，取最新值）或 event（事件，按期间汇总）`);
    }
    for (const key of ['unit', 'description'] as const) {
      if (v[key] !== undefined && (typeof v[key] !== 'string' || v[key].length === 0)) {
        throw new Error(`${where}: ${key} 应为非空文本`);
      }
    }
    if (v.type !== 'code' && v.codes !== undefined) {
      throw new Error(`${where}: 只有 code 类型的变量可以有 codes`);
    }
    let codes: Record<string, Label> | undefined;
    if (v.type === 'code') {
      if (typeof v.codes !== 'object' || v.codes === null || Object.keys(v.codes).length === 0) {
        throw new Error(`${where}: code 类型的变量需要 codes`);
      }
      codes = {};
      for (const [code, label] of Object.entries(v.codes as Record<string, unknown>)) {
        if (!isLabel(label))
          throw new Error(`${where}: codes.${code} 需要 zh 和 en（只含这两项；含逗号的文字请加引号）`);
        codes[code] = label;
      }
    }
    byName.set(v.name, {
      name: v.name,
      type: v.type as VariableType,
      entity: v.entity,
      temporal: temporal as VariableTemporal,
      label: v.label,
      ...(typeof v.unit === 'string' ? { unit: v.unit } : {}),
      ...(codes ? { codes } : {}),
      ...(typeof v.description === 'string' ? { description: v.description } : {}),
    });
  });

  return {
    get: (name) => byName.get(name),
    list: () => [...byName.values()],
    departments,
    department: (code) => departmentByCode.get(code),
    checkValue: (name, value) => {
      const definition = byName.get(name);
      if (!definition) return { ok: false, reason: `变量${name}未登记` };
      return checkTypedValue(definition, value);
    },
  };
}

/**
 * Rounds yuan to the fen, half away from zero, as the source wrote the number: 1.005 is
 * stored as 1.00499… in binary, and `Math.round(v * 100)` would turn it into 1.00.
 */
export function roundToFen(yuan: number): number {
  // Beyond 2^53 fen a double holds no fen digits at all: nothing to round.
  if (Math.abs(yuan) * 100 >= Number.MAX_SAFE_INTEGER) return yuan;
  // Already whole fen (nearly every amount a department sends): the nearest double to n/100
  // prints as n/100, so the text round trip below would give it back unchanged. It cost more
  // than any other check of an imported value (issue 4).
  const whole = Math.round(yuan * 100);
  if (whole / 100 === yuan) return whole === 0 ? 0 : yuan;
  const [mantissa = '0', exponent = '0'] = String(Math.abs(yuan)).split('e');
  const fen = Math.round(Number(`${mantissa}e${Number(exponent) + 2}`));
  return fen === 0 ? 0 : (Math.sign(yuan) * fen) / 100;
}

function checkTypedValue(definition: VariableDefinition, value: unknown): ValueCheck {
  switch (definition.type) {
    case 'boolean':
      return typeof value === 'boolean'
        ? { ok: true, value }
        : { ok: false, reason: '应为是/否（true 或 false）' };
    case 'integer':
      // Safe integers only: beyond 2^53 a count has already lost digits on its way here.
      return typeof value === 'number' && Number.isSafeInteger(value)
        ? { ok: true, value }
        : { ok: false, reason: '应为整数' };
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, reason: '应为数字' };
    case 'money':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return { ok: false, reason: '应为金额（元）' };
      // Money is kept to the fen; more decimals would be noise from a source system.
      return { ok: true, value: roundToFen(value) };
    case 'date': {
      if (typeof value !== 'string') return { ok: false, reason: '应为YYYY-MM-DD日期' };
      const problem = isoDateProblem(value);
      return problem ? { ok: false, reason: problem } : { ok: true, value };
    }
    case 'string':
      return typeof value === 'string' && value.length <= 2000
        ? { ok: true, value }
        : { ok: false, reason: '应为不超过2000字的文本' };
    case 'code': {
      const codes = definition.codes ?? {};
      const code = typeof value === 'number' ? String(value) : value;
      if (typeof code === 'string' && code in codes) return { ok: true, value: code };
      return { ok: false, reason: `应为以下代码之一：${Object.keys(codes).join('、')}` };
    }
  }
}

/** Loads and validates the catalogue file (the shipped one by default). */
export function loadVariableCatalogue(file: string = defaultCatalogueFile): VariableCatalogue {
  return buildVariableCatalogue(parse(fs.readFileSync(file, 'utf8')), path.basename(file));
}
