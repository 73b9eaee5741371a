import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import type { FieldProblem, LocalizedText } from '../core/appError.ts';
import { isoDateProblem } from '../core/isoDate.ts';
import { parseResidentId } from '../registry/residentId/index.ts';
import { areaCodeProblem } from '../areas/areaCode.ts';

// ajv-formats is CommonJS with a default export; under NodeNext it arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

/**
 * Two validators: bodies are checked strictly (no type coercion, unknown fields refused),
 * while path and query strings are coerced to the declared types, as URLs carry only text.
 * allErrors: a client fixing a form wants every problem at once, not one per round trip.
 */
function makeAjv(coerce: boolean): Ajv {
  const ajv = new Ajv({
    allErrors: true,
    verbose: true,
    coerceTypes: coerce ? 'array' : false,
    useDefaults: true,
    removeAdditional: false,
    strict: false,
  });
  addFormats(ajv);
  // Our own formats, so a schema can say what a field is and the error says exactly why it is not.
  ajv.addFormat('resident-id', (value: string) => parseResidentId(value).ok);
  ajv.addFormat('area-code', (value: string) => areaCodeProblem(value) === undefined);
  return ajv;
}

const strictAjv = makeAjv(false);
const coercingAjv = makeAjv(true);

export const validatorCompiler: FastifySchemaCompiler<FastifySchema> = ({ schema, httpPart }) => {
  const ajv = httpPart === 'body' ? strictAjv : coercingAjv;
  return ajv.compile(schema as object);
};

const typeNames: Record<string, LocalizedText> = {
  string: { zh: '字符串', en: 'string' },
  integer: { zh: '整数', en: 'integer' },
  number: { zh: '数字', en: 'number' },
  boolean: { zh: '布尔值', en: 'boolean' },
  object: { zh: '对象', en: 'object' },
  array: { zh: '数组', en: 'array' },
  null: { zh: '空值', en: 'null' },
};

const formatNames: Record<string, LocalizedText> = {
  date: { zh: 'YYYY-MM-DD日期', en: 'a YYYY-MM-DD date' },
  'date-time': { zh: 'ISO 8601时间', en: 'an ISO 8601 timestamp' },
  uuid: { zh: 'UUID', en: 'a UUID' },
  email: { zh: '电子邮件地址', en: 'an e-mail address' },
};

/** Turns `/members/2/idNumber` into `body.members[2].idNumber`. */
function fieldPath(part: string, instancePath: string, child?: string): string {
  const segments = instancePath.split('/').slice(1);
  if (child !== undefined) segments.push(child);
  let out = part;
  for (const segment of segments) {
    const key = segment.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(key) ? `[${key}]` : `.${key}`;
  }
  return out;
}

/** Maps one ajv error to a problem with a catalogue code and the parameters its message needs. */
export function problemFromAjv(part: string, error: ErrorObject): FieldProblem {
  const params = error.params as Record<string, unknown>;
  const path = fieldPath(part, error.instancePath);
  switch (error.keyword) {
    case 'required':
      return {
        path: fieldPath(part, error.instancePath, String(params.missingProperty)),
        code: 'FIELD_REQUIRED',
      };
    case 'additionalProperties':
      return {
        path: fieldPath(part, error.instancePath, String(params.additionalProperty)),
        code: 'FIELD_UNKNOWN',
      };
    case 'type': {
      // Several allowed types arrive comma-separated ("string,null").
      const types = String(params.type).split(',');
      const type: LocalizedText = {
        zh: types.map((t) => typeNames[t]?.zh ?? t).join('或'),
        en: types.map((t) => typeNames[t]?.en ?? t).join(' or '),
      };
      return { path, code: 'FIELD_TYPE', params: { type } };
    }
    case 'format': {
      const format = String(params.format);
      const data = typeof error.data === 'string' ? error.data : '';
      if (format === 'date')
        return { path, code: 'INVALID_DATE', params: { reason: isoDateProblem(data) ?? data } };
      if (format === 'resident-id') {
        const result = parseResidentId(data);
        const reason = result.ok ? '' : result.problems.map((p) => p.message).join('；');
        return { path, code: 'INVALID_ID_NUMBER', params: { reason } };
      }
      if (format === 'area-code') {
        return { path, code: 'INVALID_AREA_CODE', params: { reason: areaCodeProblem(data) ?? data } };
      }
      return { path, code: 'FIELD_FORMAT', params: { format: formatNames[format] ?? format } };
    }
    case 'pattern':
      return { path, code: 'FIELD_PATTERN' };
    case 'maxLength':
      return { path, code: 'FIELD_TOO_LONG', params: { limit: Number(params.limit) } };
    case 'minLength':
      return { path, code: 'FIELD_TOO_SHORT', params: { limit: Number(params.limit) } };
    case 'maxItems':
      return { path, code: 'FIELD_TOO_MANY', params: { limit: Number(params.limit) } };
    case 'minItems':
      return { path, code: 'FIELD_TOO_FEW', params: { limit: Number(params.limit) } };
    case 'minProperties':
      return { path, code: 'FIELD_TOO_FEW_PROPERTIES', params: { limit: Number(params.limit) } };
    case 'uniqueItems': {
      // ajv names the two equal items 0-based, in no promised order; people count from 1.
      const [first, second] = [Number(params.i), Number(params.j)].sort((x, y) => x - y);
      return {
        path,
        code: 'FIELD_DUPLICATE_ITEMS',
        params: { first: (first ?? 0) + 1, second: (second ?? 0) + 1 },
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        path,
        code: 'FIELD_OUT_OF_RANGE',
        params: { comparison: String(params.comparison), limit: Number(params.limit) },
      };
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String).join('、') : '';
      return { path, code: 'FIELD_NOT_ALLOWED', params: { allowed } };
    }
    default:
      return { path, code: 'FIELD_FORMAT', params: { format: error.keyword } };
  }
}
