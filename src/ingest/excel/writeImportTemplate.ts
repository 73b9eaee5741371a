import ExcelJS from 'exceljs';
import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedDefinition } from '../feeds/feedDefinition.ts';
import { describeColumn, type ColumnDescription } from './describeColumn.ts';
import { displayWidth } from './displayWidth.ts';

export const TEMPLATE_DATA_SHEET = '数据';
export const TEMPLATE_GUIDE_SHEET = '填写说明';
export const TEMPLATE_CODES_SHEET = '代码表';
/** Rows 2..10001 carry the drop-downs and prompts: room for 10,000 records per file. */
export const TEMPLATE_ROWS = 10_000;
/** Excel refuses an inline list longer than 255 characters; leave room for the quotes. */
const INLINE_LIST_LIMIT = 250;
const RED = 'FFC00000';

/**
 * exceljs 4 keeps `worksheet.dataValidations` out of its typings although both the reader and
 * the writer use it; this is the part of it we call. The `any` type (no validation, a prompt
 * only) is likewise missing from the typed `DataValidation['type']`.
 */
interface SheetValidations {
  dataValidations: {
    add: (range: string, validation: Omit<ExcelJS.DataValidation, 'type'> & { type: string }) => void;
  };
}

function columnLetter(index: number): string {
  let n = index;
  let letters = '';
  while (n > 0) {
    const rest = (n - 1) % 26;
    letters = String.fromCharCode(65 + rest) + letters;
    n = Math.floor((n - 1) / 26);
  }
  return letters;
}

/** Excel caps an input message at 255 characters, an error message at 225, titles at 32. */
function clip(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit - 1)}…`;
}

/**
 * Writes the XLSX staff fill in for one feed: a 数据 sheet whose headers are exactly the
 * feed's column names (the importer matches headers by name), with drop-downs for coded
 * columns and text formatting where Excel would otherwise mangle values, and a 填写说明
 * sheet explaining every column. A feed that names its sheet gets its data sheet so named.
 */
export async function writeImportTemplate(
  feed: FeedDefinition,
  catalogue: VariableCatalogue,
  out: string,
): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '助联';
  const descriptions = feed.columns.map((column) => describeColumn(feed, column, catalogue));
  // The importer reads the feed's named sheet, or the first one: the data sheet comes first.
  const data = workbook.addWorksheet(feed.sheet ?? TEMPLATE_DATA_SHEET, {
    views: [{ state: 'frozen', ySplit: 1 }],
  });
  const guide = workbook.addWorksheet(TEMPLATE_GUIDE_SHEET);
  let codesSheet: ExcelJS.Worksheet | undefined;
  const lastRow = TEMPLATE_ROWS + 1;

  const header = data.getRow(1);
  descriptions.forEach((description, i) => {
    const index = i + 1;
    const letter = columnLetter(index);
    const cell = header.getCell(index);
    cell.value = description.column;
    cell.font = { bold: true, ...(description.required ? { color: { argb: RED } } : {}) };
    cell.alignment = { vertical: 'middle', horizontal: 'center' };
    // The header text must stay the bare column name, so "required" lives in the note.
    cell.note = description.required ? `* 必填：${description.meaning}` : description.meaning;
    const column = data.getColumn(index);
    column.width = Math.min(
      40,
      Math.max(12, displayWidth(description.column) + 4, description.text ? 14 : 0),
    );
    if (feed.columns[i]?.kind === 'key' && description.format.startsWith('18位')) column.width = 22;
    if (description.text) column.numFmt = '@';

    const range = `${letter}2:${letter}${String(lastRow)}`;
    const validations = (data as unknown as SheetValidations).dataValidations;
    if (description.codes.length > 0) {
      const inline = `"${description.codes.join(',')}"`;
      // A code holding a comma or a quote cannot sit in an inline list either.
      const needsSheet =
        inline.length > INLINE_LIST_LIMIT || description.codes.some((code) => /[",]/.test(code));
      let formula = inline;
      if (needsSheet) {
        codesSheet ??= workbook.addWorksheet(TEMPLATE_CODES_SHEET, { state: 'hidden' });
        const codesColumn = codesSheet.getColumn(index);
        codesColumn.numFmt = '@';
        codesSheet.getCell(1, index).value = description.column;
        description.codes.forEach((code, row) => {
          const target = codesSheet?.getCell(row + 2, index);
          if (target) target.value = code;
        });
        formula = `'${TEMPLATE_CODES_SHEET}'!$${letter}$2:$${letter}$${String(description.codes.length + 1)}`;
      }
      validations.add(range, {
        type: 'list',
        allowBlank: !description.required,
        formulae: [formula],
        showErrorMessage: true,
        errorStyle: 'stop',
        errorTitle: '填写的值不在可选范围内',
        error: clip(
          `「${description.column}」只能填写下拉列表中的值：${description.codeLabels.join('；')}`,
          255,
        ),
        showInputMessage: true,
        promptTitle: clip(description.column, 32),
        prompt: clip(`请从下拉列表中选择：${description.codeLabels.join('；')}`, 255),
      });
    } else if (description.dateFormats) {
      validations.add(range, {
        type: 'any',
        formulae: [],
        showInputMessage: true,
        promptTitle: clip(description.column, 32),
        prompt: clip(`日期，可用格式：${description.dateFormats.join('、')}`, 255),
      });
    }
  });
  header.commit();

  writeGuide(guide, feed, catalogue, descriptions);
  await workbook.xlsx.writeFile(out);
}

function writeGuide(
  guide: ExcelJS.Worksheet,
  feed: FeedDefinition,
  catalogue: VariableCatalogue,
  descriptions: ColumnDescription[],
): void {
  const department = catalogue.department(feed.department)?.zh ?? feed.department;
  guide.columns = [
    { key: 'column', width: 18 },
    { key: 'meaning', width: 36 },
    { key: 'required', width: 10 },
    { key: 'codes', width: 36 },
    { key: 'format', width: 48 },
  ];
  const title = guide.addRow([`${feed.name.zh}导入模板`]);
  title.font = { bold: true, size: 14 };
  guide.addRow([`数据来源部门：${department}`]);
  guide.addRow([
    `请在「${feed.sheet ?? TEMPLATE_DATA_SHEET}」工作表中填写，每行一条记录。系统按表头名称识别各列：请勿修改表头文字，列的顺序可以调整。`,
  ]);
  guide.addRow(['表头为红色的列为必填项；代码列请从下拉列表中选择。']);
  guide.addRow([]);
  const header = guide.addRow(['列名', '含义', '是否必填', '可选值', '格式']);
  header.font = { bold: true };
  for (const description of descriptions) {
    const row = guide.addRow([
      description.column,
      description.meaning,
      description.required ? '是' : '否',
      description.codeLabels.join('\n'),
      description.format,
    ]);
    row.alignment = { vertical: 'top', wrapText: true };
    if (description.required) row.getCell(3).font = { color: { argb: RED }, bold: true };
  }
}
