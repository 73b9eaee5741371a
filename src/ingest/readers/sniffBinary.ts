const SIGNATURES: { bytes: number[]; what: string }[] = [
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'ZIP 压缩文件（如果是 Excel 文件，请按 XLSX 格式导入）' },
  { bytes: [0xd0, 0xcf, 0x11, 0xe0], what: '旧版 Excel（XLS）或 Word 文件，请另存为 XLSX 或 CSV' },
  { bytes: [0x25, 0x50, 0x44, 0x46], what: 'PDF 文件' },
  { bytes: [0x89, 0x50, 0x4e, 0x47], what: 'PNG 图片' },
  { bytes: [0xff, 0xd8, 0xff], what: 'JPEG 图片' },
  { bytes: [0x1f, 0x8b], what: 'GZIP 压缩文件，请先解压' },
  { bytes: [0x52, 0x61, 0x72, 0x21], what: 'RAR 压缩文件，请先解压' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf], what: '7z 压缩文件，请先解压' },
  { bytes: [0xff, 0xfe], what: 'UTF-16 编码的文本，请另存为 UTF-8 或 GBK 编码' },
  { bytes: [0xfe, 0xff], what: 'UTF-16 编码的文本，请另存为 UTF-8 或 GBK 编码' },
];

/**
 * Recognises the common files that get uploaded in place of a text export, by their first
 * bytes, so the user is told what they sent (a Chinese description) rather than that line 1
 * has a bad encoding. Undefined for anything else.
 */
export function sniffBinary(start: Uint8Array): string | undefined {
  const found = SIGNATURES.find(
    (s) => start.length >= s.bytes.length && s.bytes.every((b, i) => start[i] === b),
  );
  return found?.what;
}
