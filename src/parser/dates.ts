// Zone abbreviations seen in real feeds that Date.parse does not know (it only knows UT/GMT and US zones).
const ZONES: Record<string, string> = {
  UTC: '+0000',
  Z: '+0000',
  WET: '+0000',
  BST: '+0100',
  CET: '+0100',
  WAT: '+0100',
  CEST: '+0200',
  EET: '+0200',
  SAST: '+0200',
  EEST: '+0300',
  MSK: '+0300',
  AST: '+0300',
  IRST: '+0330',
  GST: '+0400',
  PKT: '+0500',
  IST: '+0530',
  NPT: '+0545',
  BDT: '+0600',
  ICT: '+0700',
  WIB: '+0700',
  HKT: '+0800',
  SGT: '+0800',
  AWST: '+0800',
  JST: '+0900',
  KST: '+0900',
  AEST: '+1000',
  AEDT: '+1100',
  NZST: '+1200',
  NZDT: '+1300',
};

/** Dates before this are placeholders (0001-01-01, the Unix epoch), not publication dates. */
const EARLIEST = Date.UTC(1971, 0, 1);

/**
 * Reads a feed date (RFC 822, RFC 3339 and the usual deviations). A date without a zone is taken as UTC so the
 * result does not depend on the server's time zone. Unreadable dates are undefined, never Invalid Date.
 */
export function parseFeedDate(raw: string | undefined): Date | undefined {
  if (!raw) return undefined;
  let text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return undefined;
  // "2003-07-01 T 01:55:07-05:00" and "2024-01-02 10:00:00"
  text = text.replace(/^(\d{4}-\d{2}-\d{2}) ?[T ] ?(\d{2}:\d{2})/, '$1T$2');
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) text += 'Z';
  // RFC 822: a leading weekday (possibly localised) is redundant; a named zone may need an offset.
  text = text.replace(/^[^\d\s,]+,\s*/, '');
  text = text.replace(/ ([A-Z]{1,5})$/, (whole, zone: string) => (ZONES[zone] ? ` ${ZONES[zone]}` : whole));
  if (/^\d{1,2} \w+ \d{2,4} \d{1,2}:\d{2}(:\d{2})?$/.test(text)) text += ' +0000';
  const time = Date.parse(text);
  if (Number.isNaN(time) || time < EARLIEST) return undefined;
  return new Date(time);
}
