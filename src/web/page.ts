/** What a page handler gets and gives back. */
import { html, type Html } from './html.js';
import type { DashboardDeps } from './deps.js';
import type { Params } from './router.js';
import type { Session } from './sessions.js';

export interface PageContext {
  deps: DashboardDeps;
  session: Session;
  url: URL;
  params: Params;
  /** The posted form (POST routes; its CSRF token already checked). */
  form: URLSearchParams;
}

export type PageResult = { title: string; body: Html; status?: number } | { redirect: string };

export type PageHandler = (ctx: PageContext) => Promise<PageResult> | PageResult;

export function notFound(what: string): PageResult {
  return {
    title: 'Not found',
    status: 404,
    body: html`<p>${what}</p>
      <p><a href="/">Back to the overview</a></p>`,
  };
}
