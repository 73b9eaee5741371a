import type { Insertable, Kysely } from 'kysely';
import { AppError } from '../../core/appError.ts';
import type { Database, FactTable } from '../../db/schema.ts';
import type { DataScopeFilter } from '../../access/scope/dataScope.ts';
import { findPersonById } from '../../registry/persons/personRepository.ts';
import { closeLinkReview, findLinkReview, insertFactRows, setKeyPerson } from './ingestRepository.ts';

export type LinkReviewDecision = { personId: string } | { dismiss: true };

/**
 * Staff decide who a held row is about: linking records the row's facts for that person (in
 * the caller's scope), dismissing records nothing. Either way the review closes once; a
 * second decision is refused rather than recording the facts twice.
 */
export async function decideLinkReview(
  db: Kysely<Database>,
  id: number,
  decision: LinkReviewDecision,
  userId: string,
  scope: DataScopeFilter,
  now = new Date().toISOString(),
): Promise<{ status: 'linked' | 'dismissed'; factsRecorded: number }> {
  const review = await findLinkReview(db, id);
  if (!review) throw new AppError('LINK_REVIEW_NOT_FOUND');
  if (review.status !== 'open') throw new AppError('LINK_REVIEW_DECIDED');
  if ('dismiss' in decision) {
    if (
      !(await closeLinkReview(db, id, {
        status: 'dismissed',
        person_id: null,
        decided_by: userId,
        decided_at: now,
      }))
    )
      throw new AppError('LINK_REVIEW_DECIDED');
    return { status: 'dismissed', factsRecorded: 0 };
  }
  const person = await findPersonById(db, decision.personId, scope);
  if (!person) throw new AppError('PERSON_NOT_FOUND');
  const facts = (JSON.parse(review.facts_json) as Insertable<FactTable>[]).map((f) => ({
    ...f,
    subject_id: person.id,
  }));
  return db.transaction().execute(async (trx) => {
    if (
      !(await closeLinkReview(trx, id, {
        status: 'linked',
        person_id: person.id,
        decided_by: userId,
        decided_at: now,
      }))
    )
      throw new AppError('LINK_REVIEW_DECIDED');
    await insertFactRows(trx, facts);
    await setKeyPerson(trx, review.import_id, review.line, person.id);
    return { status: 'linked' as const, factsRecorded: facts.length };
  });
}
