/**
 * OPML 2.0 for export and import. Each subscription is an <outline type="rss" xmlUrl=…>; Taza's own attributes
 * (taza:keywords, taza:paused; taza:delivery, taza:every, taza:timeZone, taza:quiet, taza:quietMode for digests and
 * quiet hours; the presentation options as taza:template, taza:mention, taza:silent, taza:images, taza:edits,
 * taza:thread, taza:forumTags) carry the query, state, schedule and look, so export → import reproduces the
 * subscriptions. An OPML file from another reader has no keywords: its feeds are imported with an empty query
 * (every new item).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { ScheduleInput } from '../core/delivery-schedule.js';
import type { AlertStyle } from '../core/records.js';
import { STYLE_FIELDS } from '../core/style-fields.js';
import { escapeHtml } from '../render/escape.js';

const TAZA_OPML_NS = 'https://taza.invalid/ns/opml/1';

export interface OpmlEntry {
  url: string;
  title?: string;
  htmlUrl?: string;
  keywords: string;
  paused?: boolean;
  /** As written in the file: validated where it is used (import), like a typed option. */
  schedule?: ScheduleInput;
  /** As written in the file, checked by the importer like a command's options (alert-style.ts). */
  style?: StyleAttributes;
}

/** The presentation options as OPML carries them: text, booleans as "true"/"false", tags comma-separated. */
export type StyleAttributes = { [K in keyof AlertStyle]?: string };

/** A subscription's style as OPML attributes. */
export function styleAttributes(style: AlertStyle): StyleAttributes {
  const out: StyleAttributes = {};
  for (const name of STYLE_FIELDS) {
    const value = style[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return out;
}

const SCHEDULE_ATTRIBUTES = ['delivery', 'every', 'timeZone', 'quiet', 'quietMode'] as const;

function scheduleAttributes(schedule: ScheduleInput | undefined): string[] {
  return SCHEDULE_ATTRIBUTES.flatMap((name) => {
    const value = schedule?.[name];
    return value === undefined ? [] : [`taza:${name}="${attribute(value)}"`];
  });
}

function readScheduleAttributes(outline: XmlNode): ScheduleInput | undefined {
  const schedule: ScheduleInput = {};
  for (const name of SCHEDULE_ATTRIBUTES) {
    const value = attr(outline, `taza:${name}`);
    if (value !== undefined) schedule[name] = value;
  }
  return Object.keys(schedule).length > 0 ? schedule : undefined;
}

function attribute(text: string): string {
  return escapeHtml(text).replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;');
}

export function writeOpml(title: string, entries: readonly OpmlEntry[], now = new Date()): string {
  const outlines = entries.map((entry) => {
    const name = entry.title || entry.url;
    const attrs = [
      `type="rss"`,
      `text="${attribute(name)}"`,
      `title="${attribute(name)}"`,
      `xmlUrl="${attribute(entry.url)}"`,
      ...(entry.htmlUrl ? [`htmlUrl="${attribute(entry.htmlUrl)}"`] : []),
      `taza:keywords="${attribute(entry.keywords)}"`,
      ...(entry.paused ? [`taza:paused="true"`] : []),
      ...scheduleAttributes(entry.schedule),
      ...Object.entries(entry.style ?? {}).map(([name, value]) => `taza:${name}="${attribute(value)}"`),
    ];
    return `    <outline ${attrs.join(' ')}/>`;
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:taza="${TAZA_OPML_NS}">`,
    '  <head>',
    `    <title>${attribute(title)}</title>`,
    `    <dateCreated>${now.toUTCString()}</dateCreated>`,
    '  </head>',
    '  <body>',
    ...outlines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}

export type OpmlReadResult = { ok: true; entries: OpmlEntry[]; skipped: number } | { ok: false; error: string };

type XmlNode = Record<string, unknown>;

function collectOutlines(node: unknown, out: XmlNode[]): void {
  const list = Array.isArray(node) ? node : node === undefined ? [] : [node];
  for (const item of list) {
    if (!item || typeof item !== 'object') continue;
    out.push(item as XmlNode);
    collectOutlines((item as XmlNode).outline, out);
  }
}

function attr(node: XmlNode, ...names: string[]): string | undefined {
  for (const name of names) {
    const found = Object.keys(node).find((key) => key.toLowerCase() === `@_${name.toLowerCase()}`);
    const value = found === undefined ? undefined : node[found];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** An attribute as written (a template's spaces and line breaks kept). */
function rawAttr(node: XmlNode, name: string): string | undefined {
  const found = Object.keys(node).find((key) => key.toLowerCase() === `@_${name.toLowerCase()}`);
  const value = found === undefined ? undefined : node[found];
  return typeof value === 'string' && value.trim() !== '' ? value : undefined;
}

/** Reads the feeds of an OPML document (nested folders too); outlines without xmlUrl are folders, not counted. */
export function readOpml(text: string): OpmlReadResult {
  const body = text.replace(/^\uFEFF/, '');
  // A DOCTYPE is where entities are declared (external ones, or ones that expand a billion times): OPML needs none,
  // so a file with one is refused as the user's file, before any parser sees it.
  if (/<!DOCTYPE/i.test(body))
    return {
      ok: false,
      error:
        'it declares a DOCTYPE, which Taza does not read (OPML needs none). Export the file again without one, or delete its <!DOCTYPE …> part',
    };
  const valid = XMLValidator.validate(body);
  if (valid !== true)
    return { ok: false, error: `the file is not well-formed XML (line ${valid.err.line}: ${valid.err.msg})` };
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseAttributeValue: false,
    processEntities: true,
    htmlEntities: true,
  });
  let document: XmlNode;
  try {
    document = parser.parse(body) as XmlNode;
  } catch (error) {
    // What the validator let through but the parser refused is still a problem with the file, not with Taza.
    return {
      ok: false,
      error: `the file cannot be read as XML (${error instanceof Error ? error.message : String(error)})`,
    };
  }
  const opml = document.opml as XmlNode | undefined;
  if (!opml || typeof opml !== 'object')
    return { ok: false, error: 'the file is XML but not OPML (it has no <opml> root)' };
  const outlines: XmlNode[] = [];
  collectOutlines((opml.body as XmlNode | undefined)?.outline, outlines);
  const entries: OpmlEntry[] = [];
  let skipped = 0;
  for (const outline of outlines) {
    const url = attr(outline, 'xmlUrl');
    if (!url) {
      if (outline.outline === undefined) skipped++;
      continue;
    }
    const paused = attr(outline, 'taza:paused') === 'true';
    const schedule = readScheduleAttributes(outline);
    const style: StyleAttributes = {};
    for (const name of STYLE_FIELDS) {
      const value = rawAttr(outline, `taza:${name}`);
      if (value !== undefined) style[name] = value;
    }
    entries.push({
      url,
      keywords: attr(outline, 'taza:keywords') ?? '',
      ...(attr(outline, 'title', 'text') ? { title: attr(outline, 'title', 'text') } : {}),
      ...(attr(outline, 'htmlUrl') ? { htmlUrl: attr(outline, 'htmlUrl') } : {}),
      ...(paused ? { paused } : {}),
      ...(schedule ? { schedule } : {}),
      ...(Object.keys(style).length > 0 ? { style } : {}),
    });
  }
  return { ok: true, entries, skipped };
}
