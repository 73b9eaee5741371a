import { describe, expect, it } from 'vitest';
import { isRelationshipCode, relationshipCodes, relationshipLabel } from './relationshipCodes.ts';

describe('GB/T 4761-2008 relationship codes', () => {
  it('accepts exactly 02, 10–12, 20–97 and 99', () => {
    const accepted: string[] = [];
    for (let n = 0; n < 100; n++) {
      const code = String(n).padStart(2, '0');
      if (isRelationshipCode(code)) accepted.push(code);
    }
    const expected = ['02', '10', '11', '12'];
    for (let n = 20; n <= 97; n++) expected.push(String(n));
    expected.push('99');
    expect(accepted).toEqual(expected);
  });

  it('rejects anything that is not two digits', () => {
    for (const code of ['', '2', '002', '1a', ' 02', '02 ', '１０'])
      expect(isRelationshipCode(code)).toBe(false);
  });

  it('labels every accepted code and nothing else', () => {
    for (const code of Object.keys(relationshipCodes)) expect(isRelationshipCode(code)).toBe(true);
    for (let n = 0; n < 100; n++) {
      const code = String(n).padStart(2, '0');
      expect(relationshipLabel(code) !== undefined).toBe(isRelationshipCode(code));
    }
    expect(relationshipLabel('02')).toBe('户主');
    expect(relationshipLabel('21')).toBe('独生子');
    expect(relationshipLabel('38')).toBe('儿媳');
    expect(relationshipLabel('43')).toBe('外孙子');
    expect(relationshipLabel('99')).toBe('非亲属');
    expect(relationshipLabel('98')).toBeUndefined();
  });
});
