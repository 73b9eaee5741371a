/**
 * Exactly which rows a merge moved from the duplicate to the survivor (ids), and which of the
 * duplicate's memberships it ended because the survivor already belonged to that household:
 * what a split puts back. Stored as JSON in `person_merges.moved_json`.
 */
export interface MovedRows {
  facts: number[];
  hukouMembers: number[];
  /** The duplicate's current hukou memberships in a household the survivor was already in: ended. */
  endedHukouMembers: number[];
  assistanceMembers: number[];
  endedAssistanceMembers: number[];
  /** Assistance households whose applicant was the duplicate. */
  assistanceApplicants: string[];
  ingestKeys: { feedId: string; recordHash: string }[];
  /** Link reviews decided for the duplicate. */
  linkReviews: number[];
  /** The day the ended memberships ended (the merge's day, China time). */
  endedOn: string;
}

/** How many rows of each kind moved, for lists and the audit trail. */
export function movedCounts(moved: MovedRows): Record<string, number> {
  return {
    facts: moved.facts.length,
    hukouMembers: moved.hukouMembers.length + moved.endedHukouMembers.length,
    assistanceMembers: moved.assistanceMembers.length + moved.endedAssistanceMembers.length,
    assistanceApplicants: moved.assistanceApplicants.length,
    ingestKeys: moved.ingestKeys.length,
    linkReviews: moved.linkReviews.length,
  };
}
