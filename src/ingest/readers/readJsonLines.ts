import type { ReadOptions, SourceRecord } from './readFeedFile.ts';
import { DEFAULT_MAX_LINE_BYTES, readTextBlocks } from './readTextBlocks.ts';

const FORMAT = 'JSONL';

function malformed(line: number, reason: string, columns: string[]): SourceRecord {
  const record: Record<string, string> = {};
  for (const column of columns) record[column] = '';
  return { line, record, problem: { code: 'INGEST_MALFORMED_RECORD', params: { format: FORMAT, reason } } };
}

/** One line's object as column → text; a nested value or a line that is not an object is the record's problem. */
function toRecord(source: string, line: number, columns: string[]): SourceRecord {
  let parsed: unknown;
  try {
    parsed = JSON.parse(source);
  } catch {
    return malformed(line, '不是有效的 JSON', columns);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return malformed(line, '每行应为一个 JSON 对象（{…}）', columns);
  }
  const object = parsed as Record<string, unknown>;
  const record: Record<string, string> = {};
  const nested: string[] = [];
  for (const column of columns) {
    const value = Object.hasOwn(object, column) ? object[column] : undefined;
    if (typeof value === 'string') record[column] = value.trim();
    else if (typeof value === 'number' || typeof value === 'boolean') record[column] = String(value);
    else if (value === null || value === undefined) record[column] = '';
    else {
      record[column] = '';
      nested.push(column);
    }
  }
  if (nested.length > 0) {
    return {
      line,
      record,
      problem: {
        code: 'INGEST_MALFORMED_RECORD',
        params: {
          format: FORMAT,
          reason: `${nested.join('、')}的值是数组或对象，应为文字、数字或 true/false`,
        },
      },
    };
  }
  return { line, record };
}

/**
 * JSON lines: one object per line, keys are the feed's columns. There is no header, so a
 * missing key is just an empty value; a line that is not JSON is reported with its number and
 * reading goes on. Blank lines are skipped (they still count for line numbers).
 */
export async function* readJsonLines(file: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const skip = options.skipThroughLine ?? 0;
  const blocks = readTextBlocks(file, {
    encoding: options.encoding,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    format: FORMAT,
  });
  for await (const { text, firstLine } of blocks) {
    let line = firstLine;
    let pos = 0;
    while (pos < text.length) {
      const lf = text.indexOf('\n', pos);
      const end = lf === -1 ? text.length : lf;
      if (line > skip) {
        const source = text.slice(pos, end).trim();
        if (source.length > 0) yield toRecord(source, line, options.expectedColumns);
      }
      line++;
      pos = end + 1;
    }
  }
}
