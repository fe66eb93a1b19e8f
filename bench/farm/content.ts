/** Deterministic, realistic feed content for the farm: English and Urdu headlines with HTML descriptions. */

const ENGLISH = [
  'Central bank holds rates steady as inflation cools',
  'Bitcoin climbs after regulators approve new exchange rules',
  'Monsoon rains flood low-lying districts, thousands displaced',
  'Parliament passes budget after late-night session',
  'Tech giant unveils cheaper phone for emerging markets',
  'Cricket board names new captain ahead of home series',
  'Scientists map glacier retreat with satellite data',
  'Port strike delays shipments across the region',
];
const URDU = [
  'پاکستان کی کرپٹو کونسل اور ایل سلواڈور کے بٹ کوائن آفس کے درمیان معاہدہ',
  'اسٹیٹ بینک نے شرح سود برقرار رکھی',
  'کراچی میں بارش کے بعد کئی علاقے زیر آب',
  'وفاقی کابینہ نے نئے بجٹ کی منظوری دے دی',
];
const PARAGRAPH =
  'Officials said on Tuesday that the decision followed weeks of consultation with industry groups, analysts and ' +
  'provincial governments, and that further measures would be announced once the figures for the quarter are published.';

export interface FarmItem {
  id: string;
  title: string;
  link: string;
  publishedAt: Date;
}

export function makeItem(feedIndex: number, serial: number, baseUrl: string, publishedAt: Date): FarmItem {
  const pool = serial % 5 === 0 ? URDU : ENGLISH;
  const title = `${pool[serial % pool.length]} (${feedIndex}-${serial})`;
  return {
    id: `${baseUrl}/story/${feedIndex}/${serial}`,
    title,
    link: `${baseUrl}/story/${feedIndex}/${serial}?utm_source=rss`,
    publishedAt,
  };
}

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** About 18 KB for 25 items, like a typical news feed. */
export function renderFeed(feedIndex: number, baseUrl: string, items: FarmItem[]): string {
  const entries = items.map(
    (item) => `    <item>
      <title>${escapeXml(item.title)}</title>
      <link>${escapeXml(item.link)}</link>
      <guid isPermaLink="false">${escapeXml(item.id)}</guid>
      <pubDate>${item.publishedAt.toUTCString()}</pubDate>
      <category>News</category>
      <description>${escapeXml(`<p><img src="${baseUrl}/img/${feedIndex}.jpg" alt=""/></p><p>${PARAGRAPH}</p><p><a href="${item.link}">Read more</a></p>`)}</description>
    </item>`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Farm feed ${feedIndex}</title>
    <link>${baseUrl}/</link>
    <description>Synthetic news feed ${feedIndex} for the Taza fetch benchmark</description>
    <language>en</language>
    <atom:link href="${baseUrl}/feed/${feedIndex}.xml" rel="self" type="application/rss+xml"/>
${entries.join('\n')}
  </channel>
</rss>
`;
}
