import type { Kysely } from 'kysely';
import { AppError, type FieldProblem } from '../../core/appError.ts';
import { todayInChina } from '../../core/isoDate.ts';
import type { Database, FactRow, SubjectType } from '../../db/schema.ts';
import type { VariableCatalogue } from '../variables/variableCatalogue.ts';
import { findPersonById } from '../persons/personRepository.ts';
import { findAssistanceHousehold } from '../households/householdRepository.ts';
import { findFacts, insertFacts } from './factRepository.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { resolveFactsOn, type Authority, type IsEventVariable, type ResolvedFact } from './resolveFacts.ts';

export interface FactInput {
  subjectType: SubjectType;
  subjectId: string;
  variable: string;
  value: unknown;
  source: string;
  observedAt: string;
  validFrom: string;
  validTo?: string | null;
}

async function subjectExists(
  db: Kysely<Database>,
  type: SubjectType,
  id: string,
  scope: DataScopeFilter,
): Promise<boolean> {
  return type === 'person'
    ? (await findPersonById(db, id, scope)) !== undefined
    : (await findAssistanceHousehold(db, id, scope)) !== undefined;
}

/**
 * Records facts after checking each against the catalogue; `path` prefixes field paths so
 * a batch reports `body.facts[3].value`. Nothing is written unless every fact is valid.
 */
export async function recordFacts(
  db: Kysely<Database>,
  catalogue: VariableCatalogue,
  scope: DataScopeFilter,
  inputs: FactInput[],
  path = 'body',
  now = new Date().toISOString(),
): Promise<FactRow[]> {
  const problems: FieldProblem[] = [];
  const rows = [];
  for (const [i, input] of inputs.entries()) {
    const at = inputs.length === 1 && path === 'body' ? path : `${path}[${i}]`;
    const definition = catalogue.get(input.variable);
    if (!definition) {
      problems.push({ path: `${at}.variable`, code: 'UNKNOWN_VARIABLE', params: { name: input.variable } });
      continue;
    }
    if (definition.entity !== input.subjectType) {
      problems.push({
        path: `${at}.subjectType`,
        code: 'INVALID_FACT_VALUE',
        params: {
          name: input.variable,
          reason: `该变量属于${definition.entity === 'person' ? '个人' : '家庭'}`,
        },
      });
    }
    const checked = catalogue.checkValue(input.variable, input.value);
    if (!checked.ok) {
      problems.push({
        path: `${at}.value`,
        code: 'INVALID_FACT_VALUE',
        params: { name: input.variable, reason: checked.reason },
      });
    }
    if (!catalogue.department(input.source)) {
      problems.push({
        path: `${at}.source`,
        code: 'FIELD_NOT_ALLOWED',
        params: { allowed: catalogue.departments.map((d) => d.code).join('、') },
      });
    }
    if (input.validTo && input.validTo <= input.validFrom) {
      problems.push({
        path: `${at}.validTo`,
        code: 'INVALID_PERIOD',
        params: { from: input.validFrom, to: input.validTo },
      });
    }
    if (!(await subjectExists(db, input.subjectType, input.subjectId, scope))) {
      problems.push({
        path: `${at}.subjectId`,
        code: input.subjectType === 'person' ? 'PERSON_NOT_FOUND' : 'HOUSEHOLD_NOT_FOUND',
      });
    }
    if (checked.ok) {
      rows.push({
        subject_type: input.subjectType,
        subject_id: input.subjectId,
        variable: input.variable,
        value_json: JSON.stringify(checked.value),
        source: input.source,
        observed_at: input.observedAt,
        valid_from: input.validFrom,
        valid_to: input.validTo ?? null,
        recorded_at: now,
      });
    }
  }
  if (problems.length > 0) throw new AppError('VALIDATION_FAILED', {}, problems);
  return insertFacts(db, rows);
}

/**
 * An instant in the form recorded_at is stored in (UTC, milliseconds, `Z`). SQLite compares
 * the text, so '2026-08-01T07:00:00+08:00' (23:00 UTC the day before) must not be compared
 * as written: it would sort after '2026-08-01T00:00:00.000Z'.
 */
function toUtcInstant(instant: string): string {
  const time = new Date(instant);
  if (Number.isNaN(time.getTime())) {
    throw AppError.field('query.knownAt', 'FIELD_FORMAT', { format: 'date-time' });
  }
  return time.toISOString();
}

/**
 * A subject's facts as they stood on a date (today by default), one value per state variable;
 * event variables (`isEvent`) have no "value on a date" and are left out (see resolveFactsOn).
 */
export async function factsAsOf(
  db: Kysely<Database>,
  subjectType: SubjectType,
  subjectId: string,
  asOf: string = todayInChina(),
  knownAt?: string,
  authority?: Authority,
  isEvent?: IsEventVariable,
): Promise<ResolvedFact[]> {
  const facts = await findFacts(db, {
    subjectType,
    subjectIds: [subjectId],
    validOn: asOf,
    knownAt: knownAt === undefined ? undefined : toUtcInstant(knownAt),
  });
  return resolveFactsOn(facts, asOf, authority, isEvent);
}

/** Every fact ever recorded for a subject: the full history with provenance. */
export async function factHistory(
  db: Kysely<Database>,
  subjectType: SubjectType,
  subjectId: string,
): Promise<FactRow[]> {
  return findFacts(db, { subjectType, subjectIds: [subjectId] });
}
