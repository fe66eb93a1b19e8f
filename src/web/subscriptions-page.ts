/**
 * `/subscriptions`: list, filter, create, edit, pause, resume and delete. Every change runs the chat command of
 * the same name (see ../commands.ts), so the dashboard refuses and words things exactly as /subscribe, /edit,
 * /pause, /resume and /unsubscribe do.
 */
import type { CommandTarget } from '../chat/definition.js';
import { formatDestination, parseDestination, type Destination } from '../core/destination.js';
import type { Subscription } from '../core/records.js';
import { replyHtml, runWebCommand, webTarget } from './commands.js';
import { escapeText, feedText, html, type Html } from './html.js';
import { csrfField, time } from './layout.js';
import type { Session } from './sessions.js';
import { destinationLabel, type Viewer } from './viewer.js';
import { feedTitle, visibleFeeds, visibleSubscriptions } from './visible.js';
import type { PageContext, PageResult } from './page.js';
import type { DashboardDeps } from './deps.js';

type StateFilter = 'all' | 'active' | 'paused';

export function subscriptionsPage({ deps, session, url }: PageContext): PageResult {
  const { viewer } = session;
  const text = url.searchParams.get('q')?.trim().toLowerCase() ?? '';
  const state = (
    ['active', 'paused'].includes(url.searchParams.get('state') ?? '') ? url.searchParams.get('state') : 'all'
  ) as StateFilter;
  const feedFilter = url.searchParams.get('feed') ?? '';
  const all = visibleSubscriptions(deps, viewer);
  const shown = all.filter((s) => {
    if (state === 'active' && s.paused) return false;
    if (state === 'paused' && !s.paused) return false;
    if (feedFilter && s.feedId !== feedFilter) return false;
    if (!text) return true;
    const feed = deps.feeds.get(s.feedId);
    return [s.id, s.query, feedTitle(feed), feed?.url ?? '', formatDestination(s.destination)].some((v) =>
      v.toLowerCase().includes(text),
    );
  });
  const feeds = visibleFeeds(deps, viewer);
  const body = html` <section aria-labelledby="filter-h">
      <h2 id="filter-h">Filter</h2>
      <form method="get" action="/subscriptions" class="filters" role="search">
        <div class="wide">
          <label for="filter-q">Search</label
          ><input
            type="text"
            id="filter-q"
            name="q"
            value="${url.searchParams.get('q') ?? ''}"
            placeholder="id, keywords, feed or destination"
          />
        </div>
        <div>
          <label for="filter-state">State</label
          ><select id="filter-state" name="state">
            ${(['all', 'active', 'paused'] as const).map((s) => html`<option value="${s}" ${s === state ? html` selected` : ''}>${s === 'all' ? 'All' : s === 'active' ? 'Active' : 'Paused'}</option>`)}
          </select>
        </div>
        <div>
          <label for="filter-feed">From feed</label
          ><select id="filter-feed" name="feed">
            <option value="">All feeds</option>
            ${feeds.map((f) => html`<option value="${f.id}" ${f.id === feedFilter ? html` selected` : ''}>${feedTitle(f)}</option>`)}
          </select>
        </div>
        <div><button type="submit">Filter</button></div>
      </form>
    </section>

    <section aria-labelledby="list-h">
      <h2 id="list-h">
        ${shown.length === all.length ? `${all.length} subscription${all.length === 1 ? '' : 's'}` : `${shown.length} of ${all.length} subscriptions`}
      </h2>
      ${shown.length === 0 ? html`<p>No subscriptions${all.length > 0 ? ' match the filter' : ' yet: add one below'}.</p>` : subscriptionTable(deps, session, shown)}
    </section>

    <section aria-labelledby="new-h">
      <h2 id="new-h">New subscription</h2>
      ${createForm(deps, session)}
    </section>`;
  return { title: 'Subscriptions', body };
}

function subscriptionTable(deps: DashboardDeps, session: Session, subscriptions: Subscription[]): Html {
  return html`<table>
    <thead>
      <tr>
        <th scope="col">Id</th>
        <th scope="col">Feed</th>
        <th scope="col">Keywords</th>
        <th scope="col">Posts to</th>
        <th scope="col">State</th>
        <th scope="col">Last alert</th>
        <th scope="col">Actions</th>
      </tr>
    </thead>
    <tbody>
      ${subscriptions.map((s) => {
        const feed = deps.feeds.get(s.feedId);
        const action = (what: string, label: string, cls = 'secondary') =>
          html`<form class="inline" method="post" action="/subscriptions/${encodeURIComponent(s.id)}/${what}">
            ${csrfField(session)}<button type="submit" class="${cls}" aria-label="${label} ${s.id}">${label}</button>
          </form>`;
        return html`<tr id="sub-${s.id}">
          <td><code>${s.id}</code></td>
          <td><a href="/feeds/${encodeURIComponent(s.feedId)}">${feedText(feedTitle(feed))}</a></td>
          <td><bdi dir="auto">${s.query || '(every item)'}</bdi></td>
          <td>${destinationLabel(s.destination)}</td>
          <td>
            ${
              s.paused
                ? html`<span class="badge paused">Paused</span>
                    <div class="hint" dir="auto">${s.paused.reason}</div>`
                : html`<span class="badge ok">Active</span>`
            }
          </td>
          <td>${time(s.lastAlertAt, 'none yet')}</td>
          <td>
            <div class="row">
              ${s.paused ? action('resume', 'Resume') : action('pause', 'Pause')}
              ${action('delete', 'Delete', 'danger')}
              <a href="/playground?feed=${encodeURIComponent(s.feedId)}&amp;q=${encodeURIComponent(s.query)}">Try</a>
            </div>
            <details>
              <summary>Edit keywords</summary>
              <form method="post" action="/subscriptions/${encodeURIComponent(s.id)}/edit">
                ${csrfField(session)}
                <label for="kw-${s.id}">New keywords for ${s.id}</label>
                <input type="text" id="kw-${s.id}" name="keywords" dir="auto" value="${s.query}" required />
                <p><button type="submit">Save keywords</button></p>
              </form>
            </details>
          </td>
        </tr>`;
      })}
    </tbody>
  </table>`;
}

/** Where a scoped admin may send alerts: where /dashboard was asked, and where the scope already posts. */
export function allowedDestinations(deps: DashboardDeps, viewer: Extract<Viewer, { kind: 'scope' }>): Destination[] {
  const all = [viewer.destination, ...visibleSubscriptions(deps, viewer).map((s) => s.destination)];
  const seen = new Set<string>();
  return all.filter((d) => {
    const key = formatDestination(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function createForm(deps: DashboardDeps, session: Session): Html {
  const { viewer } = session;
  const feeds = visibleFeeds(deps, viewer);
  const where =
    viewer.kind === 'scope'
      ? html`<label for="new-destination">Post alerts to</label>
          <select id="new-destination" name="destination">
            ${allowedDestinations(deps, viewer).map((d) => html`<option value="${formatDestination(d)}">${destinationLabel(d)}</option>`)}
          </select>`
      : html`<label for="new-destination">Post alerts to</label>
          <input
            type="text"
            id="new-destination"
            name="destination"
            required
            placeholder="discord:123456789012345678 or telegram:-1001234567890"
            aria-describedby="new-destination-hint"
          />
          <p class="hint" id="new-destination-hint">
            A Discord channel id or a Telegram chat id, as in the subscriptions file.
          </p>
          <label for="new-scope">Server or chat it belongs to</label>
          <input type="text" id="new-scope" name="scope" aria-describedby="new-scope-hint" />
          <p class="hint" id="new-scope-hint">
            The Discord server id (needed for a new Discord channel); a Telegram chat belongs to itself.
          </p>`;
  return html`<form method="post" action="/subscriptions">
    ${csrfField(session)}
    <label for="new-feed">Feed</label>
    <input type="text" id="new-feed" name="feed" required list="known-feeds" aria-describedby="new-feed-hint" />
    <datalist id="known-feeds">
      ${deps.commands.services.presets.map((p) => html`<option value="${p.key}">${p.name}</option>`)}${feeds.map((f) => html`<option value="${f.url}">${feedTitle(f)}</option>`)}
    </datalist>
    <p class="hint" id="new-feed-hint">A feed URL, a site URL, a preset such as bbc-urdu, or news:&lt;search&gt;.</p>
    <label for="new-keywords">Keywords</label>
    <input type="text" id="new-keywords" name="keywords" dir="auto" required aria-describedby="new-keywords-hint" />
    <p class="hint" id="new-keywords-hint">For example: bitcoin, crypto council, <bdi dir="rtl">بٹ کوائن</bdi> -etf</p>
    ${where}
    <p><button type="submit">Subscribe</button></p>
  </form>`;
}

function flash(session: Session, ok: boolean, markupHtml: string): PageResult {
  session.flash = { ok, html: markupHtml };
  return { redirect: '/subscriptions' };
}

function refuse(session: Session, message: string): PageResult {
  return flash(session, false, escapeText(`✗ ${message}`));
}

export async function createSubscription({ deps, session, form }: PageContext): Promise<PageResult> {
  const { viewer } = session;
  const parsed = parseDestination(form.get('destination') ?? '');
  if ('error' in parsed) return refuse(session, parsed.error);
  let target: CommandTarget;
  if (viewer.kind === 'scope') {
    const allowed = allowedDestinations(deps, viewer).some((d) => formatDestination(d) === formatDestination(parsed));
    if (!allowed) return refuse(session, `This session may post only where its server or chat already posts.`);
    target = webTarget(viewer, viewer.scope, parsed);
  } else {
    const scope = ownerScope(deps, parsed, form.get('scope')?.trim() ?? '');
    if ('error' in scope) return refuse(session, scope.error);
    target = webTarget(viewer, scope.scope, parsed);
  }
  const reply = await runWebCommand(
    deps,
    viewer,
    'subscribe',
    { feed: form.get('feed') ?? '', keywords: form.get('keywords') ?? '' },
    target,
  );
  return flash(session, reply.ok, replyHtml(reply));
}

/** The self-hoster names any destination: its scope is the one given, the one it already has, or the chat itself. */
function ownerScope(
  deps: DashboardDeps,
  destination: Destination,
  given: string,
): { scope: string } | { error: string } {
  if (given) return { scope: given };
  const existing = deps.subscriptions.byDestination(destination)[0];
  if (existing) return { scope: existing.scope };
  if (destination.platform === 'telegram') return { scope: destination.id };
  if (destination.platform === 'console') return { scope: 'file' };
  return { error: 'Give the id of the Discord server this channel is in (the "Server or chat" field).' };
}

/** pause / resume / delete / edit: the viewer's target, so a scoped session cannot act on another's subscription. */
export function subscriptionAction(command: 'pause' | 'resume' | 'unsubscribe' | 'edit') {
  return async ({ deps, session, params, form }: PageContext): Promise<PageResult> => {
    const { viewer } = session;
    const id = params.id ?? '';
    let target: CommandTarget;
    if (viewer.kind === 'scope') target = webTarget(viewer, viewer.scope, viewer.destination);
    else {
      const subscription = deps.subscriptions.get(id.trim().toLowerCase());
      target = subscription
        ? webTarget(viewer, subscription.scope, subscription.destination)
        : // No such id: the command says so; the self-hoster's "scope" is everything.
          {
            scope: '',
            destination: { platform: 'console', id: '' },
            label: 'any server or chat',
            destinationLabel: '',
          };
    }
    const values: Record<string, string> = { id };
    if (command === 'edit') values.keywords = form.get('keywords') ?? '';
    if (command === 'resume' && form.get('missed')) values.missed = form.get('missed') ?? '';
    const reply = await runWebCommand(deps, viewer, command, values, target);
    return flash(session, reply.ok, replyHtml(reply));
  };
}
