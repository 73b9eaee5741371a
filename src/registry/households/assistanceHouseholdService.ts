import { timeOrderedId } from '../../core/timeOrderedId.ts';
import type { Kysely } from 'kysely';
import { AppError, type FieldProblem } from '../../core/appError.ts';
import type { AssistanceHouseholdTable, Database } from '../../db/schema.ts';
import { findFacts } from '../facts/factRepository.ts';
import { resolveFactsOn } from '../facts/resolveFacts.ts';
import { findPersonsByIds } from '../persons/personRepository.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { requireAreaInScope } from '../../access/scope/requireAreaInScope.ts';
import {
  decideMembership,
  type MembershipCandidate,
  type MembershipDecision,
  type RelationToApplicant,
} from './assistanceMembership.ts';
import { findAssistanceHousehold, insertAssistanceHousehold } from './householdRepository.ts';

export interface CreateAssistanceHouseholdBody {
  applicantPersonId: string;
  establishedOn: string;
  candidates: { personId: string; relation: Exclude<RelationToApplicant, 'applicant'> }[];
}

const MEMBERSHIP_VARIABLES = [
  'lives_with_applicant',
  'full_time_student',
  'student_stage',
  'can_live_independently',
  'disability_grade',
  'parents_unable_to_support',
  'children_unable_to_support',
  'in_prison',
  'compulsory_rehab',
  'declared_missing',
  'clergy_at_religious_site_since',
];

/**
 * Forms an assistance household from an applicant and the people who might belong to it.
 * Each candidate's facts are read as of the establishment date and the membership rules
 * decide; every candidate is stored, included or not, with the rule that decided.
 */
export async function createAssistanceHousehold(
  db: Kysely<Database>,
  body: CreateAssistanceHouseholdBody,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<{ household: AssistanceHouseholdTable; decisions: MembershipDecision[] }> {
  const ids = [body.applicantPersonId, ...body.candidates.map((c) => c.personId)];
  const persons = new Map((await findPersonsByIds(db, ids, scope)).map((p) => [p.id, p]));
  const problems: FieldProblem[] = [];
  if (!persons.has(body.applicantPersonId))
    problems.push({ path: 'body.applicantPersonId', code: 'PERSON_NOT_FOUND' });
  const seen = new Set([body.applicantPersonId]);
  body.candidates.forEach((c, i) => {
    if (!persons.has(c.personId))
      problems.push({ path: `body.candidates[${i}].personId`, code: 'PERSON_NOT_FOUND' });
    if (seen.has(c.personId)) {
      problems.push({
        path: `body.candidates[${i}].personId`,
        code: 'HOUSEHOLD_CONFLICT',
        params: { reason: '同一人重复列出' },
      });
    }
    seen.add(c.personId);
  });
  const spouses = body.candidates.flatMap((c, i) => (c.relation === 'spouse' ? [i] : []));
  for (const i of spouses.slice(1)) {
    problems.push({
      path: `body.candidates[${i}].relation`,
      code: 'HOUSEHOLD_CONFLICT',
      params: { reason: '申请人只能有一位配偶' },
    });
  }
  const applicant = persons.get(body.applicantPersonId);
  if (applicant?.death_date != null && applicant.death_date <= body.establishedOn) {
    problems.push({
      path: 'body.applicantPersonId',
      code: 'HOUSEHOLD_CONFLICT',
      params: { reason: `申请人已于${applicant.death_date}死亡` },
    });
  }
  if (applicant && applicant.residence_area_code === null) {
    problems.push({
      path: 'body.applicantPersonId',
      code: 'HOUSEHOLD_CONFLICT',
      params: { reason: '申请人没有登记经常居住地，无法确定家庭所在区划' },
    });
  }
  if (problems.length > 0 || !applicant || applicant.residence_area_code === null) {
    throw new AppError('VALIDATION_FAILED', {}, problems);
  }

  await requireAreaInScope(db, 'body.applicantPersonId', applicant.residence_area_code, scope);
  const facts = await findFacts(db, {
    subjectType: 'person',
    subjectIds: ids,
    validOn: body.establishedOn,
    variables: MEMBERSHIP_VARIABLES,
  });
  const factsByPerson = new Map<string, Map<string, unknown>>();
  for (const id of ids) {
    const resolved = resolveFactsOn(
      facts.filter((f) => f.subject_id === id),
      body.establishedOn,
    );
    factsByPerson.set(id, new Map(resolved.map((r) => [r.variable, r.value])));
  }
  const candidates: MembershipCandidate[] = [
    { personId: applicant.id, relation: 'applicant' as const },
    ...body.candidates,
  ].map(({ personId, relation }) => {
    const f = factsByPerson.get(personId) ?? new Map<string, unknown>();
    const bool = (name: string) => (typeof f.get(name) === 'boolean' ? (f.get(name) as boolean) : null);
    const text = (name: string) => (typeof f.get(name) === 'string' ? (f.get(name) as string) : null);
    const person = persons.get(personId);
    return {
      personId,
      relation,
      birthDate: person?.birth_date ?? body.establishedOn,
      deathDate: person?.death_date ?? null,
      livesTogether: bool('lives_with_applicant'),
      fullTimeStudent: bool('full_time_student'),
      studentStage: text('student_stage'),
      canLiveIndependently: bool('can_live_independently'),
      disabilityGrade: text('disability_grade'),
      parentsUnableToSupport: bool('parents_unable_to_support'),
      childrenUnableToSupport: bool('children_unable_to_support'),
      inPrison: bool('in_prison') === true,
      compulsoryRehab: bool('compulsory_rehab') === true,
      declaredMissing: bool('declared_missing') === true,
      clergySince: text('clergy_at_religious_site_since'),
    };
  });
  const decisions = decideMembership(candidates, body.establishedOn);
  const household: AssistanceHouseholdTable = {
    id: timeOrderedId(),
    area_code: applicant.residence_area_code,
    applicant_person_id: applicant.id,
    established_on: body.establishedOn,
    created_at: now,
  };
  await db.transaction().execute(async (trx) => {
    await insertAssistanceHousehold(
      trx,
      household,
      decisions.map((d) => ({
        household_id: household.id,
        person_id: d.personId,
        relation: d.relation,
        included: d.included ? 1 : 0,
        basis: d.basis,
        valid_from: body.establishedOn,
        valid_to: null,
      })),
    );
  });
  return { household, decisions };
}

export async function requireAssistanceHousehold(
  db: Kysely<Database>,
  id: string,
  scope: DataScopeFilter,
): Promise<AssistanceHouseholdTable> {
  const household = await findAssistanceHousehold(db, id, scope);
  if (!household) throw new AppError('HOUSEHOLD_NOT_FOUND');
  return household;
}
