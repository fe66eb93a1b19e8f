/** Alias tables: groups of equivalent terms, looked up by the canonical key of a term's pattern. */
import { readFileSync } from 'node:fs';
import { SHIPPED_ALIASES } from './aliases.js';
import { tokenize } from './words.js';
import { segmentsKey, segmentsOf, type Segment } from './pattern.js';

export interface AliasVariant {
  /** As written in the alias table, e.g. 'بٹ کوائن'. */
  label: string;
  segments: Segment[];
  key: string;
}

/** Patterns of a plain phrase (no prefix, not quoted), or undefined when it has no words. */
function phraseVariant(label: string): AliasVariant | undefined {
  const tokens = tokenize(label);
  if (tokens.length === 0) return undefined;
  const segments = segmentsOf(
    tokens.map((token) => ({ token, prefix: false })),
    false,
  );
  return { label: label.trim().replace(/\s+/g, ' '), segments, key: segmentsKey(segments) };
}

export class AliasTable {
  /** The merged groups, each as written. */
  readonly groups: ReadonlyArray<readonly string[]>;
  private readonly byKey = new Map<string, AliasVariant[]>();

  /** Groups that share a term (after normalization) are merged into one. */
  constructor(groups: Iterable<readonly string[]>) {
    const parent: number[] = [];
    const find = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
      return i;
    };
    const variants: AliasVariant[][] = [];
    const owner = new Map<string, number>();
    for (const group of groups) {
      const g = variants.length;
      parent.push(g);
      const list: AliasVariant[] = [];
      for (const label of group) {
        const v = phraseVariant(label);
        if (!v) throw new Error(`alias "${label}" has no letters or digits`);
        list.push(v);
        const other = owner.get(v.key);
        if (other === undefined) owner.set(v.key, g);
        else parent[find(g)] = find(other);
      }
      variants.push(list);
    }
    const merged = new Map<number, AliasVariant[]>();
    variants.forEach((list, g) => {
      const root = find(g);
      const into = merged.get(root) ?? [];
      for (const v of list) if (!into.some((u) => u.key === v.key)) into.push(v);
      merged.set(root, into);
    });
    const out: string[][] = [];
    for (const list of merged.values()) {
      if (list.length < 2) continue;
      out.push(list.map((v) => v.label));
      for (const v of list) this.byKey.set(v.key, list);
    }
    this.groups = out;
  }

  /** The group of a term (every member, the term itself included), by its pattern key. */
  lookup(key: string): readonly AliasVariant[] | undefined {
    return this.byKey.get(key);
  }

  /** This table with more groups merged in. */
  with(groups: Iterable<readonly string[]>): AliasTable {
    return new AliasTable([...this.groups, ...groups]);
  }
}

let shipped: AliasTable | undefined;
let configured: AliasTable | undefined;

/** The table shipped with Taza (src/matcher/aliases.ts). */
export function shippedAliases(): AliasTable {
  return (shipped ??= new AliasTable(SHIPPED_ALIASES));
}

/** The table queries are compiled with: the shipped one, or what useAliases() set at start (ALIASES_FILE). */
export function activeAliases(): AliasTable {
  return configured ?? shippedAliases();
}

/** Makes `table` the one every later parseQuery uses (called once at start with the self-hoster's file). */
export function useAliases(table: AliasTable): void {
  configured = table;
}

/** The other spellings of a term in its alias group ('crypto council' → ['کرپٹو کونسل']), for finding it in text. */
export function aliasVariants(term: string, table: AliasTable = activeAliases()): string[] {
  const variant = phraseVariant(term);
  if (!variant) return [];
  return (table.lookup(variant.key) ?? []).filter((v) => v.key !== variant.key).map((v) => v.label);
}

/**
 * Read a self-hoster's alias file and merge it with the shipped table. Two formats:
 * - `.json`: an array of groups (`[["bitcoin", "بٹ کوائن"], …]`) or `{ "aliases": [...] }`;
 * - anything else: one group per line, terms separated by `,` `،` or `=`; `#` starts a comment.
 * Throws an Error naming the file and line when the file cannot be read or a group is malformed.
 */
export function loadAliases(path: string): AliasTable {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read alias file ${path}: ${(error as Error).message}`);
  }
  const groups = /\.json$/i.test(path) ? jsonGroups(path, text) : lineGroups(path, text);
  try {
    return shippedAliases().with(groups);
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}`);
  }
}

function jsonGroups(path: string, text: string): string[][] {
  let data: unknown;
  try {
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new Error(`${path}: not valid JSON: ${(error as Error).message}`);
  }
  const list = Array.isArray(data) ? data : (data as { aliases?: unknown } | null)?.aliases;
  if (!Array.isArray(list)) throw new Error(`${path}: expected an array of groups, like [["bitcoin", "بٹ کوائن"]]`);
  return list.map((group, i) => {
    if (!Array.isArray(group) || group.length < 2 || !group.every((t) => typeof t === 'string' && t.trim())) {
      throw new Error(`${path}: group ${i + 1} must be an array of at least two non-empty strings`);
    }
    return group as string[];
  });
}

function lineGroups(path: string, text: string): string[][] {
  const groups: string[][] = [];
  text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .forEach((raw, i) => {
      const line = raw.replace(/#.*$/, '').trim();
      if (!line) return;
      const terms = line
        .split(/[,،=]/)
        .map((t) => t.trim())
        .filter(Boolean);
      if (terms.length < 2)
        throw new Error(`${path}: line ${i + 1}: a group needs at least two terms separated by commas`);
      for (const term of terms) {
        if (tokenize(term).length === 0) throw new Error(`${path}: line ${i + 1}: "${term}" has no letters or digits`);
      }
      groups.push(terms);
    });
  return groups;
}
