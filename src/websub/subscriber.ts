/**
 * Taza's side of WebSub: subscribing at a feed's hub, answering the hub's verification of intent, renewing the
 * lease before it ends and unsubscribing once no subscription uses the feed. One record per feed in the store's
 * `websub` namespace (hub, topic, a random secret, the lease). Deliveries are checked by callback.ts.
 *
 * With other instances on the store (a shared coordinator) the hub must see one subscriber per feed: every request
 * to the hub is made under the lease `websub:<feed id>` by whoever takes it, after reading the record again from the
 * store, so two instances never subscribe one feed with two secrets (the hub keeps the last, and the other's
 * deliveries would fail their HMAC). The record is the shared truth: a verification or a delivery, which the load
 * balancer may hand to any instance, reads it from the store; the in-memory map is a cache for the scheduling
 * (`isLive`), kept fresh by 'taza:websub' messages and a reload on every tick.
 */
import { randomBytes } from 'node:crypto';
import type { Coordinator, Lease } from '../coordination/coordinator.js';
import { RecordChannel } from '../coordination/record-channel.js';
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
  /** The instances' coordinator: when shared, hub requests are leased and the records read from the store. */
  coordinator?: Pick<Coordinator, 'shared' | 'instanceId' | 'tryLease' | 'publish' | 'subscribe'>;
  now?: () => Date;
}

/** Where instances tell each other that a feed's record changed (the message is the feed id). */
export const WEBSUB_CHANNEL = 'taza:websub';
/** Longer than a hub request can take (the fetcher's timeouts): the holder never loses it mid-request. */
const REQUEST_LEASE_MS = 60_000;

/** A request the hub did not verify (or refused) is tried again after this long. */
const RETRY_MS = 60 * 60_000;
/** A lease is renewed this long before it ends (or after 90% of it, for short leases). */
const RENEW_BEFORE_MS = 60 * 60_000;

/** How long a feed may have no subscription right after its hub was asked (a /subscribe in progress). */
const UNUSED_GRACE_MS = 10 * 60_000;

export const CALLBACK_PREFIX = '/websub/';

export class Subscriber {
  private records = new Map<string, WebSubRecord>();
  private readonly now: () => Date;
  /** Shared: where record changes are announced and heard (the tick reloads every record: no timer here). */
  private readonly channel: RecordChannel | undefined;
  private onFollowError: (error: unknown) => void = () => undefined;

  private constructor(private readonly options: SubscriberOptions) {
    this.now = options.now ?? (() => new Date());
    if (options.coordinator?.shared)
      this.channel = new RecordChannel({
        coordinator: options.coordinator,
        channel: WEBSUB_CHANNEL,
        refresh: (feedId) => this.current(feedId),
        reload: () => this.reload(),
        reloadMs: 0,
        onError: (_failed, error) => this.onFollowError(error),
      });
  }

  static async load(options: SubscriberOptions): Promise<Subscriber> {
    const subscriber = new Subscriber(options);
    await subscriber.reload();
    return subscriber;
  }

  private get shared(): boolean {
    return this.options.coordinator?.shared === true;
  }

  /** With other instances: each 'taza:websub' message reads that feed's record again. Alone: nothing to follow. */
  async follow(onError: (error: unknown) => void): Promise<void> {
    this.onFollowError = onError;
    await this.channel?.follow();
  }

  async close(): Promise<void> {
    await this.channel?.close();
  }

  /** The record as cached (the scheduling's view). */
  get(feedId: string): WebSubRecord | undefined {
    return this.records.get(feedId);
  }

  /**
   * The record as it is now: from the store when other instances may have changed it (a verification of a request
   * another instance made, a delivery under a secret it chose), else the cache, which is then the truth.
   */
  async current(feedId: string): Promise<WebSubRecord | undefined> {
    if (!this.shared) return this.records.get(feedId);
    const record = await this.options.store.websub.get(feedId);
    if (record) this.records.set(feedId, record);
    else this.records.delete(feedId);
    return record;
  }

  /** Whether the hub has a verified, unexpired lease for the feed: it then needs only a long safety-net poll. */
  isLive(feedId: string): boolean {
    return this.isLiveRecord(this.records.get(feedId));
  }

  isLiveRecord(record: WebSubRecord | undefined): boolean {
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
    // The cache answers the common case (nothing changed) without a lease or a round-trip.
    if (!discoveryChanges(this.records.get(feedId), link)) return;
    await this.exclusive(feedId, async () => {
      const record = await this.current(feedId);
      if (!discoveryChanges(record, link)) return;
      if (!link) await this.unsubscribe(record!);
      else await this.subscribe(feedId, link);
    });
  }

  /** Renewals, expiries, retries and unsubscriptions that are due; the app runs it every minute. */
  async tick(): Promise<void> {
    // Every instance ticks; the store's records (reloaded: the net under lost messages) say what is due, and the
    // lease of each feed lets one instance act on it.
    if (this.shared) await this.reload();
    const now = this.now();
    for (const cached of [...this.records.values()]) {
      try {
        if (!this.tickDue(cached, now)) continue;
        await this.exclusive(cached.feedId, async () => {
          const record = await this.current(cached.feedId);
          if (record) await this.tickOne(record, this.now());
        });
      } catch (error) {
        this.options.logger.warn(
          { event: 'websub.tick-failed', feedId: cached.feedId, hub: cached.hub, err: error },
          'WebSub bookkeeping failed; tried again next minute',
        );
      }
    }
  }

  /** What the tick has to do for the record now, if anything. */
  private tickAction(
    record: WebSubRecord,
    now: Date,
  ): 'forget' | 'unsubscribe' | 'expired' | 'renew' | 'retry' | undefined {
    const at = now.getTime();
    const leaseEnd = record.leaseUntil ? Date.parse(record.leaseUntil) : undefined;
    const sinceRequest = at - Date.parse(record.requestedAt);
    // A feed is checked (and its hub found) before /subscribe saves the subscription: that moment is not "unused".
    const unused =
      !this.options.feeds.get(record.feedId) ||
      (this.options.subscriptions.byFeed(record.feedId).length === 0 && sinceRequest >= UNUSED_GRACE_MS);
    if (record.state === 'unsubscribing') {
      // The hub never confirmed: the lease ends on its own, and the record goes with it.
      return (leaseEnd ?? 0) <= at && sinceRequest >= RETRY_MS ? 'forget' : undefined;
    }
    if (unused) return 'unsubscribe';
    if (record.state === 'subscribed' && leaseEnd !== undefined) {
      if (leaseEnd <= at) return 'expired';
      const lease = (record.leaseSeconds ?? 0) * 1000;
      const renewAt = leaseEnd - Math.min(RENEW_BEFORE_MS, lease / 10);
      // Asked already (by this instance or another): the hub's verification is awaited.
      const renewing = sinceRequest < Math.min(RETRY_MS, lease / 10);
      return at >= renewAt && !renewing ? 'renew' : undefined;
    }
    return sinceRequest >= RETRY_MS ? 'retry' : undefined;
  }

  private tickDue(record: WebSubRecord, now: Date): boolean {
    return this.tickAction(record, now) !== undefined;
  }

  private async tickOne(record: WebSubRecord, now: Date): Promise<void> {
    const action = this.tickAction(record, now);
    if (action === 'forget') return this.forget(record.feedId);
    if (action === 'unsubscribe') return this.unsubscribe(record);
    if (action === 'expired') {
      this.options.logger.warn(
        { event: 'websub.lease-expired', feedId: record.feedId, hub: record.hub, topic: record.topic },
        'WebSub lease ended without renewal; polling at the normal interval again',
      );
      await this.save({ ...record, state: 'subscribing' });
      this.options.onLeaseLost?.(record.feedId);
      return this.request(record, 'subscribe');
    }
    if (action === 'renew' || action === 'retry') await this.request(record, 'subscribe');
  }

  /** The hub's GET on the callback. Answers the challenge to echo, or undefined to refuse (404). */
  async verify(feedId: string, query: URLSearchParams): Promise<string | undefined> {
    // From the store: the request may be another instance's, made a moment ago.
    const record = await this.current(feedId);
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
    await this.announce(record.feedId);
  }

  private async forget(feedId: string): Promise<void> {
    await this.options.store.websub.delete(feedId);
    this.records.delete(feedId);
    await this.announce(feedId);
  }

  private async announce(feedId: string): Promise<void> {
    // At most once: a lost message is made good by the next tick's reload.
    await this.channel?.announce(feedId);
  }

  private async reload(): Promise<void> {
    const records = new Map<string, WebSubRecord>();
    for (const record of await allValues(this.options.store.websub)) records.set(record.feedId, record);
    this.records = records;
  }

  /**
   * Runs a change of the feed's subscription at the hub. Alone, at once; with other instances, under the feed's
   * `websub:` lease, or not at all when another instance holds it (it is making the same change; a check or a tick
   * after it looks again).
   */
  private async exclusive(feedId: string, change: () => Promise<void>): Promise<void> {
    if (!this.shared) return change();
    const lease: Lease | undefined = await this.options.coordinator!.tryLease(`websub:${feedId}`, REQUEST_LEASE_MS);
    if (!lease) return;
    try {
      await change();
    } finally {
      await lease.release().catch(() => undefined);
    }
  }
}

/** Whether what a check found of the feed's hub differs from the record (subscribe anew, or unsubscribe). */
function discoveryChanges(record: WebSubRecord | undefined, link: HubLink | undefined): boolean {
  if (!link) return record !== undefined && record.state !== 'unsubscribing';
  return !(record && record.hub === link.hub && record.topic === link.topic && record.state !== 'unsubscribing');
}
