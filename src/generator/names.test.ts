import { describe, expect, it } from 'vitest';
import { drawGivenName, drawSurname, nationalSurnames, surnameProfileOf } from './names.ts';
import { Random } from './random.ts';

describe('names', () => {
  it('has at least 60 distinct single-character surnames, most common first', () => {
    const surnames = nationalSurnames.map(([s]) => s);
    expect(new Set(surnames).size).toBe(surnames.length);
    expect(surnames.length).toBeGreaterThanOrEqual(60);
    expect(surnames.slice(0, 10)).toEqual(['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周']);
    for (const s of surnames) expect(Array.from(s)).toHaveLength(1);
  });

  it('draws surnames by frequency, with the local mix on the Jiaodong peninsula', () => {
    const rng = new Random(1);
    const count = (profile: 'national' | 'jiaodong', surname: string): number => {
      let n = 0;
      for (let i = 0; i < 20_000; i++) if (drawSurname(rng, profile) === surname) n++;
      return n;
    };
    expect(count('national', '王')).toBeGreaterThan(count('national', '孙'));
    expect(count('jiaodong', '于')).toBeGreaterThan(count('national', '于') * 4);
    expect(count('jiaodong', '陈')).toBeLessThan(count('national', '陈'));
    expect(surnameProfileOf('371082')).toBe('jiaodong');
    expect(surnameProfileOf('370102')).toBe('shandong');
    expect(surnameProfileOf('410102')).toBe('national');
  });

  it('gives one- or two-character given names, and uses a generation character when asked', () => {
    const rng = new Random(2);
    const lengths = new Set<number>();
    for (const year of [1935, 1965, 1990, 2015]) {
      for (let i = 0; i < 500; i++) {
        const name = drawGivenName(rng, i % 2 === 0 ? 'male' : 'female', year);
        lengths.add(Array.from(name).length);
        expect(name).toMatch(/^[\u4e00-\u9fff]{1,2}$/);
      }
    }
    expect([...lengths].sort()).toEqual([1, 2]);
    for (let i = 0; i < 50; i++) {
      const name = drawGivenName(rng, 'male', 1960, { generationChar: '建' });
      expect(Array.from(name)).toHaveLength(2);
      expect(name.startsWith('建')).toBe(true);
    }
  });
});
