/**
 * Evaluating one compiled query against an item, and explaining the answer. The same code decides and
 * explains for both paths: the naive one (matchQuery: each term searched in the item's words) and the
 * index (MatchIndex: atoms already found by the multi-pattern scan); only the TermOracle differs.
 */
import {
  describeNode,
  internals,
  uniqueLabels,
  type CompiledQuery,
  type Node,
  type QueryInternals,
} from './compile.js';
import { prepareItem, type MatchInput, type MatchResult, type PreparedItem } from './item.js';
import { DEFAULT_FIELDS, fieldList, matchSegments } from './pattern.js';

/** Where a query's terms were found in the item. */
export interface TermOracle {
  /** The fields (bit mask) in which some variant of the term was found; 0 when none was. */
  termMask(term: number): number;
  /** The first variant (0 = the term itself, then its aliases) that was found; -1 when none was. */
  termVariant(term: number): number;
}

/** The naive oracle: search each variant's pattern in the item's words, on first use. */
class ScanOracle implements TermOracle {
  private readonly masks: Int32Array;
  private readonly variants: Int32Array;
  constructor(
    private readonly q: QueryInternals,
    private readonly item: PreparedItem,
  ) {
    this.masks = new Int32Array(q.terms.length).fill(-1);
    this.variants = new Int32Array(q.terms.length);
  }
  private atomMask(atom: number): number {
    const { segments, fields } = this.q.atoms[atom]!;
    let mask = 0;
    for (const stream of this.item.streams) {
      if (fields & stream.field && !(mask & stream.field) && matchSegments(segments, stream.tokens))
        mask |= stream.field;
    }
    return mask;
  }
  termMask(term: number): number {
    let mask = this.masks[term]!;
    if (mask >= 0) return mask;
    mask = 0;
    let variant = -1;
    this.q.terms[term]!.atoms.forEach((atom, i) => {
      const m = this.atomMask(atom);
      if (m !== 0 && variant < 0) variant = i;
      mask |= m;
    });
    this.masks[term] = mask;
    this.variants[term] = variant;
    return mask;
  }
  termVariant(term: number): number {
    this.termMask(term);
    return this.variants[term]!;
  }
}

function evalNode(node: Node, oracle: TermOracle): boolean {
  switch (node.k) {
    case 'term':
      return oracle.termMask(node.term) !== 0;
    case 'not':
      return !evalNode(node.c, oracle);
    case 'and':
      for (const c of node.c) if (!evalNode(c, oracle)) return false;
      return true;
    case 'or':
      for (const c of node.c) if (evalNode(c, oracle)) return true;
      return false;
  }
}

/** Is one of the query's exclusions found? */
function excluded(q: QueryInternals, oracle: TermOracle): boolean {
  if (q.flatExclusions !== null) {
    for (const t of q.flatExclusions) if (oracle.termMask(t) !== 0) return true;
    return false;
  }
  for (const e of q.exclusions) if (evalNode(e.c, oracle)) return true;
  return false;
}

/** Does the query match, given where its terms were found? */
export function evaluate(q: QueryInternals, oracle: TermOracle): boolean {
  if (q.flat !== null) {
    let found = false;
    for (let i = 0; i < q.flat.length && !found; i++) found = oracle.termMask(q.flat[i]!) !== 0;
    if (!found) return false;
  } else if (q.positive !== null && !evalNode(q.positive, oracle)) {
    return false;
  }
  return !excluded(q, oracle);
}

/** The terms that made a true node true, in query order (terms under NOT never count). */
function contributing(node: Node, oracle: TermOracle, out: number[]): void {
  if (node.k === 'term') {
    if (!out.includes(node.term)) out.push(node.term);
  } else if (node.k !== 'not') {
    for (const c of node.c) if (evalNode(c, oracle)) contributing(c, oracle, out);
  }
}

/** 'bitcoin in title and text', or 'bitcoin (as بٹ کوائن) in text' when only an alias was found. */
function where(q: QueryInternals, term: number, mask: number, oracle: TermOracle): string {
  const t = q.terms[term]!;
  const variant = oracle.termVariant(term);
  return variant > 0
    ? `${t.label} (as ${t.variantLabels[variant]}) in ${fieldList(mask)}`
    : `${t.label} in ${fieldList(mask)}`;
}

/** The result for a query known to match: the terms that made it match, and where. */
export function explainMatch(q: QueryInternals, oracle: TermOracle): MatchResult {
  if (q.positive === null) return { matched: true, terms: [], why: q.emptyWhy };
  let terms: number[] | null = q.flat;
  if (terms === null) {
    terms = [];
    contributing(q.positive, oracle, terms);
  }
  const labels: string[] = [];
  let why = '';
  for (let i = 0; i < terms.length; i++) {
    const t = terms[i]!;
    const mask = oracle.termMask(t);
    if (mask === 0) continue;
    const w = where(q, t, mask, oracle);
    why = labels.length === 0 ? w : `${why}; ${w}`;
    labels.push(q.terms[t]!.label);
  }
  // Only an exclusion inside parentheses, as in (-etf), can make a match without any term found.
  if (labels.length === 0)
    return { matched: true, terms: [], why: `no excluded term found (${describeNode(q.terms, q.positive)})` };
  return { matched: true, terms: q.uniqueLabels ? labels : uniqueLabels(labels), why };
}

/** Why a false node is false: the first reason, in the subscriber's words. */
function failure(q: QueryInternals, node: Node, oracle: TermOracle, top: boolean): string {
  switch (node.k) {
    case 'term': {
      const t = q.terms[node.term]!;
      return `${t.label} not found${t.fields === DEFAULT_FIELDS ? '' : ` in ${fieldList(t.fields)}`}`;
    }
    case 'not': {
      const mask = node.c.k === 'term' ? oracle.termMask(node.c.term) : 0;
      return `excluded by ${node.label}${mask ? ` (in ${fieldList(mask)})` : ''}`;
    }
    case 'and':
      for (const c of node.c) if (!evalNode(c, oracle)) return failure(q, c, oracle, false);
      return 'not matched';
    case 'or':
      return top ? 'no alternative matched' : `none of ${node.c.map((c) => describeNode(q.terms, c)).join(', ')} found`;
  }
}

/** The result for a query known not to match: why not (every top-level reason). */
function explainMiss(q: QueryInternals, oracle: TermOracle): MatchResult {
  const reasons: string[] = [];
  if (q.positive !== null && !evalNode(q.positive, oracle)) reasons.push(failure(q, q.positive, oracle, true));
  for (const e of q.exclusions) if (evalNode(e.c, oracle)) reasons.push(failure(q, e, oracle, true));
  return { matched: false, terms: [], why: reasons.join('; ') };
}

/** One query against an item already prepared. */
export function matchPrepared(query: CompiledQuery, item: PreparedItem): MatchResult {
  const q = internals(query);
  const oracle = new ScanOracle(q, item);
  return evaluate(q, oracle) ? explainMatch(q, oracle) : explainMiss(q, oracle);
}

/** Like matchPrepared, but undefined for a non-match (no explanation built): a naive loop's inner step. */
export function matchPreparedIfMatched(query: CompiledQuery, item: PreparedItem): MatchResult | undefined {
  const q = internals(query);
  const oracle = new ScanOracle(q, item);
  return evaluate(q, oracle) ? explainMatch(q, oracle) : undefined;
}

/** Does one query match one item? The naive path, also used by preview. */
export function matchQuery(query: CompiledQuery, input: MatchInput): MatchResult {
  return matchPrepared(query, prepareItem(input));
}
