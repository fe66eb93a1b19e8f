/**
 * Discord's documented message limits, checked by the fake so a renderer bug that Discord would reject with
 * 50035 Invalid Form Body (or 50006 empty message) fails in tests too.
 */
export interface DiscordApiError {
  status: number;
  code: number;
  message: string;
  errors?: Record<string, unknown>;
}

interface Embed {
  title?: unknown;
  description?: unknown;
  url?: unknown;
  timestamp?: unknown;
  color?: unknown;
  footer?: { text?: unknown };
  author?: { name?: unknown };
  fields?: Array<{ name?: unknown; value?: unknown }>;
}

const LIMITS = {
  content: 2000,
  embeds: 10,
  title: 256,
  description: 4096,
  fields: 25,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  total: 6000,
  nonce: 25,
};

export function checkMessageBody(body: Record<string, unknown>): DiscordApiError | undefined {
  const problems: Array<[string, string]> = [];
  const tooLong = (path: string, value: unknown, max: number) => {
    if (typeof value === 'string' && [...value].length > max)
      problems.push([path, `Must be ${max} or fewer in length.`]);
  };
  const content = body.content;
  const embeds = Array.isArray(body.embeds) ? (body.embeds as Embed[]) : [];
  const hasContent = typeof content === 'string' && content.length > 0;
  if (!hasContent && embeds.length === 0 && body.sticker_ids === undefined) {
    return { status: 400, code: 50006, message: 'Cannot send an empty message' };
  }
  tooLong('content', content, LIMITS.content);
  if (embeds.length > LIMITS.embeds) problems.push(['embeds', `Must be ${LIMITS.embeds} or fewer in length.`]);
  if (body.nonce !== undefined) tooLong('nonce', String(body.nonce), LIMITS.nonce);
  let total = 0;
  embeds.forEach((embed, i) => {
    const at = `embeds.${i}`;
    tooLong(`${at}.title`, embed.title, LIMITS.title);
    tooLong(`${at}.description`, embed.description, LIMITS.description);
    tooLong(`${at}.footer.text`, embed.footer?.text, LIMITS.footer);
    tooLong(`${at}.author.name`, embed.author?.name, LIMITS.author);
    if (embed.url !== undefined && (typeof embed.url !== 'string' || !/^https?:\/\/\S+$/.test(embed.url)))
      problems.push([`${at}.url`, 'Not a well formed URL.']);
    if (embed.timestamp !== undefined && Number.isNaN(Date.parse(String(embed.timestamp))))
      problems.push([`${at}.timestamp`, 'Could not parse timestamp.']);
    if (
      embed.color !== undefined &&
      !(Number.isInteger(embed.color) && (embed.color as number) >= 0 && (embed.color as number) <= 0xffffff)
    ) {
      problems.push([`${at}.color`, 'Int value should be less than or equal to 16777215.']);
    }
    const fields = embed.fields ?? [];
    if (fields.length > LIMITS.fields) problems.push([`${at}.fields`, `Must be ${LIMITS.fields} or fewer in length.`]);
    fields.forEach((field, j) => {
      if (typeof field.name !== 'string' || field.name === '')
        problems.push([`${at}.fields.${j}.name`, 'This field is required']);
      if (typeof field.value !== 'string' || field.value === '')
        problems.push([`${at}.fields.${j}.value`, 'This field is required']);
      tooLong(`${at}.fields.${j}.name`, field.name, LIMITS.fieldName);
      tooLong(`${at}.fields.${j}.value`, field.value, LIMITS.fieldValue);
      total += String(field.name ?? '').length + String(field.value ?? '').length;
    });
    total += [embed.title, embed.description, embed.footer?.text, embed.author?.name].reduce<number>(
      (n, v) => n + (typeof v === 'string' ? v.length : 0),
      0,
    );
  });
  if (total > LIMITS.total) problems.push(['embeds', `Embed size exceeds maximum size of ${LIMITS.total}`]);
  if (problems.length === 0) return undefined;
  const errors: Record<string, unknown> = {};
  for (const [path, message] of problems) errors[path] = { _errors: [{ code: 'BASE_TYPE_BAD', message }] };
  return { status: 400, code: 50035, message: 'Invalid Form Body', errors };
}
