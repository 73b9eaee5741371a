import { AppError } from '../../core/appError.ts';
import { HeaderSearch } from './headerSearch.ts';
import type { ReadOptions, SourceRecord } from './readFeedFile.ts';
import { countLines, DEFAULT_MAX_LINE_BYTES, readTextBlocks } from './readTextBlocks.ts';

const FORMAT = 'CSV';
const QUOTE = 0x22;
const LF = 0x0a;

interface RawRecord {
  line: number;
  fields: string[];
  /** The file ended inside a quoted field. */
  unterminated?: boolean;
}

/** Index of the first delimiter or line feed at or after `from` (or `text.length`). */
function fieldEnd(text: string, from: number, delimiter: number): number {
  let e = from;
  while (e < text.length) {
    const c = text.charCodeAt(e);
    if (c === delimiter || c === LF) break;
    e++;
  }
  return e;
}

/**
 * One record that has a quote in its first line, RFC 4180: quoted fields may hold delimiters,
 * line feeds and doubled quotes. Undefined when the text ends before the record does and more
 * text is coming. `lines` is how many line feeds the record spans, its terminator included.
 */
function parseQuotedRecord(
  text: string,
  pos: number,
  delimiter: number,
  final: boolean,
): { fields: string[]; next: number; lines: number; unterminated?: true } | undefined {
  const len = text.length;
  const fields: string[] = [];
  let p = pos;
  let lines = 0;
  for (;;) {
    // Hand-made files put a space before the opening quote (`a, "b,c"`): still a quoted field.
    let s = p;
    while (s < len) {
      const c = text.charCodeAt(s);
      if ((c === 0x20 || c === 0x09) && c !== delimiter) s++;
      else break;
    }
    let value: string;
    if (s < len && text.charCodeAt(s) === QUOTE) {
      let from = s + 1;
      const parts: string[] = [];
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) {
          if (!final) return undefined;
          parts.push(text.slice(from));
          fields.push(parts.join(''));
          return { fields, next: len, lines, unterminated: true };
        }
        // A quote as the last character may be the first of a doubled pair: wait for more.
        if (q + 1 >= len && !final) return undefined;
        if (text.charCodeAt(q + 1) === QUOTE) {
          parts.push(text.slice(from, q + 1));
          from = q + 2;
          continue;
        }
        parts.push(text.slice(from, q));
        p = q + 1;
        break;
      }
      value = parts.length === 1 ? (parts[0] ?? '') : parts.join('');
      lines += countLines(value);
      // Text after the closing quote (`"a" b`) is not RFC 4180, but kept rather than lost.
      const e = fieldEnd(text, p, delimiter);
      if (e > p) value += text.slice(p, e);
      p = e;
    } else {
      const e = fieldEnd(text, p, delimiter);
      value = text.slice(p, e);
      p = e;
    }
    fields.push(value);
    if (p >= len) return final ? { fields, next: len, lines } : undefined;
    if (text.charCodeAt(p) === delimiter) {
      p++;
      continue;
    }
    return { fields, next: p + 1, lines: lines + 1 };
  }
}

/**
 * Splits decoded text into records, carrying an unfinished quoted record to the next push.
 * Lines without a quote (nearly all) take a fast path: one indexOf for the line feed and a
 * native split, with the position of the next quote cached so the text is scanned for quotes
 * once, not once per line. Carriage returns are left on the last field: values are trimmed.
 */
class CsvParser {
  private carry = '';
  private line = 1;
  private readonly delimiterCode: number;

  constructor(
    private readonly delimiter: string,
    private readonly maxCarry: number,
  ) {
    this.delimiterCode = delimiter.charCodeAt(0);
  }

  push(chunk: string, final: boolean): RawRecord[] {
    const text = this.carry.length > 0 ? this.carry + chunk : chunk;
    const len = text.length;
    const out: RawRecord[] = [];
    let line = this.line;
    let pos = 0;
    let nextQuote = text.indexOf('"');
    while (pos < len) {
      const lf = text.indexOf('\n', pos);
      if (lf === -1 && !final) break;
      const end = lf === -1 ? len : lf;
      if (nextQuote !== -1 && nextQuote < pos) nextQuote = text.indexOf('"', pos);
      if (nextQuote === -1 || nextQuote > end) {
        out.push({ line, fields: text.slice(pos, end).split(this.delimiter) });
        line++;
        pos = end + 1;
        continue;
      }
      const parsed = parseQuotedRecord(text, pos, this.delimiterCode, final);
      if (parsed === undefined) break;
      out.push(
        parsed.unterminated
          ? { line, fields: parsed.fields, unterminated: true }
          : { line, fields: parsed.fields },
      );
      line += parsed.lines;
      pos = parsed.next;
    }
    this.carry = pos < len ? text.slice(pos) : '';
    this.line = line;
    // Only an open quote makes a record span lines; past the limit it is a stray quote that
    // would swallow the rest of the file into one field, so stop instead of holding it.
    if (this.carry.length > this.maxCarry) {
      throw new AppError('INGEST_UNREADABLE_FILE', {
        format: FORMAT,
        reason: `第${line}行开始的引号没有闭合，其后超过${this.maxCarry}个字符的内容都成了同一个字段`,
      });
    }
    return out;
  }
}

function isBlank(fields: string[]): boolean {
  for (const field of fields) if (field.trim().length > 0) return false;
  return true;
}

/**
 * CSV per RFC 4180, in UTF-8 or GBK: the header is the first non-blank record naming every
 * required column, title rows above it skipped (`HeaderSearch`; names trimmed, unknown columns
 * ignored, the first of duplicate names wins); blank lines are skipped but
 * counted. A record whose field count differs from the header's (trailing empty fields
 * aside) or that ends the file inside quotes is yielded with a problem.
 */
export async function* readCsv(file: string, options: ReadOptions): AsyncGenerator<SourceRecord> {
  const { delimiter, expectedColumns } = options;
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new Error(`CSV delimiter must be one character other than a quote or line break: ${delimiter}`);
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const skip = options.skipThroughLine ?? 0;
  const parser = new CsvParser(delimiter, maxLineBytes);
  let positions: number[] | undefined;
  let width = 0;

  const header = new HeaderSearch(options.requiredColumns);

  const toSource = (raw: RawRecord): SourceRecord | undefined => {
    if (positions === undefined) {
      if (isBlank(raw.fields)) return undefined;
      const columns = header.look(raw.fields.map((name) => name.trim()));
      if (columns === undefined) return undefined; // a title row above the header
      positions = expectedColumns.map((c) => columns.get(c) ?? -1);
      // Exports often end the header with empty cells (`a,b,c,,`): rows need not have those.
      width = raw.fields.length;
      while (width > 0 && (raw.fields[width - 1] ?? '').trim() === '') width--;
      return undefined;
    }
    if (raw.line <= skip || isBlank(raw.fields)) return undefined;
    const { fields } = raw;
    const record: Record<string, string> = {};
    expectedColumns.forEach((column, i) => {
      const at = positions?.[i] ?? -1;
      record[column] = at >= 0 ? (fields[at] ?? '').trim() : '';
    });
    let reason: string | undefined;
    if (raw.unterminated) reason = '引号没有闭合，直到文件末尾';
    else if (fields.length < width || (fields.length > width && !isBlank(fields.slice(width)))) {
      reason = `应有${width}个字段（与表头相同），实际有${fields.length}个，请检查分隔符和引号`;
    }
    if (reason === undefined) return { line: raw.line, record };
    return {
      line: raw.line,
      record,
      problem: { code: 'INGEST_MALFORMED_RECORD', params: { format: FORMAT, reason } },
    };
  };

  const blocks = readTextBlocks(file, { encoding: options.encoding, maxLineBytes, format: FORMAT });
  for await (const { text } of blocks) {
    for (const raw of parser.push(text, false)) {
      const source = toSource(raw);
      if (source) yield source;
    }
  }
  for (const raw of parser.push('', true)) {
    const source = toSource(raw);
    if (source) yield source;
  }
  if (positions === undefined) {
    throw header.atEnd(
      new AppError('INGEST_UNREADABLE_FILE', { format: FORMAT, reason: '文件是空的，没有表头行' }),
    );
  }
}
