/**
 * Texts as ids: a snapshot's codes, dates and text, then the constants and parameter texts a
 * process adds when compiling kernels against it.
 */
export class Dictionary {
  private readonly ids = new Map<string, number>();
  constructor(readonly strings: string[]) {
    strings.forEach((s, i) => this.ids.set(s, i));
  }
  id(text: string): number {
    let id = this.ids.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.ids.set(text, id);
    }
    return id;
  }
}
