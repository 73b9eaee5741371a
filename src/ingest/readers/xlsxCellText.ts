import { plainNumber } from './plainNumber.ts';

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * A number format that shows a date: y or d outside quoted text and [...] sections (m alone
 * is ambiguous: in h:mm it means minutes).
 */
export function isDateFormat(numFmt: string | undefined): boolean {
  if (numFmt === undefined) return false;
  const bare = numFmt.replace(/"[^"]*"|\[[^\]]*\]|\\./g, '');
  return /[yd]/i.test(bare);
}

/**
 * An Excel serial day number (1900 or 1904 system) as a Date in UTC, the fraction its time of
 * day rounded to the millisecond as Excel shows it: a midnight stored a hair below the whole
 * number (32938.99999999999) is that day, not the one before.
 */
export function excelSerialToDate(serial: number, date1904: boolean): Date {
  const epoch = date1904 ? Date.UTC(1904, 0, 1) : Date.UTC(1899, 11, 30);
  return new Date(epoch + Math.round(serial * 86_400_000));
}

/**
 * The text of an exceljs cell value: dates as YYYY-MM-DD (exceljs builds them from the serial
 * number in UTC, so the UTC parts are the day the cell shows), numbers without exponent, rich
 * text concatenated, a formula as its cached result, a hyperlink as its text, an error as its
 * code (#N/A), so the row's checks name it rather than call the cell empty.
 */
export function xlsxCellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    // A fraction to the 15 significant digits Excel shows: a sum stored as 0.30000000000000004
    // is the 0.3 the clerk saw. Integers keep every digit (ID numbers stored as numbers).
    return plainNumber(Number.isInteger(value) ? value : Number(value.toPrecision(15)));
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) return '';
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1, 2)}-${pad(value.getUTCDate(), 2)}`;
  }
  if (typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v.richText)) {
      return v.richText.map((run: unknown) => xlsxCellText((run as { text?: unknown }).text)).join('');
    }
    if ('formula' in v || 'sharedFormula' in v) return xlsxCellText(v.result);
    if ('hyperlink' in v) return xlsxCellText(v.text);
    if (typeof v.error === 'string') return v.error;
    if ('text' in v) return xlsxCellText(v.text);
  }
  return '';
}
