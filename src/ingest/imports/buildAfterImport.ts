import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { IsoDate } from '../../core/isoDate.ts';
import type { Database } from '../../db/schema.ts';
import { recordAudit } from '../../access/audit/auditService.ts';
import type { RelationToApplicant } from '../../registry/households/assistanceMembership.ts';
import type { AssistanceType, RosterEntry } from '../../registry/households/assistanceRoster.ts';
import {
  applyAssistanceRoster,
  type RosterSummary,
} from '../../registry/households/assistanceRosterService.ts';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import type { SourceRecord } from '../readers/readFeedFile.ts';
import { interpretRow } from '../rows/interpretRow.ts';
import { findPersonIdsByIdHash } from './ingestRepository.ts';

export interface BuildContext {
  db: Kysely<Database>;
  cipher: FieldCipher;
  variables: VariableCatalogue;
}

export interface BuildOptions {
  feed: FeedDefinition;
  importId: string;
  open: (skipThroughLine: number) => AsyncIterable<SourceRecord>;
  startedBy: string;
  ip?: string;
  today: IsoDate;
}

/**
 * What a feed rebuilds once all its rows are in (`builds:` in its definition), called by name
 * from the import. It reads the whole file again — rows accepted now and rows already in from an
 * earlier file alike, since a roster is a statement of every case it lists, not of its new rows.
 */
export async function buildAfterImport(
  context: BuildContext,
  options: BuildOptions,
): Promise<RosterSummary | null> {
  if (options.feed.builds !== 'assistanceHouseholds') return null;
  const summary = await rebuildAssistanceHouseholds(context, options);
  await recordAudit(context.db, {
    actor: options.startedBy,
    ip: options.ip ?? null,
    action: 'ingest.build.assistance_households',
    subjectType: 'import',
    subjectId: options.importId,
    detail: {
      feed: options.feed.id,
      ...summary,
      skipped: summary.skipped.slice(0, 100),
      skippedCount: summary.skipped.length,
    },
  });
  return summary;
}

async function rebuildAssistanceHouseholds(
  context: BuildContext,
  options: BuildOptions,
): Promise<RosterSummary> {
  const { feed } = options;
  const caseColumn =
    feed.columns.find((c) => c.kind === 'assistance' && c.assistance === 'caseNumber')?.column ?? '';
  const unsound = new Map<string, string>();
  const rows: {
    line: number;
    entry: Omit<RosterEntry, 'personId' | 'applicantPersonId'>;
    member: string;
    applicant: string;
  }[] = [];
  for await (const source of options.open(0)) {
    const caseNumber = (source.record[caseColumn] ?? '').trim();
    const row = source.problem ? null : interpretRow(feed, context.variables, source.record, options.today);
    const a = row?.assistance;
    if (
      !row ||
      row.problems.length > 0 ||
      !row.keys.idNumber ||
      !row.dates.observedAt ||
      !row.dates.validFrom ||
      !a
    ) {
      if (caseNumber && !unsound.has(caseNumber))
        unsound.set(caseNumber, `第${source.line}行有错误，整个案件未更新`);
      continue;
    }
    rows.push({
      line: source.line,
      member: row.keys.idNumber,
      applicant: String(a.applicantIdNumber),
      entry: {
        line: source.line,
        caseNumber: String(a.caseNumber),
        assistanceType: a.assistanceType as AssistanceType,
        areaCode: String(a.areaCode),
        relation: a.relation as RelationToApplicant,
        included: a.included === true,
        validFrom: row.dates.validFrom,
        validTo: row.dates.validTo ?? null,
        observedAt: row.dates.observedAt,
      },
    });
  }
  const hashOf = new Map<string, string>();
  for (const r of rows) {
    for (const id of [r.member, r.applicant])
      if (!hashOf.has(id)) hashOf.set(id, context.cipher.blindIndex(id));
  }
  const persons = await findPersonIdsByIdHash(context.db, [...new Set(hashOf.values())]);
  const personOf = (id: string) => persons.get(hashOf.get(id) ?? '') ?? null;
  const entries: RosterEntry[] = rows.map((r) => ({
    ...r.entry,
    personId: personOf(r.member),
    applicantPersonId: personOf(r.applicant),
  }));
  return applyAssistanceRoster(context.db, entries, unsound);
}
