/**
 * The multi-pattern scan behind MatchIndex: every distinct atom (pattern + fields) of every subscription,
 * keyed by its first segment in one character trie, found in an item in one pass over its words.
 *
 * From each word of the item the trie is walked through that word: an exact word is found at the word's
 * end; a word also ending in s, es or ies is looked up as the singulars it may be the plural of (bitcoins ->
 * bitcoin) from the nodes passed on the way; a prefix is found anywhere along. For joined Arabic-script
 * segments the walk goes on through the next words with no space in between, so `بٹ کوائن` and `بٹکوائن`
 * reach the same node, and a joined segment ends only at a word end. Each key found is verified with
 * matchSegmentsAt, the function the naive path uses, so both agree. The trie is built with maps, then
 * flattened into typed arrays.
 */
import type { Atom } from './compile.js';
import type { Stream } from './item.js';
import { matchSegmentsAt, WORD, type Segment } from './pattern.js';

// Payload kinds at a trie node.
const WORD_EXACT = 0;
const WORD_PREFIX = 1;
const JOIN_EXACT = 2;
const JOIN_PREFIX = 3;
const KINDS = 4;

// The root's child table: 256 pages of 256 UTF-16 code units.
const ROOT_PAGE = 0x100;
const ROOT_PAGES = 0x100;

// How much the walk that found an atom proves (see AtomScanner.simple).
const SIMPLE = 1;
const SIMPLE_PLURAL = 2;

interface BuildNode {
  next: Map<number, BuildNode>;
  lists: Array<number[] | undefined>;
  id: number;
}

const newNode = (): BuildNode => ({ next: new Map(), lists: [], id: -1 });

export class AtomScanner {
  private readonly ids = new Map<string, number>();
  private readonly segments: Segment[][] = [];
  private readonly fields: number[] = [];
  /**
   * Per atom: SIMPLE when it is one segment, so that how the walk found it already proves the match (the word
   * or joined words spell it exactly, or start with it for a prefix); SIMPLE_PLURAL when plural forms also
   * count. Other atoms (phrases) are verified with matchSegmentsAt.
   */
  private readonly simple: number[] = [];
  private build: BuildNode | null = newNode();
  // The flattened trie. Node 0 is the root; node u's children are edgeChar/edgeTo[edgeStart[u] .. edgeStart[u + 1]],
  // sorted by character. The root, whose children every word starts from, is looked up directly instead: by the
  // character's high byte in rootPages, an offset in rootNext of a 256-entry page indexed by its low byte. Only the
  // pages its characters use are stored (after page 0, all -1, shared by every unused high byte): one table of
  // all 65,536 code units cost 256 KB per index, and there is one index per feed.
  private rootPages = new Int32Array(ROOT_PAGES);
  private rootNext = new Int32Array(ROOT_PAGE).fill(-1);
  private edgeStart = new Int32Array(1);
  private edgeChar = new Uint16Array(0);
  private edgeTo = new Int32Array(0);
  /** Bit k set when node u has atoms of payload kind k, in lists[u * KINDS + k]. */
  private kinds = new Uint8Array(1);
  private lists: Array<number[] | undefined> = [];
  /** Per item, reused: atom a was found when stamp[a] === gen, in the fields mask[a]. */
  stamp = new Int32Array(0);
  mask = new Uint8Array(0);
  gen = 0;
  /** The atoms found in the current item. */
  readonly found: number[] = [];

  /** The fields any atom looks in (a bit mask): an item's other fields need not be read. */
  get fieldsUsed(): number {
    return this.fields.reduce((all, f) => all | f, 0);
  }

  /** The number of distinct atoms. */
  get size(): number {
    return this.segments.length;
  }

  /** The global id of an atom, added on first sight (before seal). */
  add(atom: Atom): number {
    let id = this.ids.get(atom.key);
    if (id === undefined) {
      id = this.segments.length;
      this.ids.set(atom.key, id);
      this.segments.push(atom.segments);
      this.fields.push(atom.fields);
      this.simple.push(atom.segments.length > 1 ? 0 : atom.segments[0]!.flex ? SIMPLE_PLURAL : SIMPLE);
      const first = atom.segments[0]!;
      let node = this.build!;
      for (let i = 0; i < first.text.length; i++) {
        const c = first.text.charCodeAt(i);
        let child = node.next.get(c);
        if (!child) node.next.set(c, (child = newNode()));
        node = child;
      }
      const kind =
        first.kind === WORD ? (first.prefix ? WORD_PREFIX : WORD_EXACT) : first.prefix ? JOIN_PREFIX : JOIN_EXACT;
      (node.lists[kind] ??= []).push(id);
    }
    return id;
  }

  /** Call once every atom is added: flattens the trie. */
  seal(): void {
    const order: BuildNode[] = [this.build!];
    for (let i = 0; i < order.length; i++) {
      order[i]!.id = i;
      for (const c of [...order[i]!.next.keys()].sort((a, b) => a - b)) order.push(order[i]!.next.get(c)!);
    }
    const n = order.length;
    this.sealRoot(order[0]!);
    this.edgeStart = new Int32Array(n + 1);
    this.edgeChar = new Uint16Array(n - 1);
    this.edgeTo = new Int32Array(n - 1);
    this.kinds = new Uint8Array(n);
    this.lists = new Array<number[] | undefined>(n * KINDS);
    let e = 0;
    for (const node of order) {
      this.edgeStart[node.id] = e;
      for (const c of [...node.next.keys()].sort((a, b) => a - b)) {
        this.edgeChar[e] = c;
        this.edgeTo[e++] = node.next.get(c)!.id;
      }
      node.lists.forEach((list, kind) => {
        if (!list) return;
        this.kinds[node.id]! |= 1 << kind;
        this.lists[node.id * KINDS + kind] = list;
      });
    }
    this.edgeStart[n] = e;
    this.build = null;
    this.stamp = new Int32Array(this.segments.length);
    this.mask = new Uint8Array(this.segments.length);
  }

  /** The root's children in rootPages/rootNext, once the nodes are numbered. */
  private sealRoot(root: BuildNode): void {
    const pages = new Int32Array(ROOT_PAGES);
    let used = 1;
    for (const c of root.next.keys()) if (pages[c >>> 8] === 0) pages[c >>> 8] = used++ * ROOT_PAGE;
    const next = new Int32Array(used * ROOT_PAGE).fill(-1);
    for (const [c, child] of root.next) next[pages[c >>> 8]! + (c & 0xff)] = child.id;
    this.rootPages = pages;
    this.rootNext = next;
  }

  /** The child of node u by character c, or -1. */
  private child(u: number, c: number): number {
    if (u === 0) return this.rootNext[this.rootPages[c >>> 8]! + (c & 0xff)]!;
    let lo = this.edgeStart[u]!;
    let hi = this.edgeStart[u + 1]! - 1;
    const chars = this.edgeChar;
    if (hi - lo < 8) {
      for (; lo <= hi; lo++) if (chars[lo] === c) return this.edgeTo[lo]!;
      return -1;
    }
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const m = chars[mid]!;
      if (m === c) return this.edgeTo[mid]!;
      if (m < c) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Start a new item: forget what was found. */
  begin(): void {
    if (++this.gen === 0x7fffffff) {
      this.stamp.fill(0);
      this.gen = 1;
    }
    this.found.length = 0;
  }

  private has(u: number, kind: number): boolean {
    return (this.kinds[u]! & (1 << kind)) !== 0;
  }

  /** Find every atom occurring in one field of the item. */
  scan(stream: Stream): void {
    const { tokens, field } = stream;
    const n = tokens.length;
    for (let p = 0; p < n; p++) {
      const t = tokens[p]!;
      const len = t.length;
      // Walk word p; remember the nodes at depths len-1, len-2, len-3 (for plural forms).
      let u = 0;
      let n1 = -1;
      let n2 = -1;
      let n3 = -1;
      let i = 0;
      for (; i < len; i++) {
        if (i === len - 3) n3 = u;
        else if (i === len - 2) n2 = u;
        else if (i === len - 1) n1 = u;
        u = this.child(u, t.charCodeAt(i));
        if (u < 0) break;
        if (this.kinds[u] === 0) continue;
        if (this.has(u, WORD_PREFIX)) this.check(this.lists[u * KINDS + WORD_PREFIX]!, tokens, p, field);
        if (this.has(u, JOIN_PREFIX)) this.check(this.lists[u * KINDS + JOIN_PREFIX]!, tokens, p, field);
      }
      if (u >= 0) {
        if (this.has(u, WORD_EXACT)) this.check(this.lists[u * KINDS + WORD_EXACT]!, tokens, p, field);
        if (this.has(u, JOIN_EXACT)) this.check(this.lists[u * KINDS + JOIN_EXACT]!, tokens, p, field);
        if (this.edgeStart[u + 1]! > this.edgeStart[u]!) this.joinOn(u, tokens, p, field);
      }
      if (t.charCodeAt(len - 1) === 115 /* s */) this.plurals(t, n1, n2, n3, tokens, p, field);
    }
  }

  /** Exact words that t may be the plural of: t minus s, minus es, or ies -> y. */
  private plurals(t: string, n1: number, n2: number, n3: number, tokens: string[], p: number, field: number): void {
    const len = t.length;
    if (n1 >= 0 && this.has(n1, WORD_EXACT))
      this.check(this.lists[n1 * KINDS + WORD_EXACT]!, tokens, p, field, SIMPLE_PLURAL);
    if (len < 3 || t.charCodeAt(len - 2) !== 101 /* e */) return;
    if (n2 >= 0 && this.has(n2, WORD_EXACT))
      this.check(this.lists[n2 * KINDS + WORD_EXACT]!, tokens, p, field, SIMPLE_PLURAL);
    if (n3 < 0 || t.charCodeAt(len - 3) !== 105 /* i */) return;
    const y = this.child(n3, 121 /* y */);
    if (y >= 0 && this.has(y, WORD_EXACT))
      this.check(this.lists[y * KINDS + WORD_EXACT]!, tokens, p, field, SIMPLE_PLURAL);
  }

  /** Continue a joined walk from node u, which word p ended at, through the following words. */
  private joinOn(u: number, tokens: string[], p: number, field: number): void {
    for (let q = p + 1; q < tokens.length; q++) {
      const tok = tokens[q]!;
      for (let i = 0; i < tok.length; i++) {
        u = this.child(u, tok.charCodeAt(i));
        if (u < 0) return;
        if (this.has(u, JOIN_PREFIX)) this.check(this.lists[u * KINDS + JOIN_PREFIX]!, tokens, p, field);
      }
      if (this.has(u, JOIN_EXACT)) this.check(this.lists[u * KINDS + JOIN_EXACT]!, tokens, p, field);
      if (this.edgeStart[u + 1]! === this.edgeStart[u]!) return;
    }
  }

  /**
   * Record the atoms found at word p, verifying those the walk does not prove: `proven` is the least
   * simplicity (SIMPLE, or SIMPLE_PLURAL when the word was looked up as a plural) that needs no verification.
   */
  private check(atoms: number[], tokens: string[], p: number, field: number, proven = SIMPLE): void {
    const gen = this.gen;
    for (let k = 0; k < atoms.length; k++) {
      const a = atoms[k]!;
      if ((this.fields[a]! & field) === 0) continue;
      const seen = this.stamp[a] === gen;
      if (seen && this.mask[a]! & field) continue;
      if (this.simple[a]! < proven && !matchSegmentsAt(this.segments[a]!, tokens, p)) continue;
      if (seen) {
        this.mask[a] = this.mask[a]! | field;
      } else {
        this.stamp[a] = gen;
        this.mask[a] = field;
        this.found.push(a);
      }
    }
  }
}
