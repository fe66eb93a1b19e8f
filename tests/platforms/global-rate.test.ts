/** The shared Discord rate in discord.js's request function, with a coordinator that records what is taken. */
import { describe, expect, it } from 'vitest';
import { createLocalCoordinator } from '../../src/coordination/local.js';
import { GLOBAL_RATE, globalRateRequest } from '../../src/platforms/discord/global-rate.js';

function recording() {
  const local = createLocalCoordinator();
  const taken: Array<[string, number, number]> = [];
  const coordinator = {
    ...local,
    async takeRate(name: string, limit: number, windowMs: number) {
      taken.push([name, limit, windowMs]);
      await local.takeRate(name, limit, windowMs);
    },
  };
  return { coordinator, taken };
}

describe('Discord global rate', () => {
  it('takes 50 per second as slices of 5 per 111 ms, so no second anywhere sees more than 50', async () => {
    const { coordinator, taken } = recording();
    const sent: string[] = [];
    const request = globalRateRequest(coordinator, {}, async (url) => {
      sent.push(url);
      return new Response('{}') as never;
    });
    await request('http://discord.test/api/v10/users/@me', {});
    expect(sent).toEqual(['http://discord.test/api/v10/users/@me']);
    const [[name, perSlice, sliceMs]] = taken as [[string, number, number]];
    expect(name).toBe(GLOBAL_RATE);
    expect(perSlice).toBe(5);
    expect(sliceMs).toBeCloseTo(1000 / 9);
    // A window of 1000 ms, wherever it starts, overlaps at most 9 + 1 slices of 111 ms.
    expect(perSlice * (Math.round(1000 / sliceMs) + 1)).toBeLessThanOrEqual(50);
  });

  it('does not send a request whose timeout ran out while it waited for its turn', async () => {
    const { coordinator } = recording();
    let sent = 0;
    const request = globalRateRequest(coordinator, { limit: 2, windowMs: 1000 }, async () => {
      sent++;
      return new Response('{}') as never;
    });
    const timedOut = new AbortController();
    timedOut.abort(new DOMException('This operation was aborted', 'AbortError'));
    await expect(request('http://discord.test/x', { signal: timedOut.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
    expect(sent).toBe(0);
  });
});
