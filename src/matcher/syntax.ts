/**
 * The query language's syntax: a lexer and a recursive-descent parser from what an admin types to a raw tree.
 *
 *   query    := alts
 *   alts     := and ( (',' | '،' | 'OR') and )*        empty alternatives between commas are ignored
 *   and      := unary ( ['AND'] unary )*               juxtaposed units are ANDed
 *   unary    := ('NOT' | '-') unary | field ':' unary | primary
 *   primary  := '(' alts ')' | '"' phrase '"' | word+  consecutive bare words form one phrase
 *
 * Operators are upper case (lower-case "and", "or", "not" are words). `-` excludes only at the start of a
 * term (`crypto-council` is a word). Errors are thrown as SyntaxProblem with a 1-based position and turned
 * into messages by the caller; nothing else throws.
 */
import { FIELD_AUTHOR, FIELD_CATEGORY, FIELD_LINK, FIELD_TEXT, FIELD_TITLE } from './pattern.js';

export class SyntaxProblem extends Error {}

export interface RawWord {
  text: string;
  pos: number;
}
export type RawNode =
  | { type: 'phrase'; words: RawWord[]; quoted: boolean; field: number | null; pos: number }
  | { type: 'and'; children: RawNode[] }
  | { type: 'or'; children: RawNode[] }
  | { type: 'not'; child: RawNode; pos: number }
  /** Parentheses: kept so that exclusions inside them stay inside. */
  | { type: 'group'; child: RawNode };

const FIELDS: Record<string, number> = {
  title: FIELD_TITLE,
  summary: FIELD_TEXT,
  content: FIELD_TEXT,
  text: FIELD_TEXT,
  body: FIELD_TEXT,
  description: FIELD_TEXT,
  link: FIELD_LINK,
  url: FIELD_LINK,
  author: FIELD_AUTHOR,
  category: FIELD_CATEGORY,
  categories: FIELD_CATEGORY,
  tag: FIELD_CATEGORY,
  tags: FIELD_CATEGORY,
};
const FIELD_HELP = 'title, summary (or content), link, author, category';

type Tok =
  | { t: 'word'; text: string; pos: number }
  | { t: 'quote'; text: string; pos: number; textPos: number }
  | { t: 'field'; name: string; mask: number; pos: number }
  | { t: 'comma' | 'lparen' | 'rparen' | 'and' | 'or' | 'not' | 'minus'; pos: number; text: string };

const QUOTES = '"“”„«»＂';
const MINUSES = '-−–';
const SPECIAL = new Set([...',،()', ...QUOTES]);

/** For each UTF-16 index, its 1-based position in code points, as an admin counts characters. */
function positions(source: string): number[] {
  const out: number[] = [];
  let n = 1;
  for (let i = 0; i <= source.length; i++) {
    out.push(n);
    const c = source.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return out;
}

function lex(source: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  let termStart = true;
  const n = source.length;
  const at = positions(source);
  while (i < n) {
    const ch = source[i]!;
    const pos = at[i]!;
    if (/\s/.test(ch)) {
      i++;
      termStart = true;
    } else if (ch === ',' || ch === '،') {
      toks.push({ t: 'comma', pos, text: ch });
      i++;
      termStart = true;
    } else if (ch === '(' || ch === ')') {
      toks.push({ t: ch === '(' ? 'lparen' : 'rparen', pos, text: ch });
      i++;
      termStart = true;
    } else if (QUOTES.includes(ch)) {
      let j = i + 1;
      while (j < n && !QUOTES.includes(source[j]!)) j++;
      if (j >= n) throw new SyntaxProblem(`unclosed quote at position ${pos}`);
      toks.push({ t: 'quote', text: source.slice(i + 1, j), pos, textPos: pos + 1 });
      i = j + 1;
      termStart = true;
    } else if (termStart && MINUSES.includes(ch)) {
      toks.push({ t: 'minus', pos, text: '-' });
      i++;
    } else {
      let j = i;
      while (j < n && !SPECIAL.has(source[j]!) && !/\s/.test(source[j]!)) j++;
      const word = source.slice(i, j);
      const op = word === 'AND' ? 'and' : word === 'OR' ? 'or' : word === 'NOT' ? 'not' : null;
      if (op) {
        toks.push({ t: op, pos, text: word });
      } else {
        const field = /^([A-Za-z]+):/.exec(word);
        if (field) {
          const name = field[1]!;
          const mask = FIELDS[name.toLowerCase()];
          if (mask === undefined) {
            throw new SyntaxProblem(
              `unknown field "${name}:" at position ${pos}; fields are ${FIELD_HELP} (to search for "${word}" as text, put it in quotes)`,
            );
          }
          toks.push({ t: 'field', name: name.toLowerCase(), mask, pos });
          const rest = word.slice(field[0].length);
          if (rest) toks.push({ t: 'word', text: rest, pos: at[i + field[0].length]! });
        } else {
          toks.push({ t: 'word', text: word, pos });
        }
      }
      i = j;
      termStart = false;
    }
  }
  return toks;
}

/** Parse to a raw tree; null for a query with no terms (which matches everything). Throws SyntaxProblem. */
export function parseSyntax(source: string): RawNode | null {
  const toks = lex(source);
  let k = 0;
  const peek = (): Tok | undefined => toks[k];
  const ends = (tok: Tok | undefined): boolean =>
    !tok || tok.t === 'comma' || tok.t === 'or' || tok.t === 'rparen' || tok.t === 'and';
  const opName = (tok: Tok): string =>
    tok.t === 'minus' ? '-' : tok.t === 'field' ? `${tok.name}:` : tok.t.toUpperCase();

  function alternatives(field: number | null): RawNode | null {
    const alts: RawNode[] = [];
    for (;;) {
      while (peek()?.t === 'comma') k++;
      const tok = peek();
      if (!tok || tok.t === 'rparen') break;
      if (tok.t === 'or') throw new SyntaxProblem(`nothing before OR at position ${tok.pos}`);
      alts.push(conjunction(field));
      const sep = peek();
      if (sep?.t === 'comma') continue;
      if (sep?.t === 'or') {
        k++;
        if (ends(peek())) throw new SyntaxProblem(`nothing after OR at position ${sep.pos}`);
        continue;
      }
      break;
    }
    if (alts.length === 0) return null;
    return alts.length === 1 ? alts[0]! : { type: 'or', children: alts };
  }

  function conjunction(field: number | null): RawNode {
    const units: RawNode[] = [];
    for (;;) {
      const tok = peek();
      if (!tok || tok.t === 'comma' || tok.t === 'or' || tok.t === 'rparen') break;
      if (tok.t === 'and') {
        if (units.length === 0) throw new SyntaxProblem(`nothing before AND at position ${tok.pos}`);
        k++;
        if (ends(peek())) throw new SyntaxProblem(`nothing after AND at position ${tok.pos}`);
        continue;
      }
      units.push(unary(field));
    }
    return units.length === 1 ? units[0]! : { type: 'and', children: units };
  }

  function unary(field: number | null): RawNode {
    const tok = peek()!;
    if (tok.t === 'not' || tok.t === 'minus' || tok.t === 'field') {
      k++;
      if (ends(peek())) throw new SyntaxProblem(`nothing after ${opName(tok)} at position ${tok.pos}`);
      if (tok.t === 'field') return unary(tok.mask);
      return { type: 'not', child: unary(field), pos: tok.pos };
    }
    return primary(field);
  }

  function primary(field: number | null): RawNode {
    const tok = peek()!;
    if (tok.t === 'lparen') {
      k++;
      const inner = alternatives(field);
      const close = peek();
      if (close?.t !== 'rparen') throw new SyntaxProblem(`unclosed parenthesis at position ${tok.pos}`);
      k++;
      if (!inner) throw new SyntaxProblem(`empty parentheses at position ${tok.pos}`);
      return { type: 'group', child: inner };
    }
    if (tok.t === 'quote') {
      k++;
      if (!tok.text.trim()) throw new SyntaxProblem(`empty quotes at position ${tok.pos}`);
      return { type: 'phrase', words: [{ text: tok.text, pos: tok.textPos }], quoted: true, field, pos: tok.pos };
    }
    if (tok.t === 'word') {
      const words: RawWord[] = [];
      let next = peek();
      while (next?.t === 'word') {
        words.push({ text: next.text, pos: next.pos });
        k++;
        next = peek();
      }
      return { type: 'phrase', words, quoted: false, field, pos: tok.pos };
    }
    // Only a stray ')' reaches here (every other token is handled above or ends a conjunction).
    throw new SyntaxProblem(`unmatched ) at position ${tok.pos}`);
  }

  const root = alternatives(null);
  const rest = peek();
  if (rest) throw new SyntaxProblem(`unmatched ) at position ${rest.pos}`);
  return root;
}
