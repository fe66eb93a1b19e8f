/**
 * Deliveries per topic: a token bucket each, so a hub (or someone who learnt a callback URL) that floods one
 * topic is answered 429 without costing a feed read per request.
 */
export class TopicRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    /** Deliveries a topic may send at once. */
    private readonly burst: number,
    /** Deliveries a topic earns back per minute. */
    private readonly perMinute: number,
  ) {}

  take(topic: string, now: number): boolean {
    const bucket = this.buckets.get(topic) ?? { tokens: this.burst, at: now };
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perMinute) / 60_000);
    bucket.at = now;
    this.buckets.set(topic, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  forget(topic: string): void {
    this.buckets.delete(topic);
  }
}
