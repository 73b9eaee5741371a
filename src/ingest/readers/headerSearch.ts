import { AppError } from '../../core/appError.ts';

/**
 * Non-blank rows a file may carry above its header: a department's export often opens with a
 * title (荣成市住房公积金缴存明细表, merged across the columns), the issuing unit, the
 * period or 单位：元 before the row of column names.
 */
export const MAX_ROWS_ABOVE_HEADER = 10;

/**
 * Finding the header: the first non-blank row that names every required column, within the
 * first `MAX_ROWS_ABOVE_HEADER + 1` non-blank rows. Rows above it are a title and are not
 * records. When no row names them all, the error names the columns missing from the row that
 * came closest (the first of equals): for a file without title rows, its first row, as before.
 */
export class HeaderSearch {
  private rows = 0;
  private closest: string[] | undefined;

  constructor(private readonly required: readonly string[]) {}

  /**
   * One non-blank row's cell texts (trimmed), while no header is found: its columns by name
   * (the first of duplicate names wins) if it is the header, undefined if it is a title row.
   * Throws INGEST_MISSING_COLUMNS once too many rows were not the header.
   */
  look(names: readonly string[]): Map<string, number> | undefined {
    const columns = new Map<string, number>();
    names.forEach((name, i) => {
      if (!columns.has(name)) columns.set(name, i);
    });
    const missing = this.required.filter((c) => !columns.has(c));
    if (missing.length === 0) return columns;
    if (this.closest === undefined || missing.length < this.closest.length) this.closest = missing;
    this.rows++;
    if (this.rows > MAX_ROWS_ABOVE_HEADER) throw this.notFound();
    return undefined;
  }

  /**
   * The error when a file ends with no header: the columns missing, if any row was looked at;
   * otherwise `empty` (the file had no non-blank row).
   */
  atEnd(empty: AppError): AppError {
    return this.rows > 0 ? this.notFound() : empty;
  }

  private notFound(): AppError {
    return new AppError('INGEST_MISSING_COLUMNS', { columns: (this.closest ?? this.required).join('、') });
  }
}
