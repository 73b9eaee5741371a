import { describe, expect, it } from 'vitest';
import {
  areaCodeProblem,
  areaKindOf,
  areaLevelOf,
  normalizeAreaCode,
  structuralParentCode,
} from './areaCode.ts';

describe('areaCode', () => {
  it('pads the published short forms to 12 digits', () => {
    expect(normalizeAreaCode('37')).toBe('370000000000');
    expect(normalizeAreaCode('371082')).toBe('371082000000');
    expect(normalizeAreaCode('371082101')).toBe('371082101000');
    expect(normalizeAreaCode('371082101201')).toBe('371082101201');
  });

  it('explains what is wrong with a bad code', () => {
    expect(areaCodeProblem('37108')).toBe('应为2、4、6、9或12位数字，实际为5位');
    expect(areaCodeProblem('37108A')).toContain('应只含数字');
    expect(areaCodeProblem('001082')).toBe('省级代码不能为00');
    expect(areaCodeProblem('441900003')).toBeUndefined(); // Dongguan: towns directly under the city
  });

  it('reads the level from the non-zero parts', () => {
    expect(areaLevelOf('370000000000')).toBe('province');
    expect(areaLevelOf('371000000000')).toBe('city');
    expect(areaLevelOf('371082000000')).toBe('county');
    expect(areaLevelOf('371082101000')).toBe('township');
    expect(areaLevelOf('371082101201')).toBe('village');
    expect(structuralParentCode('371082101201')).toBe('371082101000');
    expect(structuralParentCode('370000000000')).toBeNull();
  });

  it('types townships and villages from their code ranges', () => {
    expect(areaKindOf('371082001000')).toBe('subdistrict');
    expect(areaKindOf('371082101000')).toBe('town');
    expect(areaKindOf('330382200000')).toBe('township');
    expect(areaKindOf('371082400000')).toBe('township_other');
    expect(areaKindOf('371082001001')).toBe('residents_committee');
    expect(areaKindOf('371082101199')).toBe('residents_committee');
    expect(areaKindOf('371082101200')).toBe('village_committee');
    expect(areaKindOf('371082101399')).toBe('village_committee');
    expect(areaKindOf('371082101400')).toBe('village_other');
    expect(areaKindOf('371082000000')).toBeNull();
  });
});
