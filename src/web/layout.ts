/** The page shell: navigation, the viewer's scope, a one-time result message, and the stylesheet (inline: no assets). */
import { html, trusted, type Html } from './html.js';
import type { Session } from './sessions.js';
import { scopeLabel } from './viewer.js';

const NAV = [
  { href: '/', label: 'Overview' },
  { href: '/subscriptions', label: 'Subscriptions' },
  { href: '/playground', label: 'Playground' },
  { href: '/alerts', label: 'Recent alerts' },
];

// Colours checked for WCAG AA: body text #1b1f24 on #ffffff (16:1), links #0a4f9e (8.2:1), muted #4a5361 (7.6:1),
// white on the header green #14613a (7.4:1), status colours on their tints above 4.5:1. Focus is always outlined.
const STYLE = `
:root { color-scheme: light; font-family: system-ui, 'Noto Sans', 'Noto Naskh Arabic', 'Noto Sans Arabic', sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; line-height: 1.5; }
a { color: #0a4f9e; }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, summary:focus-visible, textarea:focus-visible { outline: 3px solid #b35c00; outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: #fff; padding: .5rem; }
.skip:focus { left: .5rem; }
header { background: #14613a; color: #fff; padding: .6rem 1.2rem; display: flex; flex-wrap: wrap; gap: 1rem 2rem; align-items: center; }
header .brand { font-weight: 700; font-size: 1.2rem; color: #fff; text-decoration: none; }
header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .3rem 1.2rem; margin: 0; padding: 0; }
header nav a { color: #fff; text-decoration: none; padding: .2rem 0; border-bottom: 2px solid transparent; }
header nav a[aria-current="page"] { border-bottom-color: #fff; font-weight: 600; }
header .who { margin-left: auto; display: flex; gap: .8rem; align-items: center; font-size: .9rem; }
header .who button { background: transparent; color: #fff; border: 1px solid #fff; }
main { max-width: 70rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.6rem; margin: .6rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 1.6rem 0 .6rem; }
table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
th, td { text-align: start; padding: .4rem .5rem; border-bottom: 1px solid #d0d5dc; vertical-align: top; }
th { background: #f1f3f5; font-weight: 600; }
.muted { color: #4a5361; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: .6rem; font-size: .85rem; font-weight: 600; white-space: nowrap; }
.ok { background: #dcf3e4; color: #0d4d2b; }
.failing { background: #fde2e1; color: #8a1c16; }
.disabled, .paused { background: #e9ecef; color: #343a40; }
.pending { background: #fff1cc; color: #5c4200; }
.flash { padding: .6rem .8rem; border-radius: .3rem; margin: 0 0 1rem; white-space: pre-wrap; }
.flash.ok { border: 1px solid #1f7a45; }
.flash.failing { border: 1px solid #b3261e; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); gap: .8rem; }
.card { border: 1px solid #d0d5dc; border-radius: .4rem; padding: .6rem .8rem; }
.card .big { font-size: 1.6rem; font-weight: 700; }
form.inline { display: inline; }
label { font-weight: 600; display: block; margin: .5rem 0 .2rem; }
input[type=text], input[type=password], input[type=url], select, textarea { font: inherit; padding: .35rem .5rem; border: 1px solid #6c757d; border-radius: .25rem; width: 100%; max-width: 38rem; box-sizing: border-box; }
button { font: inherit; padding: .35rem .9rem; border-radius: .25rem; border: 1px solid #14613a; background: #14613a; color: #fff; cursor: pointer; }
button.secondary { background: #fff; color: #14613a; }
button.danger { background: #fff; color: #8a1c16; border-color: #8a1c16; }
.row { display: flex; flex-wrap: wrap; gap: .3rem .6rem; align-items: center; }
.filters { display: flex; flex-wrap: wrap; gap: .2rem 1rem; align-items: end; margin-bottom: .6rem; }
.filters > div { min-width: 12rem; }
.filters > div.wide { min-width: 22rem; }
.hint { font-size: .9rem; color: #4a5361; margin: .2rem 0; }
details { margin: .3rem 0; }
summary { cursor: pointer; color: #0a4f9e; }
mark { background: #ffe066; color: #1b1f24; padding: 0 .1em; }
.item { border: 1px solid #d0d5dc; border-radius: .4rem; padding: .6rem .8rem; margin: .6rem 0; }
.item.miss { background: #f8f9fa; }
.item h3 { font-size: 1.05rem; margin: 0 0 .3rem; }
.item blockquote { margin: .4rem 0; padding-inline-start: .8rem; border-inline-start: 3px solid #6c757d; }
.item blockquote p { margin: .2rem 0; }
.previews { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: .8rem; margin-top: .6rem; }
.discord { background: #2b2d31; color: #dbdee1; border-radius: .3rem; padding: .6rem; }
.discord .embed { border-left: 4px solid #1f9d55; background: #232428; padding: .5rem .7rem; border-radius: .2rem; }
.discord .embed a { color: #7cb8ff; font-weight: 600; }
.discord .field-name { font-weight: 700; margin-top: .4rem; }
.discord .footer { font-size: .8rem; color: #c4c9ce; margin-top: .4rem; }
.telegram { background: #d9e7f4; border-radius: .3rem; padding: .6rem; }
.telegram .bubble { background: #fff; border-radius: .6rem; padding: .5rem .7rem; }
.telegram .gap { height: .8em; }
.telegram .bubble a { color: #0a4f9e; }
.preview-label { font-size: .85rem; font-weight: 600; margin: 0 0 .3rem; }
.reply { white-space: pre-wrap; }
.reply blockquote, .telegram blockquote { border-inline-start: 3px solid #6c757d; margin: .2rem 0; padding-inline-start: .6rem; }
code { background: #f1f3f5; padding: 0 .2em; border-radius: .2em; }
.chart { margin: 0; }
.chart svg { max-width: 100%; height: auto; }
`;

export function layout(options: { title: string; path: string; session?: Session; body: Html }): Html {
  const { session } = options;
  const flash = session?.flash;
  if (session) delete session.flash;
  const nav = session
    ? html`<nav aria-label="Main">
          <ul>
            ${NAV.map(
              (item) =>
                html`<li>
                  <a href="${item.href}" ${current(options.path, item.href) ? trusted(' aria-current="page"') : ''}
                    >${item.label}</a
                  >
                </li>`,
            )}
          </ul>
        </nav>
        <div class="who">
          <span>Showing ${scopeLabel(session.viewer)}</span>
          <form class="inline" method="post" action="/logout">
            <input type="hidden" name="csrf" value="${session.csrf}" />
            <button type="submit">Log out</button>
          </form>
        </div>`
    : '';
  return html`<html lang="en" dir="ltr">
    <head>
      <meta charset="utf-8" />
      <meta name="viewport" content="width=device-width, initial-scale=1" />
      <title>${options.title} · Taza</title>
      <style>
        ${trusted(STYLE)}
      </style>
    </head>
    <body>
      <a class="skip" href="#main">Skip to the content</a>
      <header><a class="brand" href="/">Taza</a>${nav}</header>
      <main id="main" tabindex="-1">
        <h1 dir="auto">${options.title}</h1>
        ${flash ? html`<div class="flash ${flash.ok ? 'ok' : 'failing'}" role="status" dir="auto">${trusted(flash.html)}</div>` : ''}
        ${options.body}
      </main>
    </body>
  </html>`;
}

function current(path: string, href: string): boolean {
  return href === '/' ? path === '/' : path === href || path.startsWith(`${href}/`);
}

/** The hidden field every form that changes something carries. */
export function csrfField(session: Session): Html {
  return html`<input type="hidden" name="csrf" value="${session.csrf}" />`;
}

/** "3 min ago" style times are for chat; here, exact UTC times with a machine-readable datetime. */
export function time(iso: string | undefined, empty = '—'): Html {
  if (!iso) return html`<span class="muted">${empty}</span>`;
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`<span class="muted">${empty}</span>`;
  return html`<time datetime="${date.toISOString()}">${date.toISOString().slice(0, 16).replace('T', ' ')} UTC</time>`;
}
