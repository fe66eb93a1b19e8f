/** `/feeds/:id`: the feed's state, its last checks, errors, next check, items seen, and the subscriptions using it. */
import { html, safeHref } from './html.js';
import { time } from './layout.js';
import { destinationLabel } from './viewer.js';
import { feedHealth, feedTitle, HEALTH_LABEL, visibleFeed } from './visible.js';
import { sees } from './viewer.js';
import { notFound, type PageContext, type PageResult } from './page.js';

export async function feedPage({ deps, session, params }: PageContext): Promise<PageResult> {
  const feed = visibleFeed(deps, session.viewer, params.id ?? '');
  if (!feed) return notFound('There is no such feed among yours.');
  const health = feedHealth(feed);
  const subscriptions = deps.subscriptions.byFeed(feed.id).filter((s) => sees(session.viewer, s));
  const checks = deps.checks.recent(feed.id);
  const seen = await deps.seenCount(feed.id);
  const body = html` <table>
      <tbody>
        ${
          feed.language
            ? html`<tr>
                <th scope="row">Language</th>
                <td>${feed.language}</td>
              </tr>`
            : ''
        }
        <tr>
          <th scope="row">Address</th>
          <td><bdi>${feed.url}</bdi></td>
        </tr>
        ${
          safeHref(feed.link)
            ? html`<tr>
                <th scope="row">Site</th>
                <td>
                  <a href="${safeHref(feed.link)}" rel="noreferrer noopener"><bdi>${feed.link}</bdi></a>
                </td>
              </tr>`
            : ''
        }
        <tr>
          <th scope="row">Health</th>
          <td>
            <span class="badge ${health.state === 'new' ? 'pending' : health.state}">${HEALTH_LABEL[health.state]}</span
            >${health.reason ? html` <span dir="auto">${health.reason}</span>` : ''}
          </td>
        </tr>
        <tr>
          <th scope="row">Last check</th>
          <td>${time(feed.lastCheckAt)}</td>
        </tr>
        <tr>
          <th scope="row">Last success</th>
          <td>${time(feed.lastSuccessAt)}</td>
        </tr>
        <tr>
          <th scope="row">Next check</th>
          <td>
            ${feed.disabled ? 'none: the feed is disabled (subscribing again re-enables it)' : time(feed.nextCheckAt)}
          </td>
        </tr>
        <tr>
          <th scope="row">Failures in a row</th>
          <td>${feed.failures}</td>
        </tr>
        <tr>
          <th scope="row">Last error</th>
          <td>
            ${feed.lastError ? html`<span dir="auto">${feed.lastError.message}</span> (${feed.lastError.kind}${feed.lastError.status ? `, HTTP ${feed.lastError.status}` : ''}, ${time(feed.lastError.at)})` : html`<span class="muted">none</span>`}
          </td>
        </tr>
        <tr>
          <th scope="row">Items seen</th>
          <td>${seen}</td>
        </tr>
      </tbody>
    </table>

    <h2>Last checks</h2>
    ${
      checks.length === 0
        ? html`<p class="muted">No check since Taza started.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Outcome</th>
                <th scope="col">Took</th>
              </tr>
            </thead>
            <tbody>
              ${checks.map(
                (c) =>
                  html`<tr>
                    <td>${time(c.at)}</td>
                    <td>${c.outcome}${c.error ? html`: <span dir="auto">${c.error}</span>` : ''}</td>
                    <td>${c.durationMs} ms</td>
                  </tr>`,
              )}
            </tbody>
          </table>`
    }

    <h2>Subscriptions using it</h2>
    ${
      subscriptions.length === 0
        ? html`<p class="muted">None${session.viewer.kind === 'scope' ? ' of yours' : ''}.</p>`
        : html`<ul>
            ${subscriptions.map(
              (s) =>
                html`<li>
                  <a href="/subscriptions#sub-${s.id}"><code>${s.id}</code></a
                  >: <bdi dir="auto">${s.query || '(every item)'}</bdi> →
                  ${destinationLabel(s.destination)}${s.paused ? ' (paused)' : ''}
                </li>`,
            )}
          </ul>`
    }
    <p><a href="/playground?feed=${encodeURIComponent(feed.id)}">Try keywords on this feed</a></p>`;
  return { title: feedTitle(feed), body };
}
