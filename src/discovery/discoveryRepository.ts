import { sql, type Insertable, type Kysely, type Updateable } from 'kysely';
import { areaCodesWithin } from '../areas/areaRepository.ts';
import { inScope, type DataScopeFilter } from '../access/scope/dataScope.ts';
import type {
  Database,
  FindingEventTable,
  FindingKind,
  FindingStatus,
  FindingTable,
  HouseholdAssessmentTable,
  HouseholdScreeningTable,
  ScreeningRunTable,
} from '../db/schema.ts';
import { insertChunked, upsertChunked } from '../registry/insertChunked.ts';
import type { FindingChanges, StoredFinding } from './planFindingChanges.ts';

/** Screening runs, findings and their events: the only code of discovery that touches Kysely. */

export async function insertRun(db: Kysely<Database>, run: ScreeningRunTable): Promise<void> {
  await db.insertInto('screening_runs').values(run).execute();
}

export async function updateRun(
  db: Kysely<Database>,
  id: string,
  change: Updateable<ScreeningRunTable>,
): Promise<void> {
  await db.updateTable('screening_runs').set(change).where('id', '=', id).execute();
}

export async function findRun(db: Kysely<Database>, id: string): Promise<ScreeningRunTable | undefined> {
  return db.selectFrom('screening_runs').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function listRuns(
  db: Kysely<Database>,
  limit: number,
  withIncremental: boolean,
): Promise<ScreeningRunTable[]> {
  let query = db.selectFrom('screening_runs').selectAll();
  if (!withIncremental) query = query.where('trigger', '!=', 'incremental');
  return query.orderBy('started_at', 'desc').limit(limit).execute();
}

export async function latestRun(
  db: Kysely<Database>,
  trigger?: ScreeningRunTable['trigger'],
): Promise<ScreeningRunTable | undefined> {
  let query = db.selectFrom('screening_runs').selectAll();
  if (trigger) query = query.where('trigger', '=', trigger);
  return query.orderBy('started_at', 'desc').limit(1).executeTakeFirst();
}

/**
 * The latest completed run that saw every change up to its marks: one over every household, or
 * an incremental run (which follows one). A run limited to an area is not a base.
 */
export async function latestBaseRun(db: Kysely<Database>): Promise<ScreeningRunTable | undefined> {
  return db
    .selectFrom('screening_runs')
    .selectAll()
    .where('status', '=', 'completed')
    .where((eb) => eb.or([eb('area_code', 'is', null), eb('trigger', '=', 'incremental')]))
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
}

/** The hukou households a run screens: all, those of an area's subtree, or the ones named. */
export async function householdsToScreen(
  db: Kysely<Database>,
  areaCode: string | null,
  ids: string[] | null,
): Promise<{ id: string; area_code: string }[]> {
  let query = db.selectFrom('hukou_households').select(['id', 'area_code']);
  if (areaCode) query = query.where('area_code', 'in', areaCodesWithin(db, areaCode));
  if (ids) {
    if (ids.length === 0) return [];
    const out: { id: string; area_code: string }[] = [];
    for (let i = 0; i < ids.length; i += 500)
      out.push(...(await query.where('id', 'in', ids.slice(i, i + 500)).execute()));
    return out;
  }
  return query.orderBy('id').execute();
}

export async function findingsOfHouseholds(
  db: Kysely<Database>,
  householdIds: string[],
): Promise<StoredFinding[]> {
  if (householdIds.length === 0) return [];
  return db
    .selectFrom('findings')
    .select([
      'id',
      'household_id',
      'policy_id',
      'subject',
      'kind',
      'status',
      'amount',
      'amount_period',
      'area_code',
    ])
    .where('household_id', 'in', householdIds)
    .execute();
}

/** What the last run that screened these households found for them (digest and current count). */
export async function screeningsOfHouseholds(
  db: Kysely<Database>,
  householdIds: string[],
): Promise<Pick<HouseholdScreeningTable, 'household_id' | 'findings_digest' | 'findings_current'>[]> {
  if (householdIds.length === 0) return [];
  return db
    .selectFrom('household_screenings')
    .select(['household_id', 'findings_digest', 'findings_current'])
    .where('household_id', 'in', householdIds)
    .execute();
}

/** One chunk's changes and the run's progress, in one transaction. */
export async function applyFindingChanges(
  db: Kysely<Database>,
  changes: FindingChanges,
  assessments: HouseholdAssessmentTable[],
  runId: string,
  progress: Updateable<ScreeningRunTable>,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await insertChunked(trx, 'findings', changes.inserts, 40);
    // An explanation replaces the finding's earlier one (a finding changed or came back).
    await upsertChunked(trx, 'finding_explanations', 'finding_id', changes.explanations, 100);
    for (const { id, change } of changes.updates)
      await trx.updateTable('findings').set(change).where('id', '=', id).execute();
    await upsertChunked(trx, 'household_screenings', 'household_id', changes.screenings, 100);
    await insertChunked(trx, 'finding_events', changes.events, 80);
    await upsertChunked(trx, 'household_assessments', ['household_id', 'model_id'], assessments, 60);
    await trx.updateTable('screening_runs').set(progress).where('id', '=', runId).execute();
  });
}

export interface FindingFilter {
  kind?: FindingKind;
  status?: FindingStatus | 'open';
  policyId?: string;
  areaCode?: string;
  householdId?: string;
}

const findingColumns = [
  'findings.id',
  'findings.household_id',
  'findings.policy_id',
  'findings.subject',
  'findings.area_code',
  'findings.kind',
  'findings.status',
  'findings.resolution',
  'findings.assigned_to',
  'findings.amount',
  'findings.amount_period',
  'findings.first_seen_at',
  // An open finding was last seen by its household's last screening (a run writes nothing for a
  // finding it sees again unchanged); a resolved or superseded one when a run last wrote it.
  sql<string>`coalesce(case when findings.status in ('new', 'assigned') then household_screenings.screened_at end, findings.last_seen_at)`.as(
    'last_seen_at',
  ),
  'findings.updated_at',
  'hukou_households.hukou_number',
  'persons.name as person_name',
] as const;

/** Findings in the caller's scope, filtered, newest first, with the household's number and the member's name. */
export async function listFindings(
  db: Kysely<Database>,
  scope: DataScopeFilter,
  filter: FindingFilter,
  limit: number,
  offset: number,
) {
  let base = db
    .selectFrom('findings')
    .innerJoin('hukou_households', 'hukou_households.id', 'findings.household_id')
    .leftJoin('persons', 'persons.id', 'findings.subject')
    .leftJoin('household_screenings', 'household_screenings.household_id', 'findings.household_id')
    .where(inScope(db, 'findings.area_code', scope));
  if (filter.kind) base = base.where('findings.kind', '=', filter.kind);
  if (filter.status === 'open') base = base.where('findings.status', 'in', ['new', 'assigned']);
  else if (filter.status) base = base.where('findings.status', '=', filter.status);
  if (filter.policyId) base = base.where('findings.policy_id', '=', filter.policyId);
  if (filter.householdId) base = base.where('findings.household_id', '=', filter.householdId);
  if (filter.areaCode) base = base.where('findings.area_code', 'in', areaCodesWithin(db, filter.areaCode));
  const rows = await base
    .select(findingColumns)
    .orderBy('findings.first_seen_at', 'desc')
    .orderBy('findings.id')
    .limit(limit)
    .offset(offset)
    .execute();
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return { rows, total: total.n };
}

/** Counts of findings in scope by kind and status (the list's summary). */
export async function countFindings(db: Kysely<Database>, scope: DataScopeFilter) {
  const rows = await db
    .selectFrom('findings')
    .select(['kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inScope(db, 'findings.area_code', scope))
    .groupBy(['kind', 'status'])
    .execute();
  return rows.map((r) => ({ kind: r.kind, status: r.status, n: r.n }));
}

export async function findFinding(db: Kysely<Database>, id: string, scope: DataScopeFilter) {
  return (
    db
      .selectFrom('findings')
      .innerJoin('hukou_households', 'hukou_households.id', 'findings.household_id')
      .leftJoin('persons', 'persons.id', 'findings.subject')
      .leftJoin('household_screenings', 'household_screenings.household_id', 'findings.household_id')
      // Every finding has its explanation: written with it, in the same transaction.
      .innerJoin('finding_explanations', 'finding_explanations.finding_id', 'findings.id')
      .select([
        ...findingColumns,
        'finding_explanations.explanation_json',
        'finding_explanations.pool_version',
        'finding_explanations.data_version',
        'finding_explanations.explained_at',
      ])
      .where('findings.id', '=', id)
      .where(inScope(db, 'findings.area_code', scope))
      .executeTakeFirst()
  );
}

export async function findingEvents(db: Kysely<Database>, findingId: string) {
  return db
    .selectFrom('finding_events')
    .leftJoin('users', 'users.id', 'finding_events.actor')
    .select([
      'finding_events.id',
      'finding_events.at',
      'finding_events.actor',
      'users.display_name as actor_name',
      'finding_events.run_id',
      'finding_events.action',
      'finding_events.from_status',
      'finding_events.to_status',
      'finding_events.kind',
      'finding_events.note',
    ])
    .where('finding_id', '=', findingId)
    .orderBy('finding_events.id')
    .execute();
}

/**
 * A staff action: the finding's new status and its event, together — and its household's
 * screening digest cleared, so the next run compares the household's findings in full rather
 * than trusting what it found last time (a reopened finding no longer called for is superseded
 * again, as before).
 */
export async function changeFinding(
  db: Kysely<Database>,
  id: string,
  change: Updateable<FindingTable>,
  event: Insertable<FindingEventTable>,
): Promise<void> {
  await db.transaction().execute((trx) => changeFindingWithin(trx, id, change, event));
}

/** changeFinding inside a caller's transaction (a work order resolved with its finding). */
export async function changeFindingWithin(
  trx: Kysely<Database>,
  id: string,
  change: Updateable<FindingTable>,
  event: Insertable<FindingEventTable>,
): Promise<void> {
  await trx.updateTable('findings').set(change).where('id', '=', id).execute();
  await trx.insertInto('finding_events').values(event).execute();
  await trx
    .updateTable('household_screenings')
    .set({ findings_digest: null })
    .where('household_id', '=', (eb) =>
      eb.selectFrom('findings').select('findings.household_id').where('findings.id', '=', id),
    )
    .execute();
}

/** A household's open gap finding for a policy (the gap a work order's enrolment fills). */
export async function openGapFinding(trx: Kysely<Database>, householdId: string, policyId: string) {
  return trx
    .selectFrom('findings')
    .select(['id', 'status', 'kind'])
    .where('household_id', '=', householdId)
    .where('policy_id', '=', policyId)
    .where('kind', '=', 'gap')
    .where('status', 'in', ['new', 'assigned'])
    .executeTakeFirst();
}

export async function findingStatus(trx: Kysely<Database>, id: string) {
  return trx.selectFrom('findings').select(['id', 'status', 'kind']).where('id', '=', id).executeTakeFirst();
}

/** Findings in scope counted by township (the first nine digits of the area code), kind and status. */
export async function countFindingsByTownship(db: Kysely<Database>, scope: DataScopeFilter) {
  const township = sql<string>`substr(findings.area_code, 1, 9)`;
  const rows = await db
    .selectFrom('findings')
    .select([township.as('township'), 'kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inScope(db, 'findings.area_code', scope))
    .groupBy([township, 'kind', 'status'])
    .execute();
  return rows.map((r) => ({ township: `${r.township}000`, kind: r.kind, status: r.status, n: r.n }));
}

/** Findings in scope counted by rule (policy or warning), kind and status: departments and causes come from the rules. */
export async function countFindingsByRule(db: Kysely<Database>, scope: DataScopeFilter) {
  return db
    .selectFrom('findings')
    .select(['policy_id', 'kind', 'status', (eb) => eb.fn.countAll<number>().as('n')])
    .where(inScope(db, 'findings.area_code', scope))
    .groupBy(['policy_id', 'kind', 'status'])
    .execute();
}

/**
 * The outcomes ledger's rows: gap findings resolved as enrolled, with when (the resolving event),
 * the amount and its period, the household and the subject — within the scope and period.
 */
export async function filledGaps(db: Kysely<Database>, scope: DataScopeFilter, from: string, to: string) {
  return db
    .selectFrom('finding_events')
    .innerJoin('findings', 'findings.id', 'finding_events.finding_id')
    .select([
      'finding_events.at',
      'findings.household_id',
      'findings.subject',
      'findings.policy_id',
      'findings.area_code',
      'findings.amount',
      'findings.amount_period',
    ])
    .where('finding_events.action', '=', 'resolved')
    .where('findings.status', '=', 'resolved')
    .where('findings.resolution', '=', 'enrolled')
    .where('findings.kind', '=', 'gap')
    .where('finding_events.at', '>=', from)
    .where('finding_events.at', '<', to)
    .where(inScope(db, 'findings.area_code', scope))
    .orderBy('finding_events.at')
    .execute();
}

/** Gaps first found in a period (any status now), in scope: the ledger's "found" beside "filled". */
export async function countGapsFound(
  db: Kysely<Database>,
  scope: DataScopeFilter,
  from: string,
  to: string,
): Promise<{ gaps: number; households: number }> {
  const row = await db
    .selectFrom('findings')
    .select((eb) => [
      eb.fn.countAll<number>().as('gaps'),
      eb.fn.count<number>('findings.household_id').distinct().as('households'),
    ])
    .where('findings.kind', '=', 'gap')
    .where('findings.first_seen_at', '>=', from)
    .where('findings.first_seen_at', '<', to)
    .where(inScope(db, 'findings.area_code', scope))
    .executeTakeFirst();
  return { gaps: row?.gaps ?? 0, households: row?.households ?? 0 };
}

/** The newest open warnings in scope, for the cockpit's list. */
export async function latestWarnings(db: Kysely<Database>, scope: DataScopeFilter, limit: number) {
  return db
    .selectFrom('findings')
    .innerJoin('hukou_households', 'hukou_households.id', 'findings.household_id')
    .leftJoin('persons', 'persons.id', 'findings.subject')
    .leftJoin('household_screenings', 'household_screenings.household_id', 'findings.household_id')
    .select(findingColumns)
    .where('findings.kind', '=', 'warning')
    .where('findings.status', 'in', ['new', 'assigned'])
    .where(inScope(db, 'findings.area_code', scope))
    .orderBy('findings.first_seen_at', 'desc')
    .orderBy('findings.id')
    .limit(limit)
    .execute();
}
