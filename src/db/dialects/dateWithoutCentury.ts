import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dialectOf } from '../dialectOf.ts';

/**
 * A date column as 'YY-MM-DD' (the century dropped), the way a legacy 15-digit ID number
 * writes a birth date: two records whose dates agree here may be one number read in two
 * centuries. SQLite stores dates as ISO text, PostgreSQL as `date`.
 */
export function dateWithoutCentury<T>(db: Kysely<T>, column: string): RawBuilder<string> {
  return dialectOf(db) === 'postgres'
    ? sql<string>`to_char(${sql.ref(column)}, 'YY-MM-DD')`
    : sql<string>`substr(${sql.ref(column)}, 3)`;
}
