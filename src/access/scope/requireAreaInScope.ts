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

/**
 * The area a request acts on: the one it names, refused when outside the caller's scope, or else
 * the caller's own area; null (every area) only for a caller whose scope is unrestricted. A
 * caller who sees nothing must name an area, which is then refused.
 */
export async function requestedArea(
  db: Kysely<Database>,
  path: string,
  code: string | undefined,
  scope: DataScopeFilter,
): Promise<string | null> {
  if (code) {
    await requireAreaInScope(db, path, code, scope);
    return code;
  }
  switch (scope.kind) {
    case 'all':
      return null;
    case 'within':
    case 'only':
      return scope.areaCode;
    case 'none':
      throw AppError.field(path, 'FIELD_REQUIRED');
  }
}
