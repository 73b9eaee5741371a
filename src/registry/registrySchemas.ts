/** JSON schemas shared by the registry's routes. */
export const uuidParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', format: 'uuid' } },
} as const;

export const date = { type: 'string', format: 'date' } as const;
export { pagingProperties } from '../http/listSchema.ts';
export const nullableDate = { type: ['string', 'null'], format: 'date' } as const;
export const labelSchema = {
  type: 'object',
  properties: { zh: { type: 'string' }, en: { type: 'string' } },
} as const;
export const factValue = { type: ['number', 'boolean', 'string'] } as const;

export const resolvedFactSchema = {
  type: 'object',
  properties: {
    variable: { type: 'string' },
    label: { type: 'string' },
    value: factValue,
    source: { type: 'string' },
    sourceLabel: { type: 'string' },
    observedAt: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: ['string', 'null'] },
    factId: { type: 'integer' },
    basis: { type: 'string', enum: ['authority', 'latest'] },
    reason: { type: 'string' },
    competing: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          value: factValue,
          source: { type: 'string' },
          observedAt: { type: 'string' },
          factId: { type: 'integer' },
        },
      },
    },
  },
} as const;

export const factRowSchema = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    variable: { type: 'string' },
    value: factValue,
    source: { type: 'string' },
    observedAt: { type: 'string' },
    validFrom: { type: 'string' },
    validTo: { type: ['string', 'null'] },
    recordedAt: { type: 'string' },
  },
} as const;

export const factBody = {
  type: 'object',
  additionalProperties: false,
  required: ['subjectType', 'subjectId', 'variable', 'value', 'source', 'observedAt', 'validFrom'],
  properties: {
    subjectType: { type: 'string', enum: ['person', 'household'] },
    subjectId: { type: 'string', format: 'uuid' },
    variable: { type: 'string', maxLength: 100 },
    value: factValue,
    source: { type: 'string', maxLength: 50, description: '来源部门代码' },
    observedAt: { ...date, description: '数据采集日期' },
    validFrom: { ...date, description: '有效期开始（含）' },
    validTo: { ...nullableDate, description: '有效期结束（不含），空为至今有效' },
  },
} as const;

export const asOfQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    asOf: { ...date, description: '按此日期读取（默认今天）' },
    knownAt: { type: 'string', format: 'date-time', description: '只看此时刻前已登记的事实' },
    history: { type: 'boolean', default: false, description: '返回全部历史' },
  },
} as const;

export const factsResponse = {
  200: {
    type: 'object',
    properties: {
      asOf: { type: 'string' },
      facts: { type: 'array', items: resolvedFactSchema },
      history: { type: 'array', items: factRowSchema },
    },
  },
} as const;
