/**
 * The dashboard's request handler, mounted on the operations HTTP server (HTTP_PORT) for every path but /healthz,
 * /readyz and /metrics. Without a session only /login (and a login link) answers: a page redirects to /login, a form
 * is refused. Every form that changes something must carry the session's CSRF token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DashboardDeps } from './deps.js';
import { html, type Html } from './html.js';
import { cookies, HttpError, isHttps, readForm, redirect, sendHtml } from './http.js';
import { layout } from './layout.js';
import { verifyLoginLink } from './login-link.js';
import { alertsPage } from './alerts-page.js';
import type { PageHandler, PageResult } from './page.js';
import { feedPage } from './feed-page.js';
import { dashboardOff, linkConfirm, loginForm } from './login-page.js';
import { overviewPage } from './overview-page.js';
import { playgroundPage } from './playground-page.js';
import { createSubscription, subscriptionAction, subscriptionsPage } from './subscriptions-page.js';
import { Router } from './router.js';
import {
  clearedCookie,
  LoginThrottle,
  sameSecret,
  SESSION_COOKIE,
  sessionCookie,
  Sessions,
  type Session,
} from './sessions.js';

export type DashboardHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Dashboard {
  handle: DashboardHandler;
  sessions: Sessions;
}

export function createDashboard(deps: DashboardDeps | undefined): Dashboard {
  const sessions = new Sessions();
  if (!deps) return { sessions, handle: async (req, res) => offPage(req, res) };
  // The dashboard's clock, as every other time it shows or checks.
  const throttle = new LoginThrottle(() => deps.now().getTime());
  const router = new Router<PageHandler>()
    .add('GET', '/', overviewPage)
    .add('GET', '/subscriptions', subscriptionsPage)
    .add('POST', '/subscriptions', createSubscription)
    .add('POST', '/subscriptions/:id/edit', subscriptionAction('edit'))
    .add('POST', '/subscriptions/:id/pause', subscriptionAction('pause'))
    .add('POST', '/subscriptions/:id/resume', subscriptionAction('resume'))
    .add('POST', '/subscriptions/:id/delete', subscriptionAction('unsubscribe'))
    .add('GET', '/playground', playgroundPage)
    .add('GET', '/feeds/:id', feedPage)
    .add('GET', '/alerts', alertsPage);

  const handle: DashboardHandler = async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://taza');
    const method = req.method ?? 'GET';
    const secure = isHttps(req);
    const session = sessions.get(cookies(req).get(SESSION_COOKIE));
    try {
      if (url.pathname === '/login') return await login(req, res, method, session, secure);
      if (url.pathname === '/login/link') return await loginLink(req, res, method, url, secure);
      if (!session) {
        if (method === 'GET' || method === 'HEAD') return redirect(res, '/login');
        return page(res, 401, 'Not logged in', undefined, html`<p>Log in first: <a href="/login">log in</a>.</p>`);
      }
      let form = new URLSearchParams();
      if (method === 'POST') {
        form = await readForm(req);
        if (!sameSecret(form.get('csrf') ?? '', session.csrf)) {
          deps.logger.warn(
            { event: 'dashboard.csrf-refused', path: url.pathname },
            'dashboard form without a valid CSRF token',
          );
          return page(
            res,
            403,
            'Refused',
            session,
            html`<p>
              This form was not sent from the dashboard page (its CSRF token is missing or out of date). Nothing was
              changed. <a href="/">Reload the dashboard</a> and try again.
            </p>`,
          );
        }
      }
      if (url.pathname === '/logout' && method === 'POST') {
        sessions.end(session.id);
        return redirect(res, '/login', { 'set-cookie': clearedCookie(secure) });
      }
      const found = router.find(method, url.pathname);
      if (found === 'method')
        return page(res, 405, 'Not allowed', session, html`<p>This address does not take ${method}.</p>`);
      if (!found)
        return page(
          res,
          404,
          'Not found',
          session,
          html`<p>There is no such page. <a href="/">Back to the overview</a>.</p>`,
        );
      const result: PageResult = await found.handler({ deps, session, url, params: found.params, form });
      if ('redirect' in result) return redirect(res, result.redirect);
      return page(res, result.status ?? 200, result.title, session, result.body, url.pathname);
    } catch (error) {
      if (error instanceof HttpError) return page(res, error.status, 'Refused', session, html`<p>${error.message}</p>`);
      deps.logger.error({ event: 'dashboard.error', path: url.pathname, err: error }, 'dashboard page failed');
      return page(
        res,
        500,
        'Something went wrong',
        session,
        html`<p>
          Something went wrong inside Taza while showing this page. The operator can find the details in the logs.
        </p>`,
      );
    }
  };

  async function login(
    req: IncomingMessage,
    res: ServerResponse,
    method: string,
    session: Session | undefined,
    secure: boolean,
  ) {
    if (method !== 'POST') {
      if (session) return redirect(res, '/');
      return page(res, 200, 'Log in', undefined, loginForm());
    }
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitFor(address);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      return page(
        res,
        429,
        'Log in',
        undefined,
        loginForm({ status: 'failing', text: `Too many wrong tokens: wait ${seconds} s before trying again.` }),
        '/login',
        { 'retry-after': String(seconds) },
      );
    }
    const form = await readForm(req);
    if (!sameSecret(form.get('token') ?? '', deps!.token)) {
      throttle.failed(address);
      deps!.logger.warn({ event: 'dashboard.login-failed', address }, 'dashboard login with a wrong token');
      return page(
        res,
        401,
        'Log in',
        undefined,
        loginForm({ status: 'failing', text: 'That is not the dashboard token.' }),
      );
    }
    throttle.succeeded(address);
    const created = sessions.create({ kind: 'owner' });
    deps!.logger.info({ event: 'dashboard.login', viewer: 'owner' }, 'dashboard login with the token');
    return redirect(res, '/', { 'set-cookie': sessionCookie(created, secure) });
  }

  async function loginLink(req: IncomingMessage, res: ServerResponse, method: string, url: URL, secure: boolean) {
    const value = method === 'POST' ? ((await readForm(req)).get('t') ?? '') : (url.searchParams.get('t') ?? '');
    const claims = verifyLoginLink(deps!.token, value, deps!.now().getTime());
    if ('error' in claims)
      return page(res, 401, 'Log in', undefined, loginForm({ status: 'failing', text: claims.error }));
    if (method !== 'POST') return page(res, 200, 'Log in', undefined, linkConfirm(value, claims.viewer));
    if (!(await deps!.useLink(claims.nonce, claims.expiresAt)))
      return page(
        res,
        401,
        'Log in',
        undefined,
        loginForm({
          status: 'failing',
          text: 'This login link has been used already: each link works once. Ask for a new one.',
        }),
      );
    const created = sessions.create(claims.viewer);
    deps!.logger.info(
      {
        event: 'dashboard.login',
        viewer: claims.viewer.kind,
        scope: claims.viewer.kind === 'scope' ? claims.viewer.scope : undefined,
      },
      'dashboard login with a link',
    );
    return redirect(res, '/', { 'set-cookie': sessionCookie(created, secure) });
  }

  return { sessions, handle };
}

function page(
  res: ServerResponse,
  status: number,
  title: string,
  session: Session | undefined,
  body: Html,
  path = '',
  headers: Record<string, string> = {},
): void {
  sendHtml(res, status, layout({ title, path, session, body }), headers);
}

function offPage(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://taza').pathname;
  if (path === '/' || path === '/login') return page(res, 200, 'Dashboard off', undefined, dashboardOff());
  return page(
    res,
    404,
    'Not found',
    undefined,
    html`<p>The dashboard is off: see <a href="/">how to turn it on</a>.</p>`,
  );
}
