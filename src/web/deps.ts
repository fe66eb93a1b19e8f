/** What the dashboard needs from the app: the registries, the outbox, the command layer, and a few views. */
import type { CommandLayer } from '../chat/start.js';
import type { OutboxEntry } from '../core/records.js';
import type { Logger } from '../log/logger.js';
import type { Outbox } from '../outbox/outbox.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { CheckLog } from './check-log.js';

export interface DashboardDeps {
  /** DASHBOARD_TOKEN: the self-hoster's password, and the key login links are signed with. */
  token: string;
  feeds: FeedRegistry;
  subscriptions: SubscriptionRegistry;
  outbox: Pick<Outbox, 'byDestination'>;
  /** Every outbox entry in the store, pending and done (done ones are kept 7 days): the alerts' history. */
  history(): Promise<OutboxEntry[]>;
  /**
   * True the first time a login link's nonce is used, on any instance (the store's insert-if-absent); it is
   * remembered until the link would have expired anyway.
   */
  useLink(nonce: string, expiresAt: number): Promise<boolean>;
  /** How many items of this feed are in the seen set. */
  seenCount(feedId: string): Promise<number>;
  /** Each platform's connection state. */
  platforms(): Record<string, string>;
  commands: Pick<CommandLayer, 'commands' | 'services'>;
  checks: CheckLog;
  logger: Logger;
  now(): Date;
}
