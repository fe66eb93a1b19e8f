/**
 * MatchIndex: all subscriptions compiled into one structure, so that matching an item costs about the
 * item's length plus the number of candidate subscriptions, not the number of subscriptions.
 *
 * The AtomScanner finds every atom (pattern + fields) of every subscription in the item in one pass. Found
 * atoms point to the subscriptions they can trigger (a query's trigger atoms: one of them is in every item
 * it matches); only those, plus the queries that can match without any term (empty, exclusions only), are
 * evaluated — over terms, each a list of atoms shared by every subscription using it and resolved once
 * per item. A subscription's verdict and explanation depend only on where each of its terms was found
 * (fields, and through which alias): the last few are kept per subscription, keyed by those term states,
 * and reused when they recur. So results are frozen, and the same object may be returned again.
 */
import { internals, type CompiledQuery, type QueryInternals } from './compile.js';
import { evaluate, explainMatch, type TermOracle } from './evaluate.js';
import { prepareItem, type MatchInput, type MatchResult } from './item.js';
import { AtomScanner } from './scanner.js';

type Match = { id: string; result: MatchResult };

/**
 * A found term (local index, state) as 15 bits, [index: 6][fields: 5][first variant found + 1: 4], or -1 when
 * it does not fit (a query's 64th term, a term with 15 or more aliases): two entries make one exact key.
 */
function exactEntry(term: number, state: number): number {
  const variant = state & 0xffff;
  return term < 64 && variant < 16 ? (term << 9) | ((state >>> 16) << 4) | variant : -1;
}

/** The exact key of a candidate with count (0, 1 or 2) terms found: 0, the entry, or both in term order. */
function exactKey(count: number, first: number, second: number): number {
  return count === 0 ? 0 : count === 1 ? first : first * 32768 + second;
}

/** Results remembered per subscription, by term states (most subscriptions see only a few). */
const WAYS = 16;
/**
 * A subscription's record, RECORD ints at s * RECORD: its first term in termGroups and how many it has, the
 * ways in use, the next way to replace, and each way's key.
 */
const START = 0;
const TERMS = 1;
const FILLED = 2;
const NEXT = 3;
const KEYS = 4;
const RECORD = KEYS + WAYS;

/**
 * Where each global term was found in the current item, as a state: 0 when not found, else
 * fields * 65536 + first variant found + 1. Computed once per item from the atoms the scan found (a term
 * none of whose atoms was found costs nothing). Also the oracle for evaluating one subscription (its local
 * terms mapped to global ones).
 */
class TermStates implements TermOracle {
  /** The current subscription's local term -> global term. */
  terms: Int32Array = new Int32Array(0);
  /**
   * One bit per global term: found in the current item. A candidate asks about each of its terms, and most
   * were not found: this small bitmap answers that without reading the (large, cold) states array.
   */
  private readonly foundBits: Int32Array;
  /** Per global term found in the current item, its state (stale for the others). */
  private readonly states: Int32Array;
  /** The terms found in the current item, to clear their bits for the next. */
  private readonly foundTerms: number[] = [];
  /** Per global atom: the terms it is a variant of, as pairs [term, variant index]. */
  private readonly termsOfAtom: Int32Array[];

  constructor(termAtoms: Int32Array[], atoms: number) {
    this.states = new Int32Array(termAtoms.length);
    this.foundBits = new Int32Array((termAtoms.length >>> 5) + 1);
    const pairs: number[][] = Array.from({ length: atoms }, () => []);
    termAtoms.forEach((list, g) => list.forEach((a, i) => pairs[a]!.push(g, i)));
    this.termsOfAtom = pairs.map((p) => Int32Array.from(p));
  }

  /** Compute the states of the terms of the atoms found in the item. */
  update(scanner: AtomScanner): void {
    const { foundBits, states, foundTerms } = this;
    for (const g of foundTerms) foundBits[g >>> 5] = foundBits[g >>> 5]! & ~(1 << (g & 31));
    foundTerms.length = 0;
    for (const a of scanner.found) {
      const mask = scanner.mask[a]! * 65536;
      const pairs = this.termsOfAtom[a]!;
      for (let j = 0; j < pairs.length; j += 2) {
        const g = pairs[j]!;
        const variant = pairs[j + 1]! + 1;
        const bit = 1 << (g & 31);
        if ((foundBits[g >>> 5]! & bit) === 0) {
          foundBits[g >>> 5] = foundBits[g >>> 5]! | bit;
          foundTerms.push(g);
          states[g] = mask + variant;
        } else {
          const state = states[g]!;
          states[g] = (state | mask) - (state & 0xffff) + Math.min(state & 0xffff, variant);
        }
      }
    }
  }

  state(g: number): number {
    return (this.foundBits[g >>> 5]! & (1 << (g & 31))) === 0 ? 0 : this.states[g]!;
  }

  termMask(term: number): number {
    return this.state(this.terms[term]!) >>> 16;
  }

  termVariant(term: number): number {
    return (this.state(this.terms[term]!) & 0xffff) - 1;
  }
}

export class MatchIndex {
  readonly size: number;
  private readonly scanner = new AtomScanner();
  private readonly ids: string[] = [];
  private readonly queries: QueryInternals[] = [];
  /** The global terms of every subscription, one after the other (see records). */
  private readonly termGroups: Int32Array;
  private readonly termViews: Int32Array[] = [];
  /**
   * Per subscription s with k terms, its record (see RECORD) with WAYS remembered evaluations. A way's key is
   * exact (>= 0, see exactKey) when at most two of the subscription's terms were found; otherwise it is a hash of
   * the states of all k terms (< 0), and way w's states are kept in seen[START * WAYS + w * k ...] to confirm it.
   * Way w's match result is results[s * WAYS + w] (null: no match).
   */
  private readonly records: Int32Array;
  private readonly seen: Int32Array;
  private readonly results: Array<Match | null | undefined>;
  private readonly current: Int32Array;
  /** Global atom -> subscriptions it triggers. */
  private readonly triggers: Array<number[] | undefined> = [];
  private readonly always: number[] = [];
  /** One bit per subscription: the current item's candidates. */
  private readonly candidates: Int32Array;
  private readonly states: TermStates;
  private readonly fieldsUsed: number;

  constructor(entries: Iterable<{ id: string; query: CompiledQuery }>) {
    const termIds = new Map<string, number>();
    const termAtoms: Int32Array[] = [];
    const groups: number[] = [];
    const starts: number[] = [0];
    for (const { id, query } of entries) {
      const q = internals(query);
      const local = q.atoms.map((atom) => this.scanner.add(atom));
      const s = this.ids.length;
      for (const term of q.terms) {
        const atoms = term.atoms.map((a) => local[a]!);
        const key = atoms.join(',');
        let g = termIds.get(key);
        if (g === undefined) {
          termIds.set(key, (g = termAtoms.length));
          termAtoms.push(Int32Array.from(atoms));
        }
        groups.push(g);
      }
      starts.push(groups.length);
      this.ids.push(id);
      this.queries.push(q);
      if (q.triggers === null) this.always.push(s);
      else for (const a of q.triggers) (this.triggers[local[a]!] ??= []).push(s);
    }
    this.scanner.seal();
    this.size = this.ids.length;
    this.termGroups = Int32Array.from(groups);
    for (let s = 0; s < this.size; s++) this.termViews.push(this.termGroups.subarray(starts[s], starts[s + 1]));
    this.seen = new Int32Array(groups.length * WAYS);
    this.results = new Array<Match | null | undefined>(this.size * WAYS).fill(undefined);
    this.records = new Int32Array(this.size * RECORD);
    for (let s = 0; s < this.size; s++) {
      this.records[s * RECORD + START] = starts[s]!;
      this.records[s * RECORD + TERMS] = starts[s + 1]! - starts[s]!;
    }
    this.current = new Int32Array(this.termViews.reduce((most, v) => Math.max(most, v.length), 0));
    this.candidates = new Int32Array((this.size >>> 5) + 1);
    this.states = new TermStates(termAtoms, this.scanner.size);
    this.fieldsUsed = this.scanner.fieldsUsed;
  }

  /**
   * The subscriptions that match the item, in the order they were given, with their explanations: the
   * same answers as matchQuery on each subscription alone. The objects are frozen, and may be returned
   * again for another item whose terms were found in the same places.
   */
  match(input: MatchInput): Match[] {
    const item = prepareItem(input, this.fieldsUsed);
    const scanner = this.scanner;
    scanner.begin();
    for (const stream of item.streams) scanner.scan(stream);
    this.states.update(scanner);

    // Candidates: subscriptions triggered by a found atom, and those that need no term, as bits.
    const { candidates, triggers } = this;
    let low = candidates.length;
    let high = -1;
    for (const a of scanner.found) {
      const subs = triggers[a];
      if (subs === undefined) continue;
      for (let j = 0; j < subs.length; j++) {
        const s = subs[j]!;
        const word = s >>> 5;
        candidates[word] = candidates[word]! | (1 << (s & 31));
        if (word < low) low = word;
        if (word > high) high = word;
      }
    }
    for (const s of this.always) {
      const word = s >>> 5;
      candidates[word] = candidates[word]! | (1 << (s & 31));
      if (word < low) low = word;
      if (word > high) high = word;
    }

    // In entry order: the set bits, word by word (clearing them for the next item).
    const out: Match[] = [];
    for (let word = low; word <= high; word++) {
      let bits = candidates[word]!;
      if (bits === 0) continue;
      candidates[word] = 0;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const result = this.candidate((word << 5) | bit);
        if (result !== null) out.push(result);
      }
    }
    return out;
  }

  /** A candidate's match, from a remembered evaluation with the same term states, else evaluated. */
  private candidate(s: number): Match | null {
    const { records, results, termGroups, current, states } = this;
    const r = s * RECORD;
    const start = records[r + START]!;
    const k = records[r + TERMS]!;
    // The key: exact from the (at most two) terms found, else a hash of every term's state.
    let found = 0;
    let first = 0;
    let second = 0;
    let hash = k;
    for (let i = 0; i < k; i++) {
      const state = states.state(termGroups[start + i]!);
      current[i] = state;
      hash = Math.imul(hash ^ state, 0x01000193);
      if (state === 0) continue;
      const entry = exactEntry(i, state);
      if (entry < 0) found = 3;
      else if (++found === 1) first = entry;
      else second = entry;
    }
    const exact = found <= 2;
    const key = exact ? exactKey(found, first, second) : hash | 0x80000000;
    const filled = records[r + FILLED]!;
    for (let w = 0; w < filled; w++) {
      if (records[r + KEYS + w] === key && (exact || this.sameStates(r, w))) return results[s * WAYS + w]!;
    }
    const w = records[r + NEXT]!;
    records[r + NEXT] = (w + 1) % WAYS;
    if (filled < WAYS) records[r + FILLED] = filled + 1;
    records[r + KEYS + w] = key;
    if (!exact) for (let i = 0, base = start * WAYS + w * k; i < k; i++) this.seen[base + i] = current[i]!;
    return (results[s * WAYS + w] = this.evaluate(s));
  }

  /** Are the term states in current those remembered for way w of the subscription at record r? */
  private sameStates(r: number, w: number): boolean {
    const { records, seen, current } = this;
    const k = records[r + TERMS]!;
    const base = records[r + START]! * WAYS + w * k;
    for (let i = 0; i < k; i++) if (seen[base + i] !== current[i]) return false;
    return true;
  }

  private evaluate(s: number): Match | null {
    const q = this.queries[s]!;
    const states = this.states;
    states.terms = this.termViews[s]!;
    if (!evaluate(q, states)) return null;
    const result = explainMatch(q, states);
    Object.freeze(result.terms);
    return Object.freeze({ id: this.ids[s]!, result: Object.freeze(result) });
  }
}
