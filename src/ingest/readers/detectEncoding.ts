/** The two encodings department text files come in. */
export type TextEncodingName = 'utf-8' | 'gbk';

// Created once: a fatal decoder throws on the first invalid byte, and a call without
// `stream: true` starts afresh, so one instance serves every whole-line block.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const gbk = new TextDecoder('gbk', { fatal: true });

/**
 * GBK through Node's ICU decoder, strict: 0xFF is never a GBK or GB18030 byte (leads and trails
 * stop at 0xFE), yet ICU drops it silently even in fatal mode, so a garbled byte would vanish
 * from the text. It is refused here, as the WHATWG decoder would.
 */
function decodeGbk(bytes: Uint8Array): string {
  if (bytes.indexOf(0xff) !== -1) throw new TypeError('0xFF is not a GBK byte');
  return gbk.decode(bytes);
}

/** Decodes whole lines; throws TypeError on bytes invalid in the encoding. */
export function decodeStrict(bytes: Uint8Array, encoding: TextEncodingName): string {
  return encoding === 'utf-8' ? utf8.decode(bytes) : decodeGbk(bytes);
}

export function startsWithUtf8Bom(bytes: Uint8Array): boolean {
  return bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
}

/**
 * Decides the encoding of a file from a block of its first lines: valid UTF-8 (with or without
 * a BOM) is UTF-8, anything else GBK, which is what unmarked exports from Chinese Excel are.
 * Pure ASCII is 'ascii': it reads the same in both, so the decision waits for the first block
 * with a Chinese character instead of guessing from an ASCII header. Undefined when the block
 * is valid in neither. The decoded text comes back so the block is not decoded twice.
 */
export function detectEncoding(
  bytes: Uint8Array,
): { encoding: TextEncodingName | 'ascii'; text: string } | undefined {
  try {
    const text = utf8.decode(bytes);
    // Every non-ASCII UTF-8 sequence is longer in bytes than in UTF-16 code units.
    return { encoding: text.length === bytes.length ? 'ascii' : 'utf-8', text };
  } catch {
    // not UTF-8: try GBK below
  }
  if (startsWithUtf8Bom(bytes)) return undefined;
  try {
    return { encoding: 'gbk', text: decodeGbk(bytes) };
  } catch {
    return undefined;
  }
}
