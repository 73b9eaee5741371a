import { describe, expect, it } from 'vitest';
import { decodeStrict, detectEncoding } from './detectEncoding.ts';
import { encodeGbk } from './testSupport.ts';

describe('detectEncoding', () => {
  it('tells ASCII, UTF-8 and GBK apart and returns the decoded text', () => {
    expect(detectEncoding(Buffer.from('id,name\n'))).toEqual({ encoding: 'ascii', text: 'id,name\n' });
    expect(detectEncoding(Buffer.from('身份证号,姓名\n'))).toEqual({
      encoding: 'utf-8',
      text: '身份证号,姓名\n',
    });
    expect(detectEncoding(encodeGbk('身份证号,姓名\n'))).toEqual({
      encoding: 'gbk',
      text: '身份证号,姓名\n',
    });
  });

  it('refuses 0xFF as GBK, which Node’s decoder would otherwise drop without a word', () => {
    const withFf = Buffer.concat([Buffer.from([0xff]), encodeGbk('张三\n')]);
    expect(detectEncoding(withFf)).toBeUndefined();
    expect(() => decodeStrict(withFf, 'gbk')).toThrow(TypeError);
    expect(decodeStrict(encodeGbk('张三\n'), 'gbk')).toBe('张三\n');
  });
});
