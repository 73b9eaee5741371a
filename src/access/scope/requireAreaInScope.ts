import type { Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { Database } from '../../db/schema.ts';
import { findArea, isAreaInScope } from '../../areas/areaRepository.ts';
import type { DataScopeFilter } from './dataScope.ts';

/** Refuses (403, naming the field) a write that would put data in an area outside the caller's scope. */
export async function requireAreaInScope(
  db: Kysely<Database>,
  path: string,
  code: string,
  scope: DataScopeFilter,
): Promise<void> {
  // The area tree is public, so an unknown code is said plainly; a known one outside the scope is refused.
  if (!(await findArea(db, code))) throw AppError.field(path, 'UNKNOWN_AREA', { code });
  if (!(await isAreaInScope(db, code, scope))) {
    throw new AppError('AREA_OUT_OF_SCOPE', { code }, [
      { path, code: 'AREA_OUT_OF_SCOPE', params: { code } },
    ]);
  }
}
