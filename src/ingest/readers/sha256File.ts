import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { CHUNK_BYTES } from './readTextBlocks.ts';

/** The file's SHA-256 as lowercase hex, read in chunks: identifies an upload without holding it. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
  }
  return hash.digest('hex');
}
