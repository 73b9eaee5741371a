/**
 * How many Excel character widths a text needs: CJK and full-width characters take two,
 * so a column of Chinese headers is not cut off at half its text.
 */
export function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    width += code >= 0x2e80 && code <= 0xffef && !(code >= 0xff61 && code <= 0xff9f) ? 2 : 1;
  }
  return width;
}
