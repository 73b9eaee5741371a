import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export interface WorkbookSheet {
  name: string;
  id: number;
  rId: string;
  state?: string;
}

/** One file in the archive, as its central directory entry describes it. */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressed: number;
  uncompressed: number;
  crc: number;
  /** Offset of its local header. */
  local: number;
}

export interface WorkbookDirectory {
  entries: Map<string, ZipEntry>;
  /** In workbook order: the first is the one Excel shows first. */
  sheets: WorkbookSheet[];
  rels: { Id: string; Target: string; Type: string }[];
  date1904: boolean;
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** workbook.xml and its rels are a few KB; more is not an XLSX (or a zip bomb). */
const MAX_PART_BYTES = 16 * 1024 * 1024;

/** Thrown with a Chinese reason; the caller wraps it in INGEST_UNREADABLE_FILE. */
export class WorkbookDirectoryError extends Error {}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? '';
  });
}

function elements(xml: string, tag: string): Record<string, string>[] {
  const found: Record<string, string>[] = [];
  for (const match of xml.matchAll(new RegExp(`<(?:\\w+:)?${tag}\\b([^>]*)>`, 'g'))) {
    const attributes: Record<string, string> = {};
    for (const [, name, value] of (match[1] ?? '').matchAll(/([\w:]+)\s*=\s*"([^"]*)"/g)) {
      if (name !== undefined && value !== undefined) attributes[name] = unescapeXml(value);
    }
    found.push(attributes);
  }
  return found;
}

/**
 * Reads the sheet list of an XLSX from the ZIP central directory (random access: the end of
 * the file, then two small parts), before the rows are streamed. Two reasons: a truncated file
 * has no central directory, so it is refused at once; and exceljs's streaming reader needs
 * workbook.xml parsed before the first worksheet, which the ZIP's entry order does not
 * guarantee (it crashes or loses sheet names otherwise), so the caller hands it this model.
 */
export async function readWorkbookDirectory(file: string): Promise<WorkbookDirectory> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const read = async (position: number, length: number): Promise<Buffer> => {
      if (position < 0 || length < 0 || position + length > size) {
        throw new WorkbookDirectoryError('文件不完整（压缩目录指向文件末尾之外），可能上传时中断了');
      }
      const buffer = Buffer.alloc(length);
      await handle.read(buffer, 0, length, position);
      return buffer;
    };
    const tailLength = Math.min(size, 22 + 0xffff);
    const tail = await read(size - tailLength, tailLength);
    let eocd = -1;
    for (let i = tail.length - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new WorkbookDirectoryError('文件不完整（缺少压缩目录），可能上传时中断了');
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (directorySize > MAX_PART_BYTES) throw new WorkbookDirectoryError('压缩目录过大，不像是 XLSX 文件');
    const directory = await read(directoryOffset, directorySize);
    const parts = new Map<string, ZipEntry>();
    for (let p = 0; p + 46 <= directory.length && directory.readUInt32LE(p) === CENTRAL;) {
      const nameLength = directory.readUInt16LE(p + 28);
      const name = directory.toString('utf8', p + 46, p + 46 + nameLength);
      parts.set(name, {
        name,
        method: directory.readUInt16LE(p + 10),
        crc: directory.readUInt32LE(p + 16),
        compressed: directory.readUInt32LE(p + 20),
        uncompressed: directory.readUInt32LE(p + 24),
        local: directory.readUInt32LE(p + 42),
      });
      p += 46 + nameLength + directory.readUInt16LE(p + 30) + directory.readUInt16LE(p + 32);
    }
    const part = async (name: string): Promise<string> => {
      const entry = parts.get(name);
      if (entry === undefined) throw new WorkbookDirectoryError(`缺少 ${name}，不是有效的 XLSX 文件`);
      if (entry.compressed > MAX_PART_BYTES)
        throw new WorkbookDirectoryError(`${name} 过大，不像是 XLSX 文件`);
      const header = await read(entry.local, 30);
      if (header.readUInt32LE(0) !== LOCAL) throw new WorkbookDirectoryError('压缩文件已损坏');
      const data = await read(
        entry.local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28),
        entry.compressed,
      );
      if (entry.method === 0) return data.toString('utf8');
      if (entry.method !== 8) throw new WorkbookDirectoryError('不支持的压缩方式');
      try {
        return inflateRawSync(data, { maxOutputLength: MAX_PART_BYTES }).toString('utf8');
      } catch {
        throw new WorkbookDirectoryError('压缩文件已损坏');
      }
    };
    const workbook = await part('xl/workbook.xml');
    const rels = await part('xl/_rels/workbook.xml.rels');
    const sheets = elements(workbook, 'sheet').map((a) => {
      const rId = Object.entries(a).find(([k]) => k.endsWith(':id'))?.[1] ?? '';
      return { name: a.name ?? '', id: Number(a.sheetId), rId, ...(a.state ? { state: a.state } : {}) };
    });
    const workbookPr = elements(workbook, 'workbookPr')[0];
    return {
      entries: parts,
      sheets,
      rels: elements(rels, 'Relationship').map((a) => ({
        Id: a.Id ?? '',
        Target: a.Target ?? '',
        Type: a.Type ?? '',
      })),
      date1904: workbookPr?.date1904 === '1' || workbookPr?.date1904 === 'true',
    };
  } finally {
    await handle.close();
  }
}
