/**
 * What every sink promises the delivery worker (src/outbox/sink.ts), as one suite run against each sink through
 * its platform's fake: the outbox's guarantees (nothing lost, nothing posted twice, a destination paused only when
 * it refuses for good) rest on these and on nothing platform-specific.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Destination, Platform } from '../../src/core/destination.js';
import { DeliveryError, type Sink } from '../../src/outbox/sink.js';
import { makeAlert } from './alerts.js';
import { rejection, turn } from './wait.js';

export interface SinkSubject {
  /** Not started yet. */
  sink: Sink;
  /** A destination the platform knows. */
  to: Destination;
  /** How many alerts the platform has taken for `to`. */
  delivered(): number;
  /**
   * From now on the platform takes an alert without acknowledging it. `taken` resolves when it has one; `release`,
   * when the platform can acknowledge later (the console), sends the acknowledgement.
   */
  withholdAcknowledgement(): { taken: Promise<void>; release?: () => void };
  /** The platform's own refusals, for sinks that talk to one. */
  faults?: {
    /** The destination refuses for good (the bot was removed, the channel is gone). */
    refuse(): void;
    /** Every answer is this 5xx. */
    serverError(status: number): void;
    /** Every answer is a 429 asking to wait this long. */
    rateLimit(seconds: number): void;
  };
  close(): Promise<void>;
}

const OTHER: Record<Platform, Destination> = {
  console: { platform: 'telegram', id: '-100123' },
  discord: { platform: 'telegram', id: '-100123' },
  telegram: { platform: 'discord', id: '1300000000000000009' },
};

/** `faults: false` for a sink with no platform behind it to refuse (the console). */
export function sinkContract(
  name: string,
  makeSubject: () => Promise<SinkSubject>,
  options: { faults: boolean } = { faults: true },
): void {
  describe(`${name} sink contract`, () => {
    let subject: SinkSubject;
    let n = 0;
    const alert = () => makeAlert({ n: ++n, to: subject.to });
    const started = async () => {
      await subject.sink.start();
      return subject.sink;
    };

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject.sink.stop();
      await subject.close();
    });

    it('is not connected before start(), connected once it resolves, stopped after stop(); stop() is idempotent', async () => {
      expect(subject.sink.platform).toBe(subject.to.platform);
      expect(['disconnected', 'connecting']).toContain(subject.sink.state());
      await subject.sink.start();
      expect(subject.sink.state()).toBe('connected');
      await subject.sink.stop();
      expect(subject.sink.state()).toBe('stopped');
      await subject.sink.stop();
      expect(subject.sink.state()).toBe('stopped');
    });

    it('resolves send() once the platform has taken and acknowledged the alert', async () => {
      const sink = await started();
      await sink.send(alert());
      expect(subject.delivered()).toBe(1);
      await sink.send(alert());
      expect(subject.delivered()).toBe(2);
    });

    it('never reports as sent an alert the platform took without acknowledging it', async () => {
      const sink = await started();
      const held = subject.withholdAcknowledgement();
      let settled = false;
      const outcome = sink.send(alert()).then(
        () => 'resolved' as const,
        (error: unknown) => error,
      );
      void outcome.finally(() => (settled = true));
      await held.taken;
      // Whatever the sink would do without an answer has been done by now.
      await turn();
      expect(settled).toBe(false);
      if (held.release) {
        held.release();
        expect(await outcome).toBe('resolved');
      } else {
        // No acknowledgement ever comes: a failure to retry later, never a success.
        expect(await outcome).toMatchObject({ kind: 'transient' });
        expect(await outcome).toBeInstanceOf(DeliveryError);
      }
    });

    it('refuses an alert addressed to another platform as permanent, without sending it', async () => {
      const sink = await started();
      const error = await rejection(sink.send(makeAlert({ n: ++n, to: OTHER[subject.to.platform] })));
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ kind: 'permanent' });
      expect(subject.delivered()).toBe(0);
    });

    it('refuses sends after stop() as transient: the alert waits in the outbox for the next start', async () => {
      const sink = await started();
      await sink.stop();
      const error = await rejection(sink.send(alert()));
      expect(error).toBeInstanceOf(DeliveryError);
      expect(error).toMatchObject({ kind: 'transient' });
      expect(subject.delivered()).toBe(0);
    });

    if (options.faults)
      describe('when the platform refuses', () => {
        const faults = () => subject.faults!;

        it('reports a destination that refuses for good as a permanent DeliveryError, with the reason', async () => {
          const sink = await started();
          faults().refuse();
          const error = await rejection(sink.send(alert()));
          expect(error).toBeInstanceOf(DeliveryError);
          expect(error).toMatchObject({ kind: 'permanent', message: expect.stringMatching(/\S/) });
        });

        it('reports a 5xx that outlasts the retries as transient, with its status', async () => {
          const sink = await started();
          faults().serverError(503);
          const error = await rejection(sink.send(alert()));
          expect(error).toBeInstanceOf(DeliveryError);
          expect(error).toMatchObject({ kind: 'transient', details: { status: 503 } });
        });

        it('reports a long 429 as transient, with how long the platform asked to wait', async () => {
          const sink = await started();
          faults().rateLimit(120);
          const error = await rejection(sink.send(alert()));
          expect(error).toBeInstanceOf(DeliveryError);
          expect(error).toMatchObject({ kind: 'transient', details: { status: 429 } });
          expect((error as DeliveryError).details.retryAfterMs).toBeGreaterThanOrEqual(120_000);
          expect(subject.delivered()).toBe(0);
        });
      });
  });
}
