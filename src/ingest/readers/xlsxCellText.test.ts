import { describe, expect, it } from 'vitest';
import { excelSerialToDate, isDateFormat, xlsxCellText } from './xlsxCellText.ts';

describe('xlsxCellText', () => {
  it('tells date formats from others', () => {
    expect(['yyyy-mm-dd', 'm/d/yy', 'yyyy"年"m"月"d"日"', '[$-804]yyyy年m月d日'].map(isDateFormat)).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(['General', '0.00', '[$¥-804]#,##0.00', '"元"0', 'h:mm', undefined].map(isDateFormat)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('turns serial days into dates in both systems', () => {
    expect(xlsxCellText(excelSerialToDate(31199, false))).toBe('1985-06-01');
    expect(xlsxCellText(excelSerialToDate(29737, true))).toBe('1985-06-01');
    expect(xlsxCellText(excelSerialToDate(45658.75, false))).toBe('2025-01-01');
    // A midnight stored a hair below the whole day is that day, as Excel shows it.
    expect(xlsxCellText(excelSerialToDate(32938.99999999999, false))).toBe('1990-03-07');
  });

  it('writes other values as text', () => {
    expect(xlsxCellText({ error: '#N/A' })).toBe('#N/A');
    expect(xlsxCellText({ text: { richText: [{ text: '甲' }, { text: '乙' }] }, hyperlink: 'x' })).toBe(
      '甲乙',
    );
    expect(xlsxCellText(true)).toBe('true');
    expect(xlsxCellText({ sharedFormula: 'A1', result: 1.5 })).toBe('1.5');
  });
});
