/** The keywords as a person typed them, compiled, or a refusal that says why they cannot be read. */
import { code } from '../replies/markup.js';
import { UserError } from '../replies/errors.js';
import { parseQuery, type CompiledQuery } from '../matcher/index.js';

export function compileQuery(query: string): CompiledQuery {
  const parsed = parseQuery(query);
  if (!parsed.ok) throw new UserError(`The keywords ${code(query)} cannot be read: ${parsed.error}.`);
  return parsed.query;
}
