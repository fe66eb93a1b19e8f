/** `/login`: the token form, and the page a login link opens (one click, so a link preview cannot spend it). */
import { html, type Html } from './html.js';
import { scopeLabel, type Viewer } from './viewer.js';

export function loginForm(message?: { text: string; status: 'failing' | 'ok' }): Html {
  return html`${message ? html`<p class="flash ${message.status}" role="alert">${message.text}</p>` : ''}
    <form method="post" action="/login">
      <label for="token">Dashboard token</label>
      <input
        type="password"
        id="token"
        name="token"
        required
        autocomplete="current-password"
        aria-describedby="token-hint"
      />
      <p class="hint" id="token-hint">
        The DASHBOARD_TOKEN Taza was started with. Admins of a server or chat: send /dashboard there for a login link.
      </p>
      <p><button type="submit">Log in</button></p>
    </form>`;
}

export function linkConfirm(value: string, viewer: Viewer): Html {
  return html`<p>This link logs you in to Taza's dashboard for ${scopeLabel(viewer)}. It works once, for 10 minutes.</p>
    <form method="post" action="/login/link">
      <input type="hidden" name="t" value="${value}" />
      <p><button type="submit">Log in</button></p>
    </form>`;
}

export function dashboardOff(): Html {
  return html`<p>
    The web dashboard is off. To turn it on, set <code>DASHBOARD_TOKEN</code> to a long random secret (for example the
    output of <code>openssl rand -base64 32</code>) and restart Taza; then log in here with that token, or run
    <code>taza dashboard-link</code> for a one-time login link.
  </p>`;
}
