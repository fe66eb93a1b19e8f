import type { EntityTable } from './entities.js';
import { Char } from './xml-chars.js';

/** `<!ENTITY name "value">` declarations of an internal DTD subset (parameter and external entities are ignored). */
const ENTITY_DECLARATION = /<!ENTITY\s+([^\s%"'>]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g;

/**
 * `<!DOCTYPE …>` with its internal subset, or another declaration: scanned to its closing `>`, skipping quoted
 * strings, comments and the bracketed subset, which is handed to `subset`. Returns the index just past it, or -1
 * when the text ends first.
 */
export function scanDeclaration(source: string, lt: number, subset: (text: string) => void): number {
  const length = source.length;
  let index = lt + 2;
  let subsetStart = -1;
  while (index < length) {
    const code = source.charCodeAt(index);
    if (code === Char.DoubleQuote || code === Char.SingleQuote) {
      const end = source.indexOf(code === Char.DoubleQuote ? '"' : "'", index + 1);
      if (end === -1) break;
      index = end + 1;
    } else if (subsetStart !== -1 && code === Char.Lt && source.startsWith('<!--', index)) {
      const end = source.indexOf('-->', index + 4);
      if (end === -1) break;
      index = end + 3;
    } else if (code === Char.OpenBracket && subsetStart === -1) {
      subsetStart = index + 1;
      index += 1;
    } else if (code === Char.CloseBracket && subsetStart !== -1) {
      subset(source.slice(subsetStart, index));
      subsetStart = -2;
      index += 1;
    } else if (code === Char.Gt && subsetStart < 0) {
      return index + 1;
    } else index += 1;
  }
  return -1;
}

export function declareEntities(subset: string, entities: EntityTable): void {
  for (const match of subset.matchAll(ENTITY_DECLARATION)) {
    entities.declare(match[1]!, match[2] ?? match[3] ?? '');
  }
}
