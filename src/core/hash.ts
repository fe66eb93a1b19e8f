import { createHash } from 'node:crypto';

/** A short, stable hex digest used for ids (feed ids, item keys, alert ids). */
export function shortHash(...parts: string[]): string {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest('hex').slice(0, 24);
}
