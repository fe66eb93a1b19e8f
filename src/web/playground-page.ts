/**
 * `/playground`: a feed (one of the viewer's, or any URL, preset or news: search) and a query; which current items
 * match, with the matched terms marked, why the others do not, and each alert as Discord and Telegram would show
 * it. Nothing is saved. Matching is /preview's: the one evaluation (src/pipeline/evaluate-item.ts) via matchItems.
 */
import type { FeedRecord, Subscription } from '../core/records.js';
import { buildAlert } from '../pipeline/alert.js';
import { UserError } from '../replies/errors.js';
import { toPlainText } from '../replies/markup.js';
import { compileQuery } from '../subscriptions/query.js';
import { resolveFeedSource } from '../subscriptions/feed-source.js';
import { loadFeed, type LoadedFeed } from '../subscriptions/load-feed.js';
import { matchItems, type ItemMatch } from '../subscriptions/item-matches.js';
import { describeQuery } from '../matcher/index.js';
import { highlight } from './highlight.js';
import { feedText, html, safeHref, type Html } from './html.js';
import { alertPreviews } from './previews.js';
import { feedTitle, visibleFeed, visibleFeeds } from './visible.js';
import type { PageContext, PageResult } from './page.js';

const SHOW_MATCHES = 10;
const SHOW_MISSES = 10;

export async function playgroundPage({ deps, session, url }: PageContext): Promise<PageResult> {
  const { viewer } = session;
  const feedId = url.searchParams.get('feed') ?? '';
  const typed = url.searchParams.get('url')?.trim() ?? '';
  const query = url.searchParams.get('q') ?? '';
  const feeds = visibleFeeds(deps, viewer);
  const form = html`<form method="get" action="/playground">
    <label for="pg-feed">One of the feeds</label>
    <select id="pg-feed" name="feed">
      <option value="">(none: use the address below)</option>
      ${feeds.map((f) => html`<option value="${f.id}" ${f.id === feedId ? html` selected` : ''}>${feedTitle(f)}</option>`)}
    </select>
    <label for="pg-url">Or a feed address</label>
    <input type="text" id="pg-url" name="url" value="${typed}" aria-describedby="pg-url-hint" />
    <p class="hint" id="pg-url-hint">
      A feed or site URL, a preset such as bbc-urdu, or news:&lt;search&gt;. Used when no feed is picked above.
    </p>
    <label for="pg-q">Keywords</label>
    <input type="text" id="pg-q" name="q" dir="auto" value="${query}" aria-describedby="pg-q-hint" />
    <p class="hint" id="pg-q-hint">As in /subscribe: bitcoin, "crypto council", title:etf, -scam. Empty: every item.</p>
    <p><button type="submit">Try it</button></p>
  </form>`;
  if (!feedId && !typed) return { title: 'Playground', body: form };
  let results: Html;
  try {
    results = await evaluate(deps, feedId ? visibleFeed(deps, viewer, feedId) : undefined, feedId, typed, query);
  } catch (error) {
    if (!(error instanceof UserError)) throw error;
    results = html`<p class="flash failing" role="alert" dir="auto">✗ ${toPlainText(error.message)}</p>`;
  }
  return {
    title: 'Playground',
    body: html`${form}
      <section aria-labelledby="results-h" id="results">
        <h2 id="results-h">Results</h2>
        ${results}
      </section>`,
  };
}

async function evaluate(
  deps: PageContext['deps'],
  picked: FeedRecord | undefined,
  feedId: string,
  typed: string,
  query: string,
): Promise<Html> {
  const { services } = deps.commands;
  if (feedId && !picked) throw new UserError('There is no such feed among yours.');
  const compiled = compileQuery(query);
  const source = picked ? picked.url : resolveFeedSource(typed, services.presets).url;
  const loaded = await loadFeed(services, source);
  const matches = matchItems(services, loaded, compiled);
  const hits = matches.filter((m) => m.evaluation.matched);
  const misses = matches.filter((m) => !m.evaluation.matched);
  const feedRecord = picked ?? deps.feeds.findByUrl(loaded.url);
  return html`<p>${feedText(loaded.parsed.title || loaded.url)} · <bdi>${loaded.url}</bdi></p>
    <p>Keywords: <bdi dir="auto">${describeQuery(compiled)}</bdi></p>
    <p>
      <strong
        >${hits.length} of ${matches.length} current item${matches.length === 1 ? '' : 's'}
        ${hits.length === 1 ? 'matches' : 'match'}.</strong
      >
    </p>
    ${hits.slice(0, SHOW_MATCHES).map((m, i) => hitBlock(m, loaded, feedRecord, i === 0, deps.now()))}
    ${hits.length > SHOW_MATCHES ? html`<p>…and ${hits.length - SHOW_MATCHES} more.</p>` : ''}
    ${
      misses.length > 0
        ? html`<h3>Items that do not match, and why</h3>
            ${misses.slice(0, SHOW_MISSES).map(
              (m) =>
                html`<div class="item miss">
                  <div dir="auto"><strong>${feedText(m.item.title)}</strong></div>
                  <p class="hint" dir="auto">${m.evaluation.explanation || 'no keyword found'}</p>
                </div>`,
            )}${misses.length > SHOW_MISSES ? html`<p>…and ${misses.length - SHOW_MISSES} more.</p>` : ''}`
        : ''
    }`;
}

function hitBlock(match: ItemMatch, loaded: LoadedFeed, feed: FeedRecord | undefined, open: boolean, now: Date): Html {
  const { item, evaluation } = match;
  const preview: Subscription = {
    id: 'preview',
    feedId: feed?.id ?? 'preview',
    query: '',
    destination: { platform: 'console', id: '' },
    scope: 'preview',
    source: 'command',
    createdAt: now.toISOString(),
  };
  const record: FeedRecord = feed ?? {
    id: 'preview',
    url: loaded.url,
    failures: 0,
    nextCheckAt: now.toISOString(),
    baselineTaken: false,
    createdAt: now.toISOString(),
  };
  const alert = buildAlert({
    subscription: preview,
    feed: record,
    parsed: loaded.parsed,
    item,
    evaluation,
    firstSeenAt: now.toISOString(),
    now,
    // The playground belongs to no server or chat.
    scopeTemplate: undefined,
  });
  const lines = evaluation.summary.text.split('\n').filter(Boolean);
  return html`<article class="item match">
<h3 dir="auto">${highlight(item.title || '(no title)', evaluation.terms)}</h3>
${
  safeHref(item.link)
    ? html`<p>
        <a href="${safeHref(item.link)}" rel="noreferrer noopener"><bdi>${item.link}</bdi></a>
      </p>`
    : ''
}
<p>Matched: ${evaluation.terms.map((t, i) => html`${i > 0 ? ', ' : ''}<mark><bdi dir="auto">${t}</bdi></mark>`)}${evaluation.explanation ? html` <span class="hint">(<bdi dir="auto">${evaluation.explanation}</bdi>)</span>` : ''}</p>
${lines.length > 0 ? html`<blockquote>${lines.map((line) => html`<p dir="auto" lang="${evaluation.summary.lang ?? ''}">${highlight(line, evaluation.terms)}</p>`)}</blockquote>` : ''}
<details${open ? html` open` : ''}><summary>The alert as Discord and Telegram show it</summary>${alertPreviews(alert)}</details>
</article>`;
}
