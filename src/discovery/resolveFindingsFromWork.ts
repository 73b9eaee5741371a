import type { Kysely } from 'kysely';
import type { Database, FindingResolution } from '../db/schema.ts';
import { changeFindingWithin, findingStatus, openGapFinding } from './discoveryRepository.ts';
import { isOpen, nextStatus } from './findingLifecycle.ts';

export interface WorkFeedback {
  /** The finding the order was made from, if any. */
  findingId: string | null;
  householdId: string | null;
  /** enrolled → the policy enrolled in; its open gap finding for the household is filled too. */
  resolution: FindingResolution;
  enrolledPolicyId: string | null;
  actor: string;
  note: string;
  at: string;
}

/**
 * Feedback from a resolved work order to discovery (issue 8), inside the order's transaction: the
 * source finding resolved with the order's outcome, and — when the household was enrolled in a
 * policy — that policy's open gap finding for the household resolved as enrolled, which is what
 * the outcomes ledger counts. Each goes through the findings' own lifecycle and clears the
 * household's screening digest (ADR 0023), so the next run compares it in full. Findings already
 * closed are left as they are. Returns the ids resolved.
 */
export async function resolveFindingsFromWork(trx: Kysely<Database>, f: WorkFeedback): Promise<string[]> {
  const targets: { id: string; status: Parameters<typeof nextStatus>[0]; kind: string }[] = [];
  if (f.findingId) {
    const source = await findingStatus(trx, f.findingId);
    if (source && isOpen(source.status)) targets.push(source);
  }
  if (f.resolution === 'enrolled' && f.enrolledPolicyId && f.householdId) {
    const gap = await openGapFinding(trx, f.householdId, f.enrolledPolicyId);
    if (gap && !targets.some((t) => t.id === gap.id)) targets.push(gap);
  }
  for (const t of targets) {
    // A gap filled by enrolment in the source's stead is enrolled; the source takes the order's outcome.
    const resolution: FindingResolution = t.id === f.findingId ? f.resolution : 'enrolled';
    const status = nextStatus(t.status, 'resolve', resolution);
    await changeFindingWithin(
      trx,
      t.id,
      { status, resolution, updated_at: f.at },
      {
        finding_id: t.id,
        at: f.at,
        actor: f.actor,
        run_id: null,
        action: 'resolved',
        from_status: t.status,
        to_status: status,
        kind: t.kind as Parameters<typeof changeFindingWithin>[3]['kind'],
        note: `${resolution}：${f.note}`,
      },
    );
  }
  return targets.map((t) => t.id);
}
