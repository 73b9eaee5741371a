import type { ErrorObject } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatMessage } from '../core/appError.ts';
import { problemFromAjv, validatorCompiler } from './validation.ts';

/** Validates a body against a schema and maps every ajv error as the app does. */
function problems(schema: object, body: unknown) {
  const validate = validatorCompiler({ schema, httpPart: 'body', method: 'POST', url: '/x' }) as ((
    data: unknown,
  ) => boolean) & { errors?: ErrorObject[] | null };
  expect(validate(body)).toBe(false);
  return (validate.errors ?? []).map((e) => problemFromAjv('body', e));
}

describe('ajv keywords with their own catalogue messages', () => {
  it('minItems: too few items, with the limit', () => {
    const [problem] = problems(
      { type: 'object', properties: { fields: { type: 'array', minItems: 2 } } },
      { fields: ['a'] },
    );
    expect(problem).toEqual({ path: 'body.fields', code: 'FIELD_TOO_FEW', params: { limit: 2 } });
    expect(formatMessage('FIELD_TOO_FEW', 'zh', problem?.params)).toBe('条目不能少于2个');
    expect(formatMessage('FIELD_TOO_FEW', 'en', problem?.params)).toBe('Must have at least 2 items');
  });

  it('minProperties: an empty change, with the limit', () => {
    const [problem] = problems(
      { type: 'object', minProperties: 1, properties: { a: { type: 'string' } } },
      {},
    );
    expect(problem).toEqual({ path: 'body', code: 'FIELD_TOO_FEW_PROPERTIES', params: { limit: 1 } });
    expect(formatMessage('FIELD_TOO_FEW_PROPERTIES', 'zh', problem?.params)).toBe('至少需要填写1个字段');
  });

  it('uniqueItems: names the two equal items, counting from 1', () => {
    const [problem] = problems(
      {
        type: 'object',
        properties: { list: { type: 'array', uniqueItems: true, items: { type: 'string' } } },
      },
      { list: ['a', 'b', 'a'] },
    );
    expect(problem).toEqual({
      path: 'body.list',
      code: 'FIELD_DUPLICATE_ITEMS',
      params: { first: 1, second: 3 },
    });
    expect(formatMessage('FIELD_DUPLICATE_ITEMS', 'zh', problem?.params)).toBe('第1项与第3项重复');
    expect(formatMessage('FIELD_DUPLICATE_ITEMS', 'en', problem?.params)).toBe('Items 1 and 3 are the same');
  });
});
