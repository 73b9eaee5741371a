/**
 * GBK encoding without a dependency: Node decodes GBK (WHATWG's gbk is GB18030's 2-byte
 * part) but cannot encode it. The reverse table is built once by decoding every 2-byte code
 * (lead 0x81–0xFE, trail 0x40–0xFE except 0x7F): 24,000 decodes, a few milliseconds.
 */
let reverse: Uint16Array | null = null;

function table(): Uint16Array {
  if (reverse) return reverse;
  const built = new Uint16Array(65536);
  const decoder = new TextDecoder('gbk');
  const pair = new Uint8Array(2);
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      pair[0] = lead;
      pair[1] = trail;
      const text = decoder.decode(pair);
      if (text.length !== 1 || text === '\ufffd') continue;
      const unit = text.charCodeAt(0);
      // The first code wins, as in GBK's own mapping direction.
      if (built[unit] === 0) built[unit] = (lead << 8) | trail;
    }
  }
  reverse = built;
  return built;
}

/** The GBK bytes of `text`; a character GBK lacks becomes '?', as Windows exports do. */
export function encodeGbk(text: string): Buffer {
  const codes = table();
  const out = Buffer.allocUnsafe(text.length * 2);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) {
      out[n++] = unit;
      continue;
    }
    const code = codes[unit] ?? 0;
    if (code === 0) {
      out[n++] = 0x3f;
      // A surrogate pair is one character: one '?' for both halves.
      if (unit >= 0xd800 && unit <= 0xdbff) i++;
      continue;
    }
    out[n++] = code >> 8;
    out[n++] = code & 0xff;
  }
  return out.subarray(0, n);
}

/** Whether every character of `text` has a GBK code (so a round trip gives it back). */
export function isGbkEncodable(text: string): boolean {
  const codes = table();
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0x80 && (codes[unit] ?? 0) === 0) return false;
  }
  return true;
}
