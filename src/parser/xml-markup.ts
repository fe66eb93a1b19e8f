import { escapeHtml } from '../render/escape.js';
import type { XmlNode } from './xml-tree.js';

/** An element's raw content as HTML: Atom's text-construct types and modes, and markup pasted between tags. */

export type AtomContentKind = 'text' | 'html' | 'xhtml' | 'base64' | 'none';

export function atomContentKind(node: XmlNode): AtomContentKind {
  const type = (node.attr('type') ?? '').trim().toLowerCase();
  const mode = (node.attr('mode') ?? '').trim().toLowerCase();
  if (mode === 'base64') return /^text\/|html|xml/.test(type) ? 'base64' : 'none';
  if (mode === 'escaped') return 'html';
  if (type === '' || type === 'text' || type === 'text/plain') return 'text';
  if (type === 'html' || type === 'text/html') return 'html';
  if (type === 'xhtml' || type.endsWith('xhtml+xml') || type.endsWith('/xml') || type.endsWith('+xml')) return 'xhtml';
  if (type.startsWith('text/')) return 'text';
  // Other media types (images, audio) carry no readable text.
  return 'none';
}

export function decodeBase64(text: string): string {
  return Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');
}

/**
 * Raw markup between an element's tags, as HTML: CDATA sections become escaped text (HTML would read them as
 * comments), and in XHTML the namespace prefixes of tags go so `<xhtml:p>` reads as `<p>`.
 */
export function markupAsHtml(markup: string, xhtml: boolean): string {
  let html = markup;
  if (html.includes('<![CDATA[')) {
    const parts: string[] = [];
    let index = 0;
    for (let start = html.indexOf('<![CDATA['); start !== -1; start = html.indexOf('<![CDATA[', index)) {
      parts.push(html.slice(index, start));
      const end = html.indexOf(']]>', start + 9);
      parts.push(escapeHtml(html.slice(start + 9, end === -1 ? html.length : end)));
      index = end === -1 ? html.length : end + 3;
    }
    parts.push(html.slice(index));
    html = parts.join('');
  }
  if (xhtml || /<\/?[A-Za-z_][\w.-]*:/.test(html)) html = html.replace(/<(\/?)[A-Za-z_][\w.-]*:(?=[A-Za-z_])/g, '<$1');
  return html;
}
