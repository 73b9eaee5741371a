import type { Insertable } from 'kysely';
import type {
  FindingEventTable,
  FindingExplanationTable,
  FindingTable,
  HouseholdScreeningTable,
} from '../db/schema.ts';
import type { DecidedFinding } from './decideFindings.ts';
import type { FindingExplanation } from './findingRules.ts';
import { isOpen } from './findingLifecycle.ts';

/** The stored fields a run compares and updates. */
export type StoredFinding = Pick<
  FindingTable,
  | 'id'
  | 'household_id'
  | 'policy_id'
  | 'subject'
  | 'kind'
  | 'status'
  | 'amount'
  | 'amount_period'
  | 'area_code'
>;

/** A finding a run wants to exist, with its explanation if it was explained while deciding. */
export type WantedFinding = DecidedFinding & { explanation?: FindingExplanation };

/**
 * A written finding whose explanation is still to be made: the run explains these (and only
 * these) and writes the JSON into `row`, its entry in `explanations`, before the changes are
 * stored (screenChunk.ts `explainChanges`).
 */
export interface Unexplained {
  householdId: string;
  policyId: string;
  subject: string;
  /** Which rule set explains it: warnings and model lists have their own. */
  kind: FindingTable['kind'];
  row: { explanation_json: string };
}

export interface RunStamp {
  runId: string;
  at: string;
  poolVersion: string;
  dataVersion: string;
}

export interface FindingChanges {
  inserts: Insertable<FindingTable>[];
  /** Updates by id: a finding found again changed, brought back, or superseded. */
  updates: { id: string; change: Partial<FindingTable> }[];
  /**
   * The run's stamp on what it writes. A finding seen again as stored (kind, amount, area) is not
   * written at all: its household's screening row says which run saw it last (ADR 0023), and its
   * explanation stays the snapshot of when it was found or last changed (ADR 0022).
   */
  stamp: Pick<FindingTable, 'last_run_id' | 'last_seen_at' | 'pool_version' | 'data_version'>;
  events: Insertable<FindingEventTable>[];
  /** Each screened household's row: the run, and the digest of what it called for (screenChunk.ts). */
  screenings: HouseholdScreeningTable[];
  /** The explanations written (new, or replacing the finding's earlier one). */
  explanations: FindingExplanationTable[];
  counts: { found: number; changed: number; superseded: number; current: number };
  /** Current findings (called for, not resolved) of each household compared, after the run. */
  currentByHousehold: Map<string, number>;
  /** Written findings whose explanation is still to be made; empty once explained. */
  unexplained: Unexplained[];
}

const key = (householdId: string, policyId: string, subject: string) =>
  `${householdId}|${policyId}|${subject}`;

/**
 * A finding found, changed or brought back is written with its explanation now: the wanted
 * finding's, or an entry listed in `unexplained` for the run to fill in.
 */
function explainAnew(out: FindingChanges, householdId: string, d: WantedFinding, findingId: string): void {
  const entry: FindingExplanationTable = {
    finding_id: findingId,
    explanation_json: d.explanation ? JSON.stringify(d.explanation) : '',
    run_id: out.stamp.last_run_id,
    pool_version: out.stamp.pool_version,
    data_version: out.stamp.data_version,
    explained_at: out.stamp.last_seen_at,
  };
  out.explanations.push(entry);
  if (!d.explanation)
    out.unexplained.push({ householdId, policyId: d.policyId, subject: d.subject, kind: d.kind, row: entry });
}

/**
 * What one run changes for the households it screened, given the findings stored for them and
 * the findings they call for now. A finding is the same across runs when its household, policy
 * and subject are (its identity); its kind may change (a gap that becomes a review), which is
 * recorded. Open findings no longer called for are superseded; superseded ones called for again
 * reappear; resolved ones stay resolved (staff decided; a run does not undo it); one seen again
 * unchanged is not written. A finding's explanation is written with it when it is found,
 * changes kind, amount or area, or reappears — taken from the wanted finding if it came
 * explained, else listed in `unexplained` for the run to explain. Pure: the repository writes
 * the result in the run's transaction.
 */
export function planFindingChanges(
  stored: StoredFinding[],
  desired: Map<string, { areaCode: string; findings: WantedFinding[] }>,
  stamp: RunStamp,
  newId: () => string,
): FindingChanges {
  const out: FindingChanges = {
    inserts: [],
    updates: [],
    screenings: [],
    stamp: {
      last_run_id: stamp.runId,
      last_seen_at: stamp.at,
      pool_version: stamp.poolVersion,
      data_version: stamp.dataVersion,
    },
    events: [],
    explanations: [],
    counts: { found: 0, changed: 0, superseded: 0, current: 0 },
    currentByHousehold: new Map(),
    unexplained: [],
  };
  const existing = new Map(stored.map((f) => [key(f.household_id, f.policy_id, f.subject), f]));
  const wanted = new Set<string>();
  const event = (
    finding: { id: string; kind: FindingTable['kind'] },
    action: FindingEventTable['action'],
    from: FindingTable['status'] | null,
    to: FindingTable['status'],
    note: string | null,
  ) =>
    out.events.push({
      finding_id: finding.id,
      at: stamp.at,
      actor: 'system',
      run_id: stamp.runId,
      action,
      from_status: from,
      to_status: to,
      kind: finding.kind,
      note,
    });

  for (const [householdId, { areaCode, findings }] of desired) {
    let current = 0;
    for (const d of findings) {
      const k = key(householdId, d.policyId, d.subject);
      wanted.add(k);
      const found = existing.get(k);
      const same =
        found !== undefined &&
        found.area_code === areaCode &&
        found.kind === d.kind &&
        found.amount === d.amount &&
        found.amount_period === d.amountPeriod;
      if (!found) {
        const id = newId();
        const insert: Insertable<FindingTable> = {
          id,
          household_id: householdId,
          policy_id: d.policyId,
          subject: d.subject,
          area_code: areaCode,
          kind: d.kind,
          status: 'new',
          resolution: null,
          assigned_to: null,
          amount: d.amount,
          amount_period: d.amountPeriod,
          ...out.stamp,
          first_run_id: stamp.runId,
          first_seen_at: stamp.at,
          updated_at: stamp.at,
        };
        out.inserts.push(insert);
        explainAnew(out, householdId, d, id);
        event({ id, kind: d.kind }, 'found', null, 'new', null);
        out.counts.found++;
        current++;
        continue;
      }
      if (found.status === 'resolved') {
        if (!same) {
          explainAnew(out, householdId, d, found.id);
          out.updates.push({ id: found.id, change: { area_code: areaCode, ...out.stamp } });
        }
        continue;
      }
      if (same && found.status !== 'superseded') {
        current++;
        continue;
      }
      explainAnew(out, householdId, d, found.id);
      const change: Partial<FindingTable> = {
        area_code: areaCode,
        ...out.stamp,
        kind: d.kind,
        amount: d.amount,
        amount_period: d.amountPeriod,
      };
      if (found.status === 'superseded') {
        change.status = 'new';
        change.updated_at = stamp.at;
        event({ id: found.id, kind: d.kind }, 'reappeared', 'superseded', 'new', null);
        out.counts.found++;
      } else if (found.kind !== d.kind || found.amount !== d.amount) {
        change.updated_at = stamp.at;
        const notes: string[] = [];
        if (found.kind !== d.kind) notes.push(`${found.kind} → ${d.kind}`);
        if (found.amount !== d.amount)
          notes.push(`金额 ${String(found.amount ?? '—')} → ${String(d.amount ?? '—')}`);
        event({ id: found.id, kind: d.kind }, 'changed', found.status, found.status, notes.join('；'));
        out.counts.changed++;
      }
      out.updates.push({ id: found.id, change });
      current++;
    }
    out.currentByHousehold.set(householdId, current);
    out.counts.current += current;
  }

  for (const f of stored) {
    if (wanted.has(key(f.household_id, f.policy_id, f.subject)) || !isOpen(f.status)) continue;
    out.updates.push({
      id: f.id,
      change: { status: 'superseded', last_run_id: stamp.runId, updated_at: stamp.at },
    });
    event(f, 'superseded', f.status, 'superseded', null);
    out.counts.superseded++;
  }
  return out;
}
