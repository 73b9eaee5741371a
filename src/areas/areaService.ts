import type { Kysely } from 'kysely';
import { AppError } from '../core/appError.ts';
import type { AreaRow, Database } from '../db/schema.ts';
import { areaCodeProblem, areaKindOf, areaLevelOf, areaLevels, normalizeAreaCode } from './areaCode.ts';
import {
  findArea,
  insertAreas,
  listChildren,
  recordAreaChanges,
  rewriteSubtreePaths,
  updateArea,
} from './areaRepository.ts';

/**
 * Edits to the area tree. Areas are master data the bureau maintains as administrative
 * divisions change (区划调整): every edit is dated, has a reason, and leaves a history row.
 */

export interface ChangeMeta {
  effectiveOn: string;
  reason?: string | undefined;
}

function fieldCode(path: string, input: string): string {
  const problem = areaCodeProblem(input);
  if (problem) throw AppError.field(path, 'INVALID_AREA_CODE', { reason: problem });
  return normalizeAreaCode(input);
}

async function requireArea(db: Kysely<Database>, code: string): Promise<AreaRow> {
  const area = await findArea(db, code);
  if (!area) throw new AppError('AREA_NOT_FOUND', { code });
  return area;
}

async function requireActiveAreaField(db: Kysely<Database>, path: string, code: string): Promise<AreaRow> {
  const area = await findArea(db, code);
  if (!area) throw AppError.field(path, 'UNKNOWN_AREA', { code });
  if (area.retired_on !== null) {
    throw new AppError('AREA_CONFLICT', { reason: `${area.name}（${code}）已于${area.retired_on}撤销` });
  }
  return area;
}

function levelIndex(level: AreaRow['level']): number {
  return areaLevels.indexOf(level);
}

export async function addArea(
  db: Kysely<Database>,
  input: { code: string; name: string; parentCode: string } & ChangeMeta,
  now = new Date().toISOString(),
): Promise<AreaRow> {
  const code = fieldCode('body.code', input.code);
  const parentCode = fieldCode('body.parentCode', input.parentCode);
  return db.transaction().execute(async (trx) => {
    if (await findArea(trx, code)) throw new AppError('AREA_CONFLICT', { reason: `区划代码${code}已存在` });
    const parent = await requireActiveAreaField(trx, 'body.parentCode', parentCode);
    const level = areaLevelOf(code);
    if (levelIndex(level) <= levelIndex(parent.level)) {
      throw new AppError('AREA_CONFLICT', { reason: `代码${code}的级别不低于上级区划${parent.name}` });
    }
    const row = {
      code,
      name: input.name,
      level,
      kind: areaKindOf(code, level),
      parent_code: parent.code,
      path: parent.path + code,
      established_on: input.effectiveOn,
      retired_on: null,
      successor_code: null,
      updated_at: now,
    };
    await insertAreas(trx, [row]);
    await recordAreaChanges(trx, [
      {
        areaCode: code,
        change: 'add',
        effectiveOn: input.effectiveOn,
        before: null,
        after: { name: row.name, parentCode: row.parent_code, level, kind: row.kind },
        reason: input.reason ?? null,
        recordedAt: now,
      },
    ]);
    return requireArea(trx, code);
  });
}

export async function renameArea(
  db: Kysely<Database>,
  code: string,
  input: { name: string } & ChangeMeta,
  now = new Date().toISOString(),
): Promise<AreaRow> {
  return db.transaction().execute(async (trx) => {
    const area = await requireArea(trx, code);
    if (area.name === input.name) return area;
    await updateArea(trx, code, { name: input.name }, now);
    await recordAreaChanges(trx, [
      {
        areaCode: code,
        change: 'rename',
        effectiveOn: input.effectiveOn,
        before: { name: area.name },
        after: { name: input.name },
        reason: input.reason ?? null,
        recordedAt: now,
      },
    ]);
    return requireArea(trx, code);
  });
}

/** Moves an area (and everything below it) under another parent of the same level as the old one. */
export async function moveArea(
  db: Kysely<Database>,
  code: string,
  input: { parentCode: string } & ChangeMeta,
  now = new Date().toISOString(),
): Promise<AreaRow> {
  const parentCode = fieldCode('body.parentCode', input.parentCode);
  return db.transaction().execute(async (trx) => {
    const area = await requireArea(trx, code);
    const parent = await requireActiveAreaField(trx, 'body.parentCode', parentCode);
    const oldParent = area.parent_code === null ? undefined : await findArea(trx, area.parent_code);
    if (parent.path.startsWith(area.path)) {
      throw new AppError('AREA_CONFLICT', { reason: `不能把${area.name}移到它自己的下级` });
    }
    if (oldParent && oldParent.level !== parent.level) {
      throw new AppError('AREA_CONFLICT', {
        reason: `新上级${parent.name}的级别与原上级${oldParent.name}不同`,
      });
    }
    await moveSubtree(trx, area, parent, now);
    await recordAreaChanges(trx, [
      {
        areaCode: code,
        change: 'move',
        effectiveOn: input.effectiveOn,
        before: { parentCode: area.parent_code },
        after: { parentCode: parent.code },
        reason: input.reason ?? null,
        recordedAt: now,
      },
    ]);
    return requireArea(trx, code);
  });
}

async function moveSubtree(db: Kysely<Database>, area: AreaRow, parent: AreaRow, now: string): Promise<void> {
  const newPath = parent.path + area.code;
  await rewriteSubtreePaths(db, area.path, newPath, now);
  await updateArea(db, area.code, { parent_code: parent.code, path: newPath }, now);
}

/** Retires an area from a date. Its children must be moved or merged first. */
export async function retireArea(
  db: Kysely<Database>,
  code: string,
  input: ChangeMeta,
  now = new Date().toISOString(),
): Promise<AreaRow> {
  return db.transaction().execute(async (trx) => {
    const area = await requireArea(trx, code);
    if (area.retired_on !== null) {
      throw new AppError('AREA_CONFLICT', { reason: `${area.name}已于${area.retired_on}撤销` });
    }
    const children = await listChildren(trx, code);
    if (children.length > 0) {
      throw new AppError('AREA_CONFLICT', {
        reason: `${area.name}还有${children.length}个下级区划（如${children[0]?.name ?? ''}），请先迁移或合并`,
      });
    }
    await updateArea(trx, code, { retired_on: input.effectiveOn }, now);
    await recordAreaChanges(trx, [
      {
        areaCode: code,
        change: 'retire',
        effectiveOn: input.effectiveOn,
        before: { retiredOn: null },
        after: { retiredOn: input.effectiveOn },
        reason: input.reason ?? null,
        recordedAt: now,
      },
    ]);
    return requireArea(trx, code);
  });
}

/**
 * Merges an area into another of the same level: its children move to the target, and the
 * retired area itself is kept under the target with `successor_code` set. Keeping it in
 * the target's subtree means every record still filed under the old code (persons,
 * households, history) falls within the target's scope without rewriting other modules' data.
 */
export async function mergeArea(
  db: Kysely<Database>,
  code: string,
  input: { intoCode: string } & ChangeMeta,
  now = new Date().toISOString(),
): Promise<AreaRow> {
  const intoCode = fieldCode('body.intoCode', input.intoCode);
  return db.transaction().execute(async (trx) => {
    const area = await requireArea(trx, code);
    if (area.retired_on !== null) {
      throw new AppError('AREA_CONFLICT', { reason: `${area.name}已于${area.retired_on}撤销` });
    }
    const target = await requireActiveAreaField(trx, 'body.intoCode', intoCode);
    if (target.code === area.code) throw new AppError('AREA_CONFLICT', { reason: '不能合并到自身' });
    if (target.level !== area.level) {
      throw new AppError('AREA_CONFLICT', { reason: `${area.name}与${target.name}不是同一级别` });
    }
    if (target.path.startsWith(area.path)) {
      throw new AppError('AREA_CONFLICT', { reason: `不能合并到自己的下级${target.name}` });
    }
    const children = await listChildren(trx, code);
    for (const child of children) await moveSubtree(trx, child, target, now);
    await moveSubtree(trx, area, target, now);
    await updateArea(trx, code, { retired_on: input.effectiveOn, successor_code: target.code }, now);
    await recordAreaChanges(trx, [
      {
        areaCode: code,
        change: 'merge',
        effectiveOn: input.effectiveOn,
        before: { parentCode: area.parent_code, children: children.map((c) => c.code) },
        after: { successorCode: target.code },
        reason: input.reason ?? null,
        recordedAt: now,
      },
      ...children.map((child) => ({
        areaCode: child.code,
        change: 'move' as const,
        effectiveOn: input.effectiveOn,
        before: { parentCode: area.code },
        after: { parentCode: target.code },
        reason: `随${area.name}并入${target.name}`,
        recordedAt: now,
      })),
    ]);
    return requireArea(trx, code);
  });
}
