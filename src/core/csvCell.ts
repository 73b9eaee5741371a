/**
 * One CSV cell: always quoted; a leading =, +, - or @ is defused so a spreadsheet never runs it
 * as a formula (CSV injection).
 */
export function csvCell(value: unknown): string {
  const text =
    value === null || value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  const safe = /^[=+\-@]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}
