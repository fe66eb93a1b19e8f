/** What the matcher is given (an item's fields as plain text) and what it answers; items as words. */
import { tokenize } from './words.js';
import { ALL_FIELDS, FIELD_AUTHOR, FIELD_CATEGORY, FIELD_LINK, FIELD_TEXT, FIELD_TITLE } from './pattern.js';

export interface MatchInput {
  title: string;
  /** Plain-text content or summary. */
  text: string;
  link?: string;
  author?: string;
  categories: string[];
}

export interface MatchResult {
  matched: boolean;
  /** The subscriber's own words that matched, e.g. ['bitcoin', 'crypto council']; [] for a non-match. */
  terms: string[];
  /** Where the terms matched, or why the item did not match ('excluded by -etf', 'no alternative matched'). */
  why?: string;
}

/** One field of an item as words; categories are one stream each, so a phrase never spans two of them. */
export interface Stream {
  field: number;
  tokens: string[];
}

/** An item normalized and split into words once, for any number of queries. */
export interface PreparedItem {
  streams: Stream[];
}

function decodeLink(link: string): string {
  try {
    return decodeURI(link);
  } catch {
    return link;
  }
}

/** Normalize and split an item's fields into words, once; only the fields in `fields` (a bit mask). */
export function prepareItem(input: MatchInput, fields = ALL_FIELDS): PreparedItem {
  const streams: Stream[] = [];
  const add = (field: number, text: string | undefined): void => {
    if (!text || !(fields & field)) return;
    const tokens = tokenize(field === FIELD_LINK ? decodeLink(text) : text);
    if (tokens.length > 0) streams.push({ field, tokens });
  };
  add(FIELD_TITLE, input.title);
  add(FIELD_TEXT, input.text);
  add(FIELD_LINK, input.link);
  add(FIELD_AUTHOR, input.author);
  if (fields & FIELD_CATEGORY) for (const category of input.categories ?? []) add(FIELD_CATEGORY, category);
  return { streams };
}
