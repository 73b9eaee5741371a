import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { pipeline } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { CHUNK_BYTES } from './readTextBlocks.ts';
import { WorkbookDirectoryError, type ZipEntry } from './readWorkbookDirectory.ts';

const LOCAL = 0x04034b50;

/**
 * Streams one XML part of an XLSX as text: the entry's byte range is read (64 KiB chunks) and
 * inflated, decoded as streaming UTF-8 so a character split between chunks stays whole (the
 * decoder exceljs uses per chunk garbles it), and checked against the directory's CRC-32 and
 * size at the end. Every failure is an error thrown to the consumer, never a stream left
 * waiting: exceljs's own unzipper hangs on some corrupt archives.
 */
export async function* readZipEntryText(file: string, entry: ZipEntry): AsyncGenerator<string> {
  const handle = await open(file, 'r');
  let dataStart: number;
  try {
    const header = Buffer.alloc(30);
    const { bytesRead } = await handle.read(header, 0, 30, entry.local);
    if (bytesRead < 30 || header.readUInt32LE(0) !== LOCAL) {
      throw new WorkbookDirectoryError(`${entry.name} 已损坏`);
    }
    dataStart = entry.local + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  if (entry.method !== 0 && entry.method !== 8) throw new WorkbookDirectoryError('不支持的压缩方式');
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let crc = 0;
  let size = 0;
  if (entry.compressed > 0) {
    const source = createReadStream(file, {
      start: dataStart,
      end: dataStart + entry.compressed - 1,
      highWaterMark: CHUNK_BYTES,
    });
    const inflate = createInflateRaw();
    // pipeline destroys the inflater with the error of either side, which ends the loop below.
    const body = entry.method === 8 ? pipeline(source, inflate, () => undefined) : source;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        crc = crc32(chunk, crc);
        size += chunk.length;
        const text = decoder.decode(chunk, { stream: true });
        if (text.length > 0) yield text;
      }
    } catch (error) {
      if (error instanceof WorkbookDirectoryError) throw error;
      throw new WorkbookDirectoryError(`${entry.name} 已损坏`);
    } finally {
      source.destroy();
      inflate.destroy();
    }
  }
  if (crc !== entry.crc || size !== entry.uncompressed) {
    throw new WorkbookDirectoryError(`${entry.name} 已损坏（校验和不符）`);
  }
  const rest = decoder.decode();
  if (rest.length > 0) yield rest;
}
