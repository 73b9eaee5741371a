import { excelSerialToDate, isDateFormat, xlsxCellText } from './xlsxCellText.ts';

/** What a worksheet's cells refer to outside the sheet: shared strings, number formats, the date system. */
export interface SheetContext {
  /** The workbook's shared strings, as exceljs parses them (texts, or rich text objects). */
  sharedStrings: readonly unknown[];
  /** The number format of a cell style (`s`), if it has one. */
  numFmtOf: (style: number) => string | undefined;
  date1904: boolean;
}

/** One row of a sheet: its number and its cells' texts by column number (1-based; cells without a value left out). */
export interface SheetRow {
  number: number;
  texts: string[];
}

const ENTITY = /&(?:#x([0-9a-fA-F]+)|#([0-9]+)|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** XML character data with its entities replaced (once: `&amp;lt;` is the text `&lt;`). */
function xmlText(raw: string): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(
    ENTITY,
    (whole, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
      if (name !== undefined) return NAMED[name] ?? whole;
      const code = hex !== undefined ? parseInt(hex, 16) : Number(dec);
      return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    },
  );
}

/** One attribute of an opening tag's text (after its name), or undefined. */
function attribute(tag: string, name: 'r' | 's' | 't'): string | undefined {
  for (let at = tag.indexOf(name); at >= 0; at = tag.indexOf(name, at + 1)) {
    const before = tag.charCodeAt(at - 1);
    // preceded by whitespace (not the end of another name, such as `spans`' s)
    if (before !== 0x20 && before !== 0x09 && before !== 0x0a && before !== 0x0d) continue;
    let i = at + 1;
    while (tag.charCodeAt(i) === 0x20) i++;
    if (tag.charCodeAt(i) !== 0x3d) continue; // '='
    i++;
    while (tag.charCodeAt(i) === 0x20) i++;
    const quote = tag[i];
    if (quote !== '"' && quote !== "'") continue;
    const end = tag.indexOf(quote, i + 1);
    return end < 0 ? undefined : xmlText(tag.slice(i + 1, end));
  }
  return undefined;
}

/** The column number of a cell reference's letters (B7 → 2), or undefined if it has none. */
function columnOf(ref: string | undefined): number | undefined {
  if (ref === undefined) return undefined;
  let column = 0;
  for (let i = 0; i < ref.length; i++) {
    const code = ref.charCodeAt(i) | 0x20; // lower case
    if (code < 0x61 || code > 0x7a) break;
    column = column * 26 + (code - 0x60);
  }
  return column > 0 ? column : undefined;
}

/** Where an element named `name` opens at or after `from` (not an element whose name only starts so). */
function openingOf(xml: string, name: string, from: number): number {
  const open = `<${name}`;
  for (let at = xml.indexOf(open, from); at >= 0; at = xml.indexOf(open, at + 1)) {
    const next = xml.charCodeAt(at + open.length);
    // whitespace, '>' or '/'
    if (next === 0x20 || next === 0x09 || next === 0x0a || next === 0x0d || next === 0x3e || next === 0x2f)
      return at;
  }
  return -1;
}

/** The text of an element `name` inside `xml` ('' when it is empty), or undefined when absent. */
function elementText(xml: string, name: string): string | undefined {
  const at = openingOf(xml, name, 0);
  if (at < 0) return undefined;
  const end = xml.indexOf('>', at);
  if (end < 0) return undefined;
  if (xml.charCodeAt(end - 1) === 0x2f) return '';
  const close = xml.indexOf(`</${name}>`, end);
  return close < 0 ? undefined : xml.slice(end + 1, close);
}

const PHONETIC = /<rPh\b[\s\S]*?<\/rPh>/g;
const RUN_TEXT = /<t\b[^>]*?(?:\/>|>([\s\S]*?)<\/t>)/g;

/** An inline string's text: its runs joined, without phonetic guides (`rPh`). */
function inlineText(is: string): string {
  let text = '';
  for (const match of is.replace(PHONETIC, '').matchAll(RUN_TEXT)) text += xmlText(match[1] ?? '');
  return text;
}

/**
 * One cell's text, as the sheet shows it: a shared or inline string, a formula's cached result,
 * a date-formatted number as YYYY-MM-DD, an error as its code; undefined for a cell with no value.
 */
function cellText(
  type: string | undefined,
  style: string | undefined,
  body: string,
  context: SheetReading,
): string | undefined {
  const v = elementText(body, 'v');
  if (type === 'inlineStr') {
    const is = elementText(body, 'is');
    return is === undefined ? (v === undefined ? undefined : xmlText(v)) : inlineText(is);
  }
  if (v === undefined) return undefined;
  const raw = xmlText(v);
  switch (type) {
    case 's':
      return raw === '' ? '' : xlsxCellText(context.sharedStrings[Number(raw)]);
    case 'str':
    case 'e':
      return raw;
    case 'b':
      return Number(raw) !== 0 ? 'true' : 'false';
    case 'd':
      // An ISO 8601 date (or date and time) cell: the day it names.
      return /^\d{4}-\d{2}-\d{2}/.test(raw) ? raw.slice(0, 10) : raw;
    default: {
      const value = parseFloat(raw);
      if (style === undefined || !context.isDateStyle(style) || !Number.isFinite(value))
        return xlsxCellText(value);
      // A typed date or a formula's date (=DATE(…), =A2+30) alike: the day it shows.
      return xlsxCellText(excelSerialToDate(value, context.date1904));
    }
  }
}

/** The context, with whether a style shows a date worked out once per style. */
interface SheetReading extends SheetContext {
  isDateStyle: (style: string) => boolean;
}

/** The cells of one row's content, by column number, trimmed; cells without a value are left out. */
function rowTexts(content: string, context: SheetReading): string[] {
  const texts: string[] = [];
  let column = 0;
  for (let at = openingOf(content, 'c', 0); at >= 0;) {
    const tagEnd = content.indexOf('>', at);
    if (tagEnd < 0) break;
    const selfClosing = content.charCodeAt(tagEnd - 1) === 0x2f;
    const tag = content.slice(at + 2, selfClosing ? tagEnd - 1 : tagEnd);
    column = columnOf(attribute(tag, 'r')) ?? column + 1;
    let next = tagEnd + 1;
    if (!selfClosing) {
      const close = content.indexOf('</c>', tagEnd);
      const body = content.slice(tagEnd + 1, close < 0 ? content.length : close);
      const text = cellText(attribute(tag, 't'), attribute(tag, 's'), body, context);
      if (text !== undefined) texts[column] = text.trim();
      next = close < 0 ? content.length : close + 4;
    }
    at = openingOf(content, 'c', next);
  }
  return texts;
}

/** The XML did not hold a worksheet's rows: no `sheetData`, or a row that never closes. */
export class SheetXmlError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'SheetXmlError';
  }
}

/**
 * The rows of a worksheet's XML, streamed from its text in pieces (as inflated): only the
 * row being read is held. Rows are numbered by their `r` attribute (or follow the one before),
 * cells placed by their reference (or follow the one before). Written for SpreadsheetML's
 * shape rather than as a general XML parser: a row's text is found whole (`<row …>` to
 * `</row>`; a `<` inside text is always escaped as `&lt;`), then its cells are read from it.
 * It replaced exceljs's worksheet reader, a SAX parser building a Row and Cell objects per cell
 * (about half of an XLSX file's import time; docs/benchmarks.md), and reads as it did except:
 * every run of a rich inline string (exceljs kept the last), entities decoded once, an
 * error in a formula's result as its code, an ISO date cell (`t="d"`) as its day, and a number
 * as a date only under a format with a year or a day (`isDateFormat`, as formula results
 * already were; exceljs also took times such as h:mm for dates).
 */
export async function* readSheetRows(
  pieces: AsyncIterable<string>,
  context: SheetContext,
): AsyncGenerator<SheetRow> {
  /** Text not read yet: from a row's start (or, before the rows, a tail that may hold `<sheetData`). */
  let buffer = '';
  /**
   * A row that goes on past the text so far, in pieces: only each new piece is searched for its
   * end (joined once, when it comes), so a row of megabytes costs its length, not its square.
   */
  let open: string[] = [];
  /** The last characters of `open`. */
  let openTail = '';
  let inData = false;
  let number = 0;
  const dateStyles = new Map<string, boolean>();
  const reading: SheetReading = {
    ...context,
    isDateStyle: (style) => {
      let date = dateStyles.get(style);
      if (date === undefined) {
        date = isDateFormat(context.numFmtOf(Number(style)));
        dateStyles.set(style, date);
      }
      return date;
    },
  };
  for await (const piece of pieces) {
    if (open.length > 0) {
      // A `</row>` may begin in the last few characters before this piece (in pieces of its own).
      const seen = openTail + piece;
      open.push(piece);
      openTail = seen.slice(-5);
      if (!seen.includes('</row>')) continue;
      buffer = open.join('');
      open = [];
    } else buffer += piece;
    let at = 0;
    if (!inData) {
      const data = openingOf(buffer, 'sheetData', 0);
      if (data < 0) {
        // Keep a tail long enough to hold a split `<sheetData`.
        buffer = buffer.slice(Math.max(0, buffer.length - 16));
        continue;
      }
      const tagEnd = buffer.indexOf('>', data);
      if (tagEnd < 0) {
        buffer = buffer.slice(data);
        continue;
      }
      if (buffer.charCodeAt(tagEnd - 1) === 0x2f) return; // <sheetData/>: no rows
      inData = true;
      at = tagEnd + 1;
    }
    // Where the rows end, if in this text: looked for once, not at every row.
    const dataEnd = buffer.indexOf('</sheetData>', at);
    for (;;) {
      const start = openingOf(buffer, 'row', at);
      if (dataEnd >= 0 && (start < 0 || dataEnd < start)) return;
      if (start < 0) {
        // Keep a tail that may hold a split `<row` or `</sheetData>`.
        at = Math.max(at, buffer.length - 16);
        break;
      }
      const tagEnd = buffer.indexOf('>', start);
      if (tagEnd < 0) {
        // The row's opening tag is cut: read on from it.
        at = start;
        break;
      }
      const selfClosing = buffer.charCodeAt(tagEnd - 1) === 0x2f;
      const close = selfClosing ? -1 : buffer.indexOf('</row>', tagEnd);
      if (!selfClosing && close < 0) {
        // The row goes on in the next pieces.
        open = [buffer.slice(start)];
        openTail = buffer.slice(-5);
        at = buffer.length;
        break;
      }
      const r = attribute(buffer.slice(start + 4, selfClosing ? tagEnd - 1 : tagEnd), 'r');
      number = r === undefined ? number + 1 : Number(r);
      if (!Number.isSafeInteger(number) || number < 1) throw new SheetXmlError(`行号无效：${r ?? ''}`);
      if (selfClosing) {
        at = tagEnd + 1;
        continue;
      }
      yield { number, texts: rowTexts(buffer.slice(tagEnd + 1, close), reading) };
      at = close + 6;
    }
    buffer = buffer.slice(at);
  }
  if (!inData) throw new SheetXmlError('工作表中没有数据区（sheetData）');
  throw new SheetXmlError('工作表的数据区没有结束，文件可能不完整');
}
