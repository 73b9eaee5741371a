import { sql, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import { areaCodesWithin } from '../../areas/areaRepository.ts';
import type { Database } from '../../db/schema.ts';
import type { Principal } from '../auth/authService.ts';

/**
 * The rows a caller may see, as one value every repository query takes. Area scope is
 * applied here, in the data layer, so no route can forget it: a row outside the scope is
 * simply not found (and a guessed id answers 404, revealing nothing).
 */
export type DataScopeFilter =
  | { kind: 'all' }
  | { kind: 'within'; areaCode: string }
  | { kind: 'only'; areaCode: string }
  | { kind: 'none' };

/** The scope of a signed-in user: the widest of their roles, around their organisation's area. */
export function scopeOf(principal: Principal): DataScopeFilter {
  switch (principal.dataScope) {
    case 'all':
      return { kind: 'all' };
    case 'area_and_below':
      return { kind: 'within', areaCode: principal.areaCode };
    case 'area_only':
      return { kind: 'only', areaCode: principal.areaCode };
    case 'own':
      // "Only what I handle" needs cases and work orders, which come later; until then nothing.
      return { kind: 'none' };
  }
}

/** Unrestricted scope, for the system's own jobs (demo loading, re-encryption), never for requests. */
export const systemScope: DataScopeFilter = { kind: 'all' };

/** A condition on an area-code column (e.g. `persons.residence_area_code`): true inside the scope. */
export function inScope(db: Kysely<Database>, column: string, scope: DataScopeFilter): RawBuilder<SqlBool> {
  switch (scope.kind) {
    case 'all':
      return sql<SqlBool>`1 = 1`;
    case 'none':
      return sql<SqlBool>`1 = 0`;
    case 'only':
      return sql<SqlBool>`${sql.ref(column)} = ${scope.areaCode}`;
    case 'within':
      return sql<SqlBool>`${sql.ref(column)} in (${areaCodesWithin(db, scope.areaCode)})`;
  }
}
