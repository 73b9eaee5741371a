const NOT_TEXT = '不是文本文件';
const SIGNATURES: { bytes: number[]; reason: string }[] = [
  {
    bytes: [0x50, 0x4b, 0x03, 0x04],
    reason: `这是 ZIP 压缩文件，${NOT_TEXT}（Excel 文件请按 XLSX 格式导入）`,
  },
  {
    bytes: [0xd0, 0xcf, 0x11, 0xe0],
    reason: `这是旧版 Excel（XLS）或 Word 文件，${NOT_TEXT}，请另存为 XLSX 或 CSV`,
  },
  { bytes: [0x25, 0x50, 0x44, 0x46], reason: `这是 PDF 文件，${NOT_TEXT}` },
  { bytes: [0x89, 0x50, 0x4e, 0x47], reason: `这是 PNG 图片，${NOT_TEXT}` },
  { bytes: [0xff, 0xd8, 0xff], reason: `这是 JPEG 图片，${NOT_TEXT}` },
  { bytes: [0x1f, 0x8b], reason: '这是 GZIP 压缩文件，请先解压' },
  { bytes: [0x52, 0x61, 0x72, 0x21], reason: '这是 RAR 压缩文件，请先解压' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], reason: '这是 7z 压缩文件，请先解压' },
  { bytes: [0xff, 0xfe], reason: '这是 UTF-16 编码的文本，请另存为 UTF-8 或 GBK 编码' },
  { bytes: [0xfe, 0xff], reason: '这是 UTF-16 编码的文本，请另存为 UTF-8 或 GBK 编码' },
];

/**
 * Recognises the common files that get uploaded in place of a text export by their first
 * bytes, so the user is told what they sent rather than that line 1 has a bad encoding: the
 * reason in Chinese, or undefined for anything else.
 */
export function sniffBinary(start: Uint8Array): string | undefined {
  const found = SIGNATURES.find(
    (s) => start.length >= s.bytes.length && s.bytes.every((b, i) => start[i] === b),
  );
  return found?.reason;
}
