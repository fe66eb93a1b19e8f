/**
 * Taza's matching engine: the query language, normalization for English and Urdu, cross-script aliases,
 * explanations, and the compiled index over all subscriptions. Pure code: no platform, no I/O (except
 * loadAliases, which reads the self-hoster's alias file).
 */
export { parseQuery, MAX_QUERY_CHARS } from './compile.js';
export type { CompiledQuery, QueryParseResult } from './compile.js';
export { matchQuery, matchPrepared } from './evaluate.js';
export { prepareItem } from './item.js';
export type { MatchInput, MatchResult, PreparedItem } from './item.js';
export { MatchIndex } from './engine.js';
export { AliasTable, aliasVariants, loadAliases, shippedAliases, useAliases } from './alias-table.js';
export { normalizeText } from './normalize.js';
export { tokenize } from './words.js';
export { describeQuery } from './describe.js';
