// Query parameters that only track where a click came from; two links differing only in these are one article.
const TRACKING_PREFIXES = ['utm_', 'itm_', 'pk_', 'mtm_', 'hsa_'];
const TRACKING_NAMES = new Set([
  'fbclid',
  'gclid',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'igshid',
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  'mkt_tok',
  'ref_src',
  'ref_url',
  'cmpid',
  'ocid',
  'ncid',
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_NAMES.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * The link with tracking parameters and the fragment removed (host lower-cased, default port dropped), so the
 * same article reached through two feeds or two campaigns compares equal. Unparseable input comes back trimmed.
 */
export function canonicalLink(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.trim();
  }
  parsed.hash = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (isTracking(name)) parsed.searchParams.delete(name);
  }
  if (parsed.searchParams.size === 0) parsed.search = '';
  return parsed.href;
}
