/** `/`: feeds by health, alerts per hour over 7 days, the outbox, and each platform's connection. */
import { formatDestination } from '../core/destination.js';
import { alertsChart, hourlyCounts } from './chart.js';
import { feedText, html, trusted } from './html.js';
import { time } from './layout.js';
import { feedHealth, feedTitle, HEALTH_LABEL, visibleEntries, visibleFeeds } from './visible.js';
import type { PageContext, PageResult } from './page.js';

export async function overviewPage({ deps, session }: PageContext): Promise<PageResult> {
  const { viewer } = session;
  const now = deps.now();
  const entries = visibleEntries(deps, viewer, await deps.history());
  const sent = entries.filter((e) => e.status === 'done').map((e) => e.alert.createdAt);
  const pendingAll = [...deps.outbox.byDestination().values()].flat();
  const pending = visibleEntries(deps, viewer, pendingAll);
  const oldest = pending.reduce<string | undefined>(
    (min, e) => (!min || e.alert.createdAt < min ? e.alert.createdAt : min),
    undefined,
  );
  const feeds = visibleFeeds(deps, viewer).map((feed) => ({ feed, health: feedHealth(feed) }));
  const order = { failing: 0, disabled: 1, new: 2, ok: 3 };
  feeds.sort(
    (a, b) => order[a.health.state] - order[b.health.state] || feedTitle(a.feed).localeCompare(feedTitle(b.feed)),
  );
  const count = (state: keyof typeof order) => feeds.filter((f) => f.health.state === state).length;
  const platforms = Object.entries(deps.platforms()).filter(
    ([name]) => viewer.kind === 'owner' || name === viewer.platform,
  );

  const body = html` <section aria-labelledby="summary-h">
      <h2 id="summary-h">At a glance</h2>
      <div class="cards">
        <div class="card">
          <div class="big">${feeds.length}</div>
          feeds: ${count('ok')} OK, ${count('failing')} failing, ${count('disabled')} disabled
        </div>
        <div class="card">
          <div class="big">${sent.length}</div>
          alerts sent in the last 7 days
        </div>
        <div class="card">
          <div class="big">${pending.length}</div>
          alerts waiting in the outbox${oldest ? html`; oldest since ${time(oldest)}` : ''}
        </div>
        ${platforms.map(
          ([name, state]) =>
            html`<div class="card">
              <div class="big"><span class="badge ${state === 'connected' ? 'ok' : 'failing'}">${state}</span></div>
              ${name === 'discord' ? 'Discord' : name === 'telegram' ? 'Telegram' : name}
            </div>`,
        )}
      </div>
    </section>

    <section aria-labelledby="chart-h">
      <h2 id="chart-h">Alerts sent per hour</h2>
      <figure class="chart">
        ${trusted(alertsChart(hourlyCounts(sent, now), now))}
        <figcaption class="hint">Hours in UTC; each bar is one hour, by when the alert was made.</figcaption>
      </figure>
    </section>

    <section aria-labelledby="feeds-h">
      <h2 id="feeds-h">Feeds by health</h2>
      ${
        feeds.length === 0
          ? html`<p>No feeds yet. <a href="/subscriptions">Add a subscription</a>.</p>`
          : html`<table>
              <thead>
                <tr>
                  <th scope="col">Feed</th>
                  <th scope="col">Health</th>
                  <th scope="col">Last check</th>
                  <th scope="col">Next check</th>
                </tr>
              </thead>
              <tbody>
                ${feeds.map(
                  ({ feed, health }) =>
                    html`<tr>
                      <td>
                        <a href="/feeds/${encodeURIComponent(feed.id)}">${feedText(feedTitle(feed))}</a>
                        <div class="hint"><bdi>${feed.url}</bdi></div>
                      </td>
                      <td>
                        <span class="badge ${health.state === 'new' ? 'pending' : health.state}"
                          >${HEALTH_LABEL[health.state]}</span
                        >${health.reason ? html`<div class="hint" dir="auto">${health.reason}</div>` : ''}
                      </td>
                      <td>${time(feed.lastCheckAt)}</td>
                      <td>${feed.disabled ? html`<span class="muted">not checked</span>` : time(feed.nextCheckAt)}</td>
                    </tr>`,
                )}
              </tbody>
            </table>`
      }
    </section>
    ${
      pending.length > 0
        ? html`<section aria-labelledby="outbox-h">
            <h2 id="outbox-h">Waiting by destination</h2>
            <ul>
              ${[...new Set(pending.map((e) => formatDestination(e.alert.destination)))].map((d) => html`<li><code>${d}</code>: ${pending.filter((e) => formatDestination(e.alert.destination) === d).length}</li>`)}
            </ul>
          </section>`
        : ''
    }`;
  return { title: 'Overview', body };
}
