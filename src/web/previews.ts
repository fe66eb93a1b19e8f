/**
 * An alert as the chat apps would show it, from the very messages the renderers build for them: the Discord embed
 * with its Markdown escapes read back, the Telegram HTML with only the tags Taza sends (<b>, <i>, <a href>) kept and
 * every text between them escaped again, so nothing in a feed can reach the page as markup.
 */
import type { Alert } from '../core/alert.js';
import { renderDiscord, renderTelegram } from '../render/index.js';
import { escapeText, html, safeHref, trusted, type Html } from './html.js';

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

function decodeEntities(text: string): string {
  return text
    .replace(/&(amp|lt|gt|quot);/g, (_, name: string) => ENTITIES[name] ?? '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)));
}

/** Discord shows `\*` as `*`: the escapes the renderer added, read back. */
function unescapeMarkdown(text: string): string {
  return text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
}

/** Telegram's HTML parse mode, as Telegram would display it. */
export function telegramHtmlToPage(text: string): string {
  let out = '';
  let last = 0;
  const tags = /<(\/?)(b|i|a)(?:\s+href="([^"]*)")?>/g;
  for (let match = tags.exec(text); match; match = tags.exec(text)) {
    out += escapeText(decodeEntities(text.slice(last, match.index)));
    last = tags.lastIndex;
    const [, close, name, href] = match;
    if (name === 'a' && !close) {
      const url = href ? safeHref(decodeEntities(href)) : undefined;
      out += url ? `<a href="${escapeText(url)}" rel="noreferrer noopener">` : '<a>';
    } else out += `<${close}${name}>`;
  }
  return out + escapeText(decodeEntities(text.slice(last)));
}

/**
 * Telegram picks each paragraph's direction from its first strong letter, so an Urdu title and the English
 * "Matched:" line below it each go their own way: one block per line, each dir="auto". (Taza's tags never span lines.)
 */
function telegramLines(text: string): Html {
  return html`${text.split('\n').map((line) => (line === '' ? html`<div class="gap"></div>` : html`<div dir="auto">${trusted(telegramHtmlToPage(line))}</div>`))}`;
}

export function alertPreviews(alert: Alert): Html {
  const discord = renderDiscord(alert).embeds[0];
  const telegram = renderTelegram(alert);
  const md = (text: string | undefined) => unescapeMarkdown(text ?? '');
  const url = discord?.url ? safeHref(discord.url) : undefined;
  const discordCard = discord
    ? html`<div class="embed">
        <div dir="auto">
          ${url ? html`<a href="${url}" rel="noreferrer noopener">${md(discord.title)}</a>` : html`<strong>${md(discord.title)}</strong>`}
        </div>
        ${
          discord.description
            ? md(discord.description)
                .split('\n')
                .filter(Boolean)
                .map((line) => html`<p dir="auto">${line}</p>`)
            : ''
        }
        ${(discord.fields ?? []).map(
          (f) =>
            html`<div class="field-name">${f.name}</div>
              <div dir="auto">${md(f.value)}</div>`,
        )}
        <div class="footer">
          <bdi dir="auto">${discord.footer?.text ?? ''}</bdi
          >${discord.timestamp ? ` • ${discord.timestamp.slice(0, 16).replace('T', ' ')} UTC` : ''}
        </div>
      </div>`
    : '';
  return html`<div class="previews">
    <div>
      <p class="preview-label">On Discord</p>
      <div class="discord">${discordCard}</div>
    </div>
    <div>
      <p class="preview-label">On Telegram</p>
      <div class="telegram"><div class="bubble">${telegramLines(telegram.text)}</div></div>
    </div>
  </div>`;
}
