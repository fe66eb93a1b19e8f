/**
 * A server's or chat's default template: the text of every alert whose subscription has no template of its own.
 * Kept in the store's `scopes` namespace, so every instance reads the same; checked exactly as a subscription's.
 */
import type { Platform } from '../core/destination.js';
import { scopeTemplate } from '../pipeline/alert.js';
import type { Store } from '../store/open.js';
import { readStyle } from './alert-style.js';

/** Typed to clear it, besides `none`, the word that clears a subscription's. */
const OFF = 'off';

/** The scope's default template, or undefined. */
export function readScopeTemplate(store: Pick<Store, 'scopes'>, scope: string): Promise<string | undefined> {
  return scopeTemplate(store, { scope });
}

/**
 * Sets (or, with `off`/`none`, clears) the scope's default template; answers what is now set. A template that does
 * not work throws the UserError a subscription's would.
 */
export async function changeScopeTemplate(
  services: { pipeline: { store: Pick<Store, 'scopes'> }; logger: { info(o: object, m: string): void } },
  target: { scope: string; platform: Platform },
  typed: string,
): Promise<string | undefined> {
  const text = typed.trim().toLowerCase() === OFF ? 'none' : typed;
  const template = readStyle({ template: text }, { platform: target.platform }).template ?? undefined;
  const { store } = services.pipeline;
  if (template === undefined) await store.scopes.delete(target.scope);
  else await store.scopes.set(target.scope, { template });
  services.logger.info(
    { event: 'scope.template', scope: target.scope, cleared: template === undefined },
    'default template changed by command',
  );
  return template;
}
