/** The JSON schema of a paged list response: `{ items: [...], total }`. */
export const listOf = (item: object) =>
  ({
    type: 'object',
    properties: { items: { type: 'array', items: item }, total: { type: 'integer' } },
  }) as const;

/** Query properties for paging, shared by list routes. */
export const pagingProperties = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, default: 0 },
} as const;
