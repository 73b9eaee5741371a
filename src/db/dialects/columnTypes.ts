import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from '../dialectOf.ts';

/**
 * Column types that differ between the two databases, in one place. Migrations ask for
 * "a date" or "a timestamp"; SQLite stores ISO text, PostgreSQL its native types.
 */
export interface ColumnTypes {
  date: RawBuilder<unknown>;
  timestamp: RawBuilder<unknown>;
  /** Text compared byte by byte, so prefix range scans work whatever the locale. */
  binaryText: RawBuilder<unknown>;
  serial: RawBuilder<unknown>;
  isPostgres: boolean;
}

export function columnTypes(db: Kysely<unknown>): ColumnTypes {
  const pg = dialectOf(db) === 'postgres';
  return {
    date: pg ? sql`date` : sql`text`,
    timestamp: pg ? sql`timestamptz` : sql`text`,
    binaryText: pg ? sql`text collate "C"` : sql`text`,
    serial: pg ? sql`bigserial` : sql`integer`,
    isPostgres: pg,
  };
}
