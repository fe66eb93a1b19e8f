/** How Taza reads a query, for the subscribe and preview commands. */
import { internals, type CompiledQuery, type QueryInternals, type Term } from './compile.js';
import { describeNode } from './compile.js';

function termWithAliases(term: Term): string {
  const others = term.variantLabels.slice(1);
  return others.length ? `${term.display} (also ${others.join(', ')})` : term.display;
}

/**
 * The query as Taza understands it, e.g. `bitcoin (also بٹ کوائن) OR crypto council (also کرپٹو کونسل);
 * excluding etf`. An empty query reads 'everything'.
 */
export function describeQuery(query: CompiledQuery): string {
  const q: QueryInternals = internals(query);
  const withAliases = q.terms.map((t) => ({ ...t, display: termWithAliases(t) }));
  const parts: string[] = [];
  if (q.positive) {
    const alts = q.positive.k === 'or' ? q.positive.c : [q.positive];
    parts.push(alts.map((n) => describeNode(withAliases, n)).join(' OR '));
  } else {
    parts.push(q.exclusions.length ? 'everything' : 'everything (empty query)');
  }
  if (q.exclusions.length) parts.push(`excluding ${q.exclusions.map((e) => describeNode(q.terms, e.c)).join(', ')}`);
  return parts.join('; ');
}
