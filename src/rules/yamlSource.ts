import { isMap, isSeq, LineCounter, parseDocument, type Node } from 'yaml';

/** A YAML file's data and a way back from a place in it to its line, for messages that say where. */
export interface YamlSource {
  file: string;
  data: unknown;
  /** The 1-based line of the value at `at` (keys and indexes), or of the nearest enclosing value. */
  lineOf(at: readonly (string | number)[]): number;
}

/**
 * Parses YAML keeping positions: a policy or parameter file is reviewed like code, so every
 * message names file and line. Syntax errors throw an Error that says both.
 */
export function parseYamlSource(file: string, text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const [error] = document.errors;
  if (error) {
    const line = lineCounter.linePos(error.pos[0]).line;
    throw new Error(`${file}:${String(line)}: YAML 语法错误：${error.message.split('\n')[0] ?? ''}`);
  }
  const lineOfNode = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : 1;
  return {
    file,
    data: document.toJS() as unknown,
    lineOf(at) {
      let node: unknown = document.contents;
      let line = lineOfNode(document.contents);
      // A map key's own line (where `name:` is written); a list item's line.
      for (const key of at) {
        let next: unknown;
        if (isMap(node)) {
          const pair = node.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
          if (!pair) return line;
          line = lineOfNode(pair.key as Node);
          next = pair.value;
        } else if (isSeq(node) && typeof key === 'number') {
          next = node.items[key];
          if (next) line = lineOfNode(next as Node);
        }
        if (next === undefined || next === null) return line;
        node = next;
      }
      return line;
    },
  };
}
