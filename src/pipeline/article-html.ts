import type { FeedItem } from '../core/feed.js';
import type { FeedRecord } from '../core/records.js';
import { escapeHtml } from '../render/escape.js';
import { safeImage } from '../render/image.js';
import { readArticle } from '../summarizer/fulltext.js';
import type { PipelineDeps } from './deps.js';

/** Items that carry only a title or a snippet are summarized from the article page when the feed asks for it. */
const SNIPPET_CHARS = 280;

/**
 * The HTML to summarize and, when the article page was read, its preview picture (og:image) for an item without one
 * of its own: from the same fetch as the text, and only on a public address (the rule every shown image passes).
 */
export async function articleHtml(
  deps: PipelineDeps,
  feed: FeedRecord,
  item: FeedItem,
  text: string,
): Promise<{ html: string; image?: string }> {
  if (!feed.fullText || !item.link || text.length >= SNIPPET_CHARS) return { html: item.html };
  // The article page goes through the same fetcher as feeds: private-network rule, size cap, timeouts.
  const page = await readArticle(item.link, async (url) => {
    const result = await deps.fetcher({ url });
    if (result.kind !== 'fetched') throw new Error('not modified');
    return { body: result.body, contentType: result.contentType };
  });
  const image = item.image ? undefined : safeImage(page.image);
  // On any failure the alert is still sent, from the feed's own text.
  const html = page.text
    ? page.text
        .split(/\n{2,}/)
        .map((paragraph) => `<p>${escapeHtml(paragraph)}</p>`)
        .join('')
    : item.html;
  return image ? { html, image } : { html };
}
