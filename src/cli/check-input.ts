/**
 * What `taza check` reads for one argument: a URL, fetched and followed as /subscribe does (the same loadFeed:
 * relative links resolved against the final URL, a site page followed to the feed it advertises), or a file.
 * Every failure is a CheckInputProblem whose message is plain words for a terminal.
 */
import { readFile } from 'node:fs/promises';
import { UserError } from '../replies/errors.js';
import { loadFeed, type FeedLoading, type LoadedFeed } from '../subscriptions/load-feed.js';
import { toPlainText } from '../replies/markup.js';
import type { FeedItem, ParsedFeed } from '../core/feed.js';
import { identifyItems } from '../identify/index.js';
import { ParseError, parseFeed } from '../parser/index.js';
import { describeError } from '../pipeline/feed-health.js';

export interface CheckInput {
  parsed: ParsedFeed;
  items: FeedItem[];
  /** The feed's URL, when it was fetched (the advertised feed when a site page was given). */
  url?: string;
  /** The page or file the feed was found on, when one was given. */
  discoveredFrom?: string;
  /** Something the reader should know about how the input was read ("no such file; read https://…"). */
  note?: string;
}

export class CheckInputProblem extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckInputProblem';
  }
}

const HTTP_URL = /^https?:\/\//i;
const OTHER_SCHEME = /^[a-z][a-z\d+.-]*:\/\//i;
/** Host (name with a top-level domain, IPv4 or localhost) and optional port: the start of an address typed bare. */
const BARE_HOST =
  /^(?:(?:[a-z\d](?:[a-z\d-]*[a-z\d])?\.)+[a-z]{2,63}|\d{1,3}(?:\.\d{1,3}){3}|localhost)(?::\d{1,5})?$/i;
/** A name like feed.xml is a file name, not a host, even though it looks like one. */
const FILE_EXTENSIONS = /\.(?:xml|rss|atom|rdf|json|txt|html?|gz|bin|opml)$/i;

/** Could a missing file's name be an address typed without https://, such as feeds.bbci.co.uk/urdu/rss.xml? */
export function looksLikeAddress(input: string): boolean {
  if (/^[./~\\]|\s/.test(input)) return false;
  const host = input.split('/')[0]!;
  return BARE_HOST.test(host) && !(host === input && FILE_EXTENSIONS.test(host));
}

function fileProblem(error: NodeJS.ErrnoException, path: string): string {
  switch (error.code) {
    case 'ENOENT':
      return /^[./~\\]/.test(path)
        ? `no such file: ${path}`
        : `no such file: ${path} (for a feed on the web, type its address with https://)`;
    case 'EISDIR':
      return `${path} is a folder, not a feed file`;
    case 'EACCES':
    case 'EPERM':
      return `no permission to read ${path}`;
    default:
      return `cannot read ${path}: ${error.message}`;
  }
}

async function fromUrl(loading: FeedLoading, url: string): Promise<CheckInput> {
  let loaded: LoadedFeed;
  try {
    loaded = await loadFeed(loading, url);
  } catch (error) {
    if (error instanceof UserError) throw new CheckInputProblem(toPlainText(error.message));
    throw error;
  }
  return {
    parsed: loaded.parsed,
    items: loaded.items,
    url: loaded.url,
    ...(loaded.discoveredFrom ? { discoveredFrom: loaded.discoveredFrom } : {}),
  };
}

async function fromFile(loading: FeedLoading, path: string, body: Buffer): Promise<CheckInput> {
  let parsed: ParsedFeed;
  try {
    parsed = parseFeed(body, undefined, { now: loading.now() });
  } catch (error) {
    // A saved web page that advertises its feed with an absolute URL: read that feed, as for a page on the web.
    const advertised =
      error instanceof ParseError && error.kind === 'html-page'
        ? error.feedLinks?.find((link) => HTTP_URL.test(link))
        : undefined;
    if (advertised) return { ...(await fromUrl(loading, advertised)), discoveredFrom: path };
    throw new CheckInputProblem(describeError(error, loading.now()).message);
  }
  return { parsed, items: identifyItems(parsed.items) };
}

/** Reads one argument of `taza check` (see the file comment). */
export async function readCheckInput(loading: FeedLoading, input: string): Promise<CheckInput> {
  if (HTTP_URL.test(input)) return fromUrl(loading, input);
  if (OTHER_SCHEME.test(input))
    throw new CheckInputProblem(`${input}: only http:// and https:// addresses, or files, can be checked`);
  let body: Buffer;
  try {
    body = await readFile(input);
  } catch (error) {
    const problem = error as NodeJS.ErrnoException;
    if (problem.code !== 'ENOENT' || !looksLikeAddress(input)) throw new CheckInputProblem(fileProblem(problem, input));
    const url = `https://${input}`;
    try {
      return { ...(await fromUrl(loading, url)), note: `there is no file ${input}, so Taza read ${url}` };
    } catch (fetchError) {
      if (!(fetchError instanceof CheckInputProblem)) throw fetchError;
      throw new CheckInputProblem(`no such file: ${input}, and as an address: ${fetchError.message}`);
    }
  }
  return fromFile(loading, input, body);
}
