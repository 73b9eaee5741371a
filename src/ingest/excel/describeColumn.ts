import type { VariableCatalogue } from '../../registry/variables/variableCatalogue.ts';
import type { FeedColumn, FeedDefinition } from '../feeds/feedDefinition.ts';
import { columnMeaning } from '../feeds/columnMeaning.ts';

/** What staff need to know to fill one column of a feed, in Chinese. */
export interface ColumnDescription {
  column: string;
  required: boolean;
  /** 含义: the variable's label, or what the key/role/person/hukou column stands for. */
  meaning: string;
  /** The department's code values, in the feed's order (what the drop-down offers). */
  codes: string[];
  /** 可选值 lines, e.g. `4 = 肢体残疾`. */
  codeLabels: string[];
  /** 格式 */
  format: string;
  /** Accepted date formats when the column holds a date, else undefined. */
  dateFormats: string[] | undefined;
  /**
   * Kept as text in Excel: identifiers and codes whose leading zeros or 18 digits Excel
   * would otherwise mangle, and dates, so that what staff type is what the importer parses.
   */
  text: boolean;
}

/** The registry's own person codes have no catalogue entry; their Chinese names live here. */
const PERSON_CODE_LABELS: Partial<Record<string, Record<string, string>>> = {
  sex: { male: '男', female: '女' },
};

/** A date in each format, so staff see an example rather than only tokens. */
export function dateExample(format: string): string {
  return format.replace(/YYYY|MM|M|DD|D/g, (token) =>
    token === 'YYYY' ? '2024' : token === 'MM' ? '01' : token === 'M' ? '1' : '31',
  );
}

/** What a `scale` means to the person typing the number: the unit the department counts in. */
function scaleNote(type: string, scale: number, unit?: string): string {
  if (type === 'money') {
    if (scale === 1) return '金额（元）';
    if (scale === 0.01) return '金额，单位：分（导入时换算为元）';
    if (scale === 0.1) return '金额，单位：角（导入时换算为元）';
    if (scale === 10000) return '金额，单位：万元（导入时换算为元）';
    return `金额，导入时乘以 ${String(scale)} 换算为元`;
  }
  return `导入时乘以 ${String(scale)} 换算为${unit ?? '登记库单位'}`;
}

function isDateColumn(column: FeedColumn, catalogue: VariableCatalogue): boolean {
  switch (column.kind) {
    case 'role':
      return column.role !== 'documentNumber';
    case 'key':
      return column.key === 'birthDate';
    case 'person':
      return column.person === 'deathDate';
    case 'hukou':
    case 'assistance':
      return false;
    case 'variable':
      return catalogue.get(column.variable)?.type === 'date';
  }
}

/** Describes one column of a feed for the template's 填写说明 sheet and its cell prompts. */
export function describeColumn(
  feed: FeedDefinition,
  column: FeedColumn,
  catalogue: VariableCatalogue,
): ColumnDescription {
  const codes = column.kind === 'key' || column.kind === 'role' ? undefined : column.codes;
  const dateFormats = isDateColumn(column, catalogue) ? (column.dateFormats ?? feed.dateFormats) : undefined;
  let meaning: string;
  let format = '文本';
  let codeLabel = (target: string | boolean): string => String(target);
  let text = codes !== undefined || dateFormats !== undefined;
  switch (column.kind) {
    case 'key':
      meaning = columnMeaning(column, catalogue).zh;
      if (column.key === 'idNumber') format = '18位居民身份证号码，按文本填写（末位可为X）';
      if (column.key === 'idNumber' || column.key === 'hukouNumber') text = true;
      break;
    case 'role':
      meaning = columnMeaning(column, catalogue).zh;
      // Record numbers are long digit strings: Excel would turn them into 3.71E+19.
      if (column.role === 'documentNumber') {
        format = '部门单据编号，按文本填写';
        text = true;
      }
      break;
    case 'person': {
      meaning = columnMeaning(column, catalogue).zh;
      const labels = PERSON_CODE_LABELS[column.person];
      if (labels) codeLabel = (target) => labels[String(target)] ?? String(target);
      if (column.person === 'residenceAreaCode' || column.person === 'hukouAreaCode') {
        format = '行政区划代码（6位或12位数字，按文本填写）';
        text = true;
      }
      if (column.person === 'phone') {
        format = '电话号码，按文本填写';
        text = true;
      }
      break;
    }
    case 'hukou':
      meaning = columnMeaning(column, catalogue).zh;
      break;
    case 'assistance':
      meaning = columnMeaning(column, catalogue).zh;
      if (column.assistance === 'included') codeLabel = (target) => (target === true ? '计入' : '不计入');
      if (column.assistance === 'applicantIdNumber') {
        format = '18位居民身份证号码，按文本填写（末位可为X）';
        text = true;
      }
      if (column.assistance === 'caseNumber' || column.assistance === 'areaCode') text = true;
      break;
    case 'variable': {
      const variable = catalogue.get(column.variable);
      meaning = columnMeaning(column, catalogue).zh;
      if (variable?.description) meaning += `（${variable.description}）`;
      const type = variable?.type ?? 'string';
      if (type === 'money') {
        format =
          column.scale === undefined ? `金额（${variable?.unit ?? '元'}）` : scaleNote(type, column.scale);
      } else if (type === 'number' || type === 'integer') {
        format = [
          type === 'integer' ? '整数' : '数字',
          variable?.unit ? `单位：${variable.unit}` : '',
          column.scale === undefined ? '' : scaleNote(type, column.scale, variable?.unit),
        ]
          .filter((part) => part !== '')
          .join('，');
      } else if (type === 'date') {
        format = '日期';
      }
      if (type === 'code') {
        const catalogueCodes = variable?.codes ?? {};
        codeLabel = (target) => catalogueCodes[String(target)]?.zh ?? String(target);
      }
      if (type === 'boolean') codeLabel = (target) => (target === true ? '是' : '否');
      break;
    }
  }
  if (codes) format = '从下拉列表中选择';
  if (dateFormats) {
    format = `日期，可用格式：${dateFormats.map((f) => `${f}（如 ${dateExample(f)}）`).join('、')}`;
  }
  const entries = Object.entries(codes ?? {});
  return {
    column: column.column,
    required: column.required,
    meaning,
    codes: entries.map(([from]) => from),
    codeLabels: entries.map(([from, to]) => `${from} = ${codeLabel(to)}`),
    format,
    dateFormats,
    text,
  };
}
