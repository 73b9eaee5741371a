import { createHash } from 'node:crypto';
import type { DecidedFinding } from './decideFindings.ts';

/**
 * The digest of what a household calls for in a run: its area and each finding's policy, subject,
 * kind, amount and period, in a fixed order — and `assessed`, its hardship assessments as the run
 * would store them (issue 7). Two runs with the same digest want the same stored findings and
 * assessments, so the later one has nothing to compare or write for the household (ADR 0023).
 */
export function findingsDigest(areaCode: string, findings: readonly DecidedFinding[], assessed = ''): string {
  const lines = findings.map(
    (f) => `${f.policyId}\t${f.subject}\t${f.kind}\t${String(f.amount)}\t${String(f.amountPeriod)}`,
  );
  lines.sort();
  return createHash('sha1')
    .update(areaCode)
    .update('\n')
    .update(lines.join('\n'))
    .update('\n\n')
    .update(assessed)
    .digest('base64');
}
