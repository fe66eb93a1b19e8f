/**
 * Which item image an alert may show. Taza never downloads it: Discord's media proxy and Telegram's servers fetch
 * it. Still, an address on a private network is never passed on (a platform fetching it would at best fail, and
 * naming internal hosts in public messages leaks them), and neither is anything but a plain http(s) URL.
 */
import { isIP } from 'node:net';
import { bareIp, createNetworkPolicy } from '../fetcher/network-policy.js';
import { safeLink } from './common.js';

const publicOnly = createNetworkPolicy(false);
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|intranet|lan|home\.arpa)$/i;

export function safeImage(url: string | undefined): string | undefined {
  const link = safeLink(url);
  if (!link) return undefined;
  const host = new URL(link).hostname;
  const ip = bareIp(host);
  if (isIP(ip) !== 0) return publicOnly.isAllowed(ip) ? link : undefined;
  if (LOCAL_NAMES.test(host) || !host.includes('.')) return undefined;
  return link;
}

/** The alert's image, unless the subscription turned images off. */
export function alertImage(alert: { item: { image?: string }; style?: { images?: boolean } }): string | undefined {
  return alert.style?.images === false ? undefined : safeImage(alert.item.image);
}
