import type { FactValue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { InterpretedRow, InterpretedValue } from './interpretRow.ts';
import type { PreparedBatch, PreparedReject } from './prepareBatch.ts';

/**
 * A prepared batch as one flat array of strings, numbers and booleans, to go to another thread
 * (ADR 0038). Copying objects between threads writes every property's name for every object,
 * and read back 10,000 rows of a claims file took about 9 µs a row, more than interpreting them
 * had; the same rows flat cross in about 3 µs, rebuilt included. Refused records keep their
 * shape (there are few).
 */
export interface PackedBatch {
  received: number;
  lastLine: number;
  rejects: PreparedReject[];
  /**
   * Per row: line, hash, the record's JSON, ID number, name, birth date, hukou number (the last
   * four '' when absent), observed, valid-from and valid-to dates ('' when absent), the number of
   * values, then each value's variable and value.
   */
  flat: (string | number | boolean)[];
}

/**
 * Whether a feed's rows can be packed: they say nothing but keys, dates and values (no person,
 * hukou or assistance fields, which only a population feed or a roster brings).
 */
export const packable = (feed: FeedDefinition): boolean =>
  feed.columns.every((c) => c.kind !== 'person' && c.kind !== 'hukou' && c.kind !== 'assistance');

export function packBatch(batch: PreparedBatch): PackedBatch {
  const flat: (string | number | boolean)[] = [];
  for (const { line, record, row, hash, idNumber } of batch.rows) {
    const { keys, dates } = row;
    flat.push(
      line,
      hash,
      typeof record === 'string' ? record : JSON.stringify(record),
      idNumber ?? '',
      keys.name ?? '',
      keys.birthDate ?? '',
      keys.hukouNumber ?? '',
      dates.observedAt ?? '',
      dates.validFrom ?? '',
      dates.validTo ?? '',
      row.values.length,
    );
    for (const v of row.values) flat.push(v.variable, v.value);
  }
  return { received: batch.received, lastLine: batch.lastLine, rejects: batch.rejects, flat };
}

/** The keys and dates in the order `packBatch` writes them. */
const KEYS = ['idNumber', 'name', 'birthDate', 'hukouNumber'] as const;
const DATES = ['observedAt', 'validFrom', 'validTo'] as const;

/** One empty object for every unpacked row's person, hukou and assistance fields (frozen). */
const NONE: Readonly<Record<string, never>> = Object.freeze({});

/**
 * The batch `packBatch` was given, as far as the import reads it: a row's `identity` is left
 * out (its `idNumber` says it), as are the values' columns and the document number.
 */
export function unpackBatch(packed: PackedBatch): PreparedBatch {
  const { flat } = packed;
  const rows: PreparedBatch['rows'] = [];
  const text = (k: number) => (flat[k] === '' ? undefined : (flat[k] as string));
  let k = 0;
  while (k < flat.length) {
    const keys: InterpretedRow['keys'] = {};
    const dates: InterpretedRow['dates'] = {};
    KEYS.forEach((key, i) => {
      const value = text(k + 3 + i);
      if (value) keys[key] = value;
    });
    DATES.forEach((role, i) => {
      const value = text(k + 7 + i);
      if (value) dates[role] = value;
    });
    const idNumber = keys.idNumber;
    const count = flat[k + 10] as number;
    const values: InterpretedValue[] = new Array<InterpretedValue>(count);
    for (let v = 0; v < count; v++)
      values[v] = {
        variable: flat[k + 11 + 2 * v] as string,
        value: flat[k + 12 + 2 * v] as FactValue,
        column: '',
      };
    rows.push({
      line: flat[k] as number,
      hash: flat[k + 1] as string,
      record: flat[k + 2] as string,
      idNumber,
      row: { keys, dates, person: NONE, hukou: NONE, assistance: NONE, values, problems: [] },
    });
    k += 11 + 2 * count;
  }
  return { received: packed.received, lastLine: packed.lastLine, rejects: packed.rejects, rows };
}
