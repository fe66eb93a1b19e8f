/**
 * `/alerts`: the latest alerts, where each went and when, whether it is sent, and a link to the posted message where
 * the platform gives one (a Discord server's message needs the server, known from the subscription's scope).
 */
import { feedText, html, safeHref } from './html.js';
import { time } from './layout.js';
import { messageLink } from './message-link.js';
import { destinationLabel } from './viewer.js';
import { visibleEntries } from './visible.js';
import type { PageContext, PageResult } from './page.js';

const SHOW = 100;

export async function alertsPage({ deps, session }: PageContext): Promise<PageResult> {
  const entries = visibleEntries(deps, session.viewer, await deps.history()).sort((a, b) =>
    b.alert.createdAt.localeCompare(a.alert.createdAt),
  );
  const shown = entries.slice(0, SHOW);
  const body = html`<p class="muted">
      Alerts of the last 7 days${entries.length > SHOW ? `, the latest ${SHOW} of ${entries.length}` : ''}.
    </p>
    ${
      shown.length === 0
        ? html`<p>No alerts yet.</p>`
        : html`<table>
            <thead>
              <tr>
                <th scope="col">Made</th>
                <th scope="col">Item</th>
                <th scope="col">Feed</th>
                <th scope="col">Sent to</th>
                <th scope="col">State</th>
              </tr>
            </thead>
            <tbody>
              ${shown.map((e) => {
                const link = safeHref(messageLink(e, deps.subscriptions.get(e.alert.subscriptionId)?.scope));
                return html`<tr>
                  <td>${time(e.alert.createdAt)}</td>
                  <td>
                    ${safeHref(e.alert.item.link) ? html`<a href="${safeHref(e.alert.item.link)}" rel="noreferrer noopener">${feedText(e.alert.item.title)}</a>` : feedText(e.alert.item.title)}
                    ${e.alert.matchedTerms.length > 0 ? html`<div class="hint">Matched: ${e.alert.matchedTerms.map((t, i) => html`${i > 0 ? ', ' : ''}<bdi dir="auto">${t}</bdi>`)}</div>` : ''}
                  </td>
                  <td><a href="/feeds/${encodeURIComponent(e.alert.feed.id)}">${feedText(e.alert.feed.title)}</a></td>
                  <td>
                    ${destinationLabel(e.alert.destination)}
                    <div class="hint">subscription <code>${e.alert.subscriptionId}</code></div>
                  </td>
                  <td>
                    ${e.status === 'done' ? html`<span class="badge ok">Sent</span>${link ? html` <a href="${link}" rel="noreferrer noopener">Open message</a>` : ''}` : html`<span class="badge pending">Waiting</span>${e.attempts > 0 ? html`<div class="hint" dir="auto">${e.attempts} tries; ${e.lastError ?? ''}</div>` : ''}`}
                  </td>
                </tr>`;
              })}
            </tbody>
          </table>`
    }`;
  return { title: 'Recent alerts', body };
}
