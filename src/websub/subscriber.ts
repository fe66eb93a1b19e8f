/**
 * Taza's side of WebSub: subscribing at a feed's hub, answering the hub's verification of intent, renewing the
 * lease before it ends and unsubscribing once no subscription uses the feed. One record per feed in the store's
 * `websub` namespace (hub, topic, a random secret, the lease). Deliveries are checked by callback.ts.
 */
import { randomBytes } from 'node:crypto';
import type { WebSubRecord } from '../core/records.js';
import type { Fetcher } from '../fetcher/types.js';
import type { Logger } from '../log/logger.js';
import type { FeedRegistry } from '../registry/feeds.js';
import type { SubscriptionRegistry } from '../registry/subscriptions.js';
import type { Store } from '../store/open.js';
import { allValues } from '../store/open.js';
import type { HubLink } from './links.js';

export interface SubscriberOptions {
  /** PUBLIC_URL: the base the hub calls back on (the HTTP server's `/websub/<feed id>` route). */
  publicUrl: string;
  store: Pick<Store, 'websub'>;
  feeds: Pick<FeedRegistry, 'get'>;
  subscriptions: Pick<SubscriptionRegistry, 'byFeed'>;
  /** The fetcher (its private-network rule applies to hub URLs, which come from feed content). */
  fetcher: Fetcher;
  logger: Logger;
  /** The lease asked for (the hub may grant another). */
  leaseSeconds: number;
  /** A feed's lease ended without renewal: its polling goes back to the normal interval. */
  onLeaseLost?: (feedId: string) => void;
  now?: () => Date;
}

/** A request the hub did not verify (or refused) is tried again after this long. */
const RETRY_MS = 60 * 60_000;
/** A lease is renewed this long before it ends (or after 90% of it, for short leases). */
const RENEW_BEFORE_MS = 60 * 60_000;

/** How long a feed may have no subscription right after its hub was asked (a /subscribe in progress). */
const UNUSED_GRACE_MS = 10 * 60_000;

export const CALLBACK_PREFIX = '/websub/';

export class Subscriber {
  private readonly records = new Map<string, WebSubRecord>();
  private readonly now: () => Date;

  private constructor(private readonly options: SubscriberOptions) {
    this.now = options.now ?? (() => new Date());
  }

  static async load(options: SubscriberOptions): Promise<Subscriber> {
    const subscriber = new Subscriber(options);
    for (const record of await allValues(options.store.websub)) subscriber.records.set(record.feedId, record);
    return subscriber;
  }

  get(feedId: string): WebSubRecord | undefined {
    return this.records.get(feedId);
  }

  /** Whether the hub has a verified, unexpired lease for the feed: it then needs only a long safety-net poll. */
  isLive(feedId: string): boolean {
    const record = this.records.get(feedId);
    return (
      record?.state === 'subscribed' && record.leaseUntil !== undefined && record.leaseUntil > this.now().toISOString()
    );
  }

  callbackUrl(feedId: string): string {
    return `${this.options.publicUrl}${CALLBACK_PREFIX}${encodeURIComponent(feedId)}`;
  }

  /**
   * What a check that read the feed found: the hub it names, or none. A new hub or topic is subscribed to; a
   * feed that stopped naming its hub is unsubscribed.
   */
  async noteDiscovery(feedId: string, link: HubLink | undefined): Promise<void> {
    const record = this.records.get(feedId);
    if (!link) {
      if (record && record.state !== 'unsubscribing') await this.unsubscribe(record);
      return;
    }
    if (record && record.hub === link.hub && record.topic === link.topic && record.state !== 'unsubscribing') return;
    await this.subscribe(feedId, link);
  }

  /** Renewals, expiries, retries and unsubscriptions that are due; the app runs it every minute. */
  async tick(): Promise<void> {
    const now = this.now();
    for (const record of [...this.records.values()]) {
      try {
        await this.tickOne(record, now);
      } catch (error) {
        this.options.logger.warn(
          { event: 'websub.tick-failed', feedId: record.feedId, hub: record.hub, err: error },
          'WebSub bookkeeping failed; tried again next minute',
        );
      }
    }
  }

  private async tickOne(record: WebSubRecord, now: Date): Promise<void> {
    const at = now.getTime();
    const leaseEnd = record.leaseUntil ? Date.parse(record.leaseUntil) : undefined;
    const sinceRequest = at - Date.parse(record.requestedAt);
    // A feed is checked (and its hub found) before /subscribe saves the subscription: that moment is not "unused".
    const unused =
      !this.options.feeds.get(record.feedId) ||
      (this.options.subscriptions.byFeed(record.feedId).length === 0 && sinceRequest >= UNUSED_GRACE_MS);
    if (record.state === 'unsubscribing') {
      // The hub never confirmed: the lease ends on its own, and the record goes with it.
      if ((leaseEnd ?? 0) <= at && sinceRequest >= RETRY_MS) await this.forget(record.feedId);
      return;
    }
    if (unused) return this.unsubscribe(record);
    if (record.state === 'subscribed' && leaseEnd !== undefined) {
      if (leaseEnd <= at) {
        this.options.logger.warn(
          { event: 'websub.lease-expired', feedId: record.feedId, hub: record.hub, topic: record.topic },
          'WebSub lease ended without renewal; polling at the normal interval again',
        );
        await this.save({ ...record, state: 'subscribing' });
        this.options.onLeaseLost?.(record.feedId);
        return this.request(record, 'subscribe');
      }
      const lease = (record.leaseSeconds ?? 0) * 1000;
      const renewAt = leaseEnd - Math.min(RENEW_BEFORE_MS, lease / 10);
      const renewing = sinceRequest < Math.min(RETRY_MS, lease / 10);
      if (at >= renewAt && !renewing) await this.request(record, 'subscribe');
      return;
    }
    if (sinceRequest >= RETRY_MS) await this.request(record, 'subscribe');
  }

  /** The hub's GET on the callback. Answers the challenge to echo, or undefined to refuse (404). */
  async verify(feedId: string, query: URLSearchParams): Promise<string | undefined> {
    const record = this.records.get(feedId);
    const mode = query.get('hub.mode');
    const topic = query.get('hub.topic');
    const challenge = query.get('hub.challenge');
    const log = { feedId, hub: record?.hub, topic, mode };
    if (!record || topic !== record.topic) {
      this.options.logger.warn(
        { event: 'websub.verify-refused', ...log },
        'hub verification for a topic Taza did not ask for',
      );
      return undefined;
    }
    if (mode === 'denied') {
      this.options.logger.warn(
        { event: 'websub.denied', ...log, reason: query.get('hub.reason') },
        'hub refused the subscription',
      );
      await this.save({ ...record, state: 'denied', requestedAt: this.now().toISOString() });
      return challenge ?? '';
    }
    if (challenge === null) return undefined;
    if (mode === 'subscribe' && record.state !== 'unsubscribing') {
      const asked = Number(query.get('hub.lease_seconds'));
      const leaseSeconds = Number.isFinite(asked) && asked > 0 ? asked : this.options.leaseSeconds;
      const leaseUntil = new Date(this.now().getTime() + leaseSeconds * 1000).toISOString();
      await this.save({ ...record, state: 'subscribed', leaseSeconds, leaseUntil });
      this.options.logger.info(
        { event: 'websub.subscribed', ...log, leaseSeconds },
        'WebSub subscription verified: new items are pushed',
      );
      return challenge;
    }
    if (mode === 'unsubscribe' && record.state === 'unsubscribing') {
      await this.forget(feedId);
      this.options.logger.info({ event: 'websub.unsubscribed', ...log }, 'WebSub subscription ended');
      return challenge;
    }
    this.options.logger.warn({ event: 'websub.verify-refused', ...log }, 'hub verification Taza did not ask for');
    return undefined;
  }

  private async subscribe(feedId: string, link: HubLink): Promise<void> {
    const previous = this.records.get(feedId);
    const record: WebSubRecord = {
      feedId,
      hub: link.hub,
      topic: link.topic,
      // A new secret per subscription: one leaked secret signs for one feed only.
      secret: randomBytes(32).toString('hex'),
      state: 'subscribing',
      requestedAt: this.now().toISOString(),
    };
    if (previous?.state === 'subscribed' && previous.hub === link.hub && previous.topic === link.topic) return;
    await this.request(record, 'subscribe');
  }

  private async unsubscribe(record: WebSubRecord): Promise<void> {
    await this.request({ ...record, state: 'unsubscribing' }, 'unsubscribe');
  }

  /**
   * Saves the record first (the hub may verify before it answers the request), then asks the hub. A hub that
   * refuses or cannot be reached leaves the record to be tried again after RETRY_MS; polling goes on meanwhile.
   */
  private async request(record: WebSubRecord, mode: 'subscribe' | 'unsubscribe'): Promise<void> {
    const requested = { ...record, requestedAt: this.now().toISOString() };
    await this.save(requested);
    const log = { feedId: record.feedId, hub: record.hub, topic: record.topic, mode };
    try {
      await this.options.fetcher({
        url: record.hub,
        form: {
          'hub.mode': mode,
          'hub.topic': record.topic,
          'hub.callback': this.callbackUrl(record.feedId),
          ...(mode === 'subscribe'
            ? { 'hub.secret': record.secret, 'hub.lease_seconds': String(this.options.leaseSeconds) }
            : {}),
        },
      });
      this.options.logger.info({ event: 'websub.requested', ...log }, `asked the hub to ${mode}`);
    } catch (error) {
      this.options.logger.warn(
        { event: 'websub.request-failed', ...log, err: error },
        `the hub did not take the ${mode} request; polling continues, tried again later`,
      );
      if (mode === 'unsubscribe') await this.forget(record.feedId);
    }
  }

  private async save(record: WebSubRecord): Promise<void> {
    await this.options.store.websub.set(record.feedId, record);
    this.records.set(record.feedId, record);
  }

  private async forget(feedId: string): Promise<void> {
    await this.options.store.websub.delete(feedId);
    this.records.delete(feedId);
  }
}
