/**
 * From the raw syntax tree to a compiled query: terms normalized into patterns, aliases expanded, patterns
 * deduplicated into atoms, top-level exclusions hoisted, and the trigger atoms the index keys on.
 */
import { activeAliases, type AliasTable } from './alias-table.js';
import { tokenize } from './words.js';
import { DEFAULT_FIELDS, FIELD_NAMES, segmentsKey, segmentsOf, type QueryWord, type Segment } from './pattern.js';
import { parseSyntax, SyntaxProblem, type RawNode } from './syntax.js';

export const MAX_QUERY_CHARS = 500;
const MAX_QUERY_TERMS = 50;

/** A pattern restricted to fields; the index shares equal atoms between subscriptions. */
export interface Atom {
  segments: Segment[];
  fields: number;
  /** fields|pattern key: equal keys match exactly the same items. */
  key: string;
}

/** One term as the subscriber typed it, with its alias variants (variant 0 is the term itself). */
export interface Term {
  label: string;
  /** As it reads inside a description: with its field and quotes, e.g. title:"spot etf". */
  display: string;
  fields: number;
  atoms: number[];
  variantLabels: string[];
}

export type Node = { k: 'term'; term: number } | { k: 'and' | 'or'; c: Node[] } | { k: 'not'; c: Node; label: string };

export interface QueryInternals {
  /** The part that must match; null when there is none (empty query, or only exclusions). */
  positive: Node | null;
  /** Exclusions written outside parentheses: they apply to the whole query. */
  exclusions: Array<Extract<Node, { k: 'not' }>>;
  terms: Term[];
  atoms: Atom[];
  /** Local atoms of which at least one is found in every item the query matches; null: no such set. */
  triggers: number[] | null;
  /** When the positive part is a term or alternatives of terms only (the common case): those terms. */
  flat: number[] | null;
  /** When every exclusion is a single term: those terms. */
  flatExclusions: number[] | null;
  /** No two terms share a label (case-insensitive), so matched labels need no de-duplication. */
  uniqueLabels: boolean;
  /** The explanation of a match of a query without positive part. */
  emptyWhy: string;
}

const INTERNALS = Symbol('taza.matcher.query');

/** A compiled query: build it with parseQuery, pass it to matchQuery or MatchIndex. */
export interface CompiledQuery {
  /** The query as the admin typed it. */
  readonly source: string;
  /** The subscriber's terms, in order (e.g. ['bitcoin', 'crypto council', 'etf']). */
  readonly terms: readonly string[];
  readonly [INTERNALS]: QueryInternals;
}

export function internals(query: CompiledQuery): QueryInternals {
  const inner = (query as Partial<CompiledQuery> | null)?.[INTERNALS];
  if (!inner) throw new TypeError('not a compiled query: build it with parseQuery()');
  return inner;
}

export type QueryParseResult = { ok: true; query: CompiledQuery } | { ok: false; error: string };

/** Parse and compile a query. Never throws: a malformed query gives { ok: false, error } pointing at the problem. */
export function parseQuery(source: string, options?: { aliases?: AliasTable }): QueryParseResult {
  try {
    const text = String(source ?? '');
    const length = [...text].length;
    if (length > MAX_QUERY_CHARS)
      return { ok: false, error: `query is too long: ${length} characters (the limit is ${MAX_QUERY_CHARS})` };
    const raw = parseSyntax(text);
    const compiler = new Compiler(options?.aliases ?? activeAliases());
    const q = compiler.compile(raw);
    if (q.terms.length > MAX_QUERY_TERMS) {
      return { ok: false, error: `too many terms: ${q.terms.length} (the limit is ${MAX_QUERY_TERMS})` };
    }
    const query: CompiledQuery = { source: text, terms: uniqueLabels(q.terms.map((t) => t.label)), [INTERNALS]: q };
    return { ok: true, query };
  } catch (error) {
    if (error instanceof SyntaxProblem) return { ok: false, error: error.message };
    return { ok: false, error: `cannot read this query: ${(error as Error)?.message ?? String(error)}` };
  }
}

/** Labels without repeats (case-insensitive), in order. */
export function uniqueLabels(labels: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const label of labels) {
    const key = label.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      out.push(label);
    }
  }
  return out;
}

/** A node as it reads in explanations: title:bitcoin, "spot etf", (bitcoin, ethereum), -etf. */
export function describeNode(terms: readonly Term[], node: Node): string {
  switch (node.k) {
    case 'term':
      return terms[node.term]!.display;
    case 'not':
      return node.label;
    default:
      return node.c.length === 1
        ? describeNode(terms, node.c[0]!)
        : `(${node.c.map((c) => describeNode(terms, c)).join(node.k === 'and' ? ' AND ' : ', ')})`;
  }
}

function fieldPrefix(fields: number): string {
  if (fields === DEFAULT_FIELDS) return '';
  return `${FIELD_NAMES.find(([bit]) => bit === fields)?.[1] ?? 'field'}:`;
}

class Compiler {
  private readonly terms: Term[] = [];
  private readonly atoms: Atom[] = [];
  private readonly atomIds = new Map<string, number>();

  constructor(private readonly aliases: AliasTable) {}

  compile(raw: RawNode | null): QueryInternals {
    const alternatives = raw === null ? [] : raw.type === 'or' ? raw.children : [raw];
    const positives: Node[] = [];
    const exclusions: Array<Extract<Node, { k: 'not' }>> = [];
    for (const alt of alternatives) {
      const units = alt.type === 'and' ? alt.children : [alt];
      const kept: Node[] = [];
      for (const unit of units) {
        const node = this.node(unit);
        if (node.k === 'not' && unit.type === 'not') exclusions.push(node);
        else kept.push(node);
      }
      if (kept.length > 0) positives.push(kept.length === 1 ? kept[0]! : { k: 'and', c: kept });
    }
    const positive =
      positives.length === 0 ? null : positives.length === 1 ? positives[0]! : { k: 'or' as const, c: positives };
    const termOf = (n: Node): number | null => (n.k === 'term' ? n.term : null);
    const flatTerms = (nodes: Node[]): number[] | null => {
      const terms = nodes.map(termOf);
      return terms.every((t) => t !== null) ? (terms as number[]) : null;
    };
    return {
      positive,
      exclusions,
      terms: this.terms,
      atoms: this.atoms,
      triggers: positive === null ? null : this.triggers(positive),
      flat: positive === null ? null : flatTerms(positive.k === 'or' ? positive.c : [positive]),
      flatExclusions: flatTerms(exclusions.map((e) => e.c)),
      uniqueLabels: uniqueLabels(this.terms.map((t) => t.label)).length === this.terms.length,
      emptyWhy:
        exclusions.length === 0
          ? 'empty query matches everything'
          : `no excluded term found (${exclusions.map((e) => e.label).join(', ')})`,
    };
  }

  private node(raw: RawNode): Node {
    switch (raw.type) {
      case 'and':
      case 'or':
        return { k: raw.type, c: raw.children.map((child) => this.node(child)) };
      case 'not': {
        const c = this.node(raw.child);
        return { k: 'not', c, label: `-${describeNode(this.terms, c)}` };
      }
      case 'phrase':
        return { k: 'term', term: this.term(raw) };
      case 'group':
        return this.node(raw.child);
    }
  }

  private term(raw: Extract<RawNode, { type: 'phrase' }>): number {
    const fields = raw.field ?? DEFAULT_FIELDS;
    const words: QueryWord[] = [];
    let hasPrefix = false;
    for (const { text, pos } of raw.words) {
      for (const part of raw.quoted ? splitQuoted(text, pos) : [{ text, pos }]) {
        const star = part.text.search(/\*+$/);
        const inner = part.text.indexOf('*');
        if (!raw.quoted && inner >= 0 && inner < (star < 0 ? part.text.length : star)) {
          throw new SyntaxProblem(`"*" can only end a word, as in crypto* (position ${part.pos + inner})`);
        }
        const prefix = star >= 0;
        const body = prefix ? part.text.slice(0, star) : part.text;
        const tokens = tokenize(body);
        if (prefix) {
          const last = tokens[tokens.length - 1];
          if (!last || !/[\p{L}\p{M}\p{N}]$/u.test(body))
            throw new SyntaxProblem(`"*" must follow a word, as in crypto* (position ${part.pos + star})`);
          if ([...last].length < 2)
            throw new SyntaxProblem(
              `the prefix "${part.text}" at position ${part.pos} is too short: use at least 2 letters`,
            );
          hasPrefix = true;
        }
        tokens.forEach((token, i) => words.push({ token, prefix: prefix && i === tokens.length - 1 }));
      }
    }
    const label = raw.words
      .map((w) => w.text)
      .join(' ')
      .trim()
      .replace(/\s+/g, ' ');
    if (words.length === 0)
      throw new SyntaxProblem(`"${label}" at position ${raw.pos} has no letters or digits to search for`);
    const segments = segmentsOf(words, raw.quoted);
    const variants: Array<{ label: string; segments: Segment[] }> = [{ label, segments }];
    if (!raw.quoted && !hasPrefix) {
      const key = segmentsKey(segments);
      for (const v of this.aliases.lookup(key) ?? []) if (v.key !== key) variants.push(v);
    }
    const term: Term = {
      label,
      display: `${fieldPrefix(fields)}${raw.quoted ? `"${label}"` : label}`,
      fields,
      atoms: [],
      variantLabels: [],
    };
    for (const v of variants) {
      const atom = this.atom(v.segments, fields);
      if (!term.atoms.includes(atom)) {
        term.atoms.push(atom);
        term.variantLabels.push(v.label);
      }
    }
    this.terms.push(term);
    return this.terms.length - 1;
  }

  private atom(segments: Segment[], fields: number): number {
    const key = `${fields}|${segmentsKey(segments)}`;
    let id = this.atomIds.get(key);
    if (id === undefined) {
      id = this.atoms.length;
      this.atoms.push({ segments, fields, key });
      this.atomIds.set(key, id);
    }
    return id;
  }

  /** Atoms of which one must be found for the node to be true, or null when the node can be true without any. */
  private triggers(node: Node): number[] | null {
    switch (node.k) {
      case 'term':
        return this.terms[node.term]!.atoms;
      case 'not':
        return null;
      case 'or': {
        const all: number[] = [];
        for (const c of node.c) {
          const t = this.triggers(c);
          if (t === null) return null;
          for (const a of t) if (!all.includes(a)) all.push(a);
        }
        return all;
      }
      case 'and': {
        let best: number[] | null = null;
        for (const c of node.c) {
          const t = this.triggers(c);
          if (t !== null && (best === null || t.length < best.length)) best = t;
        }
        return best;
      }
    }
  }
}

/** A quoted phrase's words, split on whitespace, with their positions. */
function splitQuoted(text: string, pos: number): Array<{ text: string; pos: number }> {
  const out: Array<{ text: string; pos: number }> = [];
  const re = /\S+/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push({ text: m[0], pos: pos + [...text.slice(0, m.index)].length });
  return out;
}
