/**
 * Who is looking: the self-hoster (the dashboard token, or a link from `taza dashboard-link`) sees everything; an
 * admin who used a link from /dashboard sees and changes only the server or chat it was asked in.
 */
import type { Destination } from '../core/destination.js';
import { formatDestination } from '../core/destination.js';
import type { Subscription } from '../core/records.js';

export type Viewer =
  | { kind: 'owner' }
  | {
      kind: 'scope';
      platform: 'discord' | 'telegram';
      /** The Discord server id or the Telegram chat id. */
      scope: string;
      /** Where /dashboard was asked: the default destination of new subscriptions. */
      destination: Destination;
      user: { id: string; name?: string };
    };

export function sees(viewer: Viewer, subscription: Pick<Subscription, 'scope'>): boolean {
  return viewer.kind === 'owner' || subscription.scope === viewer.scope;
}

/** How pages and command replies name the viewer's scope. */
export function scopeLabel(viewer: Viewer): string {
  if (viewer.kind === 'owner') return 'every server and chat';
  return viewer.platform === 'discord' ? `server ${viewer.scope}` : `chat ${viewer.scope}`;
}

export function destinationLabel(destination: Destination): string {
  if (destination.platform === 'discord') return `channel ${destination.id}`;
  if (destination.platform === 'telegram') return `chat ${destination.id}`;
  return 'the console';
}

export function sameDestination(a: Destination, b: Destination): boolean {
  return formatDestination(a) === formatDestination(b);
}
