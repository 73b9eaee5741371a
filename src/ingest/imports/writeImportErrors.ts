import type { Kysely } from 'kysely';
import type { FieldCipher } from '../../core/fieldCipher.ts';
import type { Database } from '../../db/schema.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { createErrorReportWriter } from '../excel/createErrorReportWriter.ts';
import type { RowProblem } from '../rows/interpretRow.ts';
import { listImportRejects } from './ingestRepository.ts';

const PAGE = 2000;

/**
 * Writes an import's rejected rows, as received and with every problem in Chinese, to an
 * XLSX users can filter and fix; page by page, so a file with a million bad rows streams.
 */
export async function writeImportErrors(
  db: Kysely<Database>,
  cipher: FieldCipher,
  feed: FeedDefinition,
  importId: string,
  out: string,
): Promise<number> {
  const writer = createErrorReportWriter(feed, out);
  let after = 0;
  for (;;) {
    const page = await listImportRejects(db, importId, after, PAGE);
    for (const reject of page) {
      writer.add(
        reject.line,
        JSON.parse(cipher.decrypt(reject.record_enc)) as Record<string, string>,
        JSON.parse(cipher.decrypt(reject.problems_enc)) as RowProblem[],
      );
    }
    await writer.drain();
    const last = page[page.length - 1];
    if (!last || page.length < PAGE) break;
    after = last.id;
  }
  return (await writer.close()).rows;
}
