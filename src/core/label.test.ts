import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { isLabel } from './label.ts';

describe('isLabel', () => {
  it('refuses an English text cut short by an unquoted comma in YAML flow style', () => {
    expect(isLabel(parse("{ zh: 无固定住所, en: 'Homeless, wandering' }"))).toBe(true);
    const cut: unknown = parse('{ zh: 无固定住所, en: Homeless, wandering }');
    expect(cut).toEqual({ zh: '无固定住所', en: 'Homeless', wandering: null });
    expect(isLabel(cut)).toBe(false);
    expect(isLabel({ zh: '', en: 'x' })).toBe(false);
    expect(isLabel({ zh: '甲' })).toBe(false);
  });
});
