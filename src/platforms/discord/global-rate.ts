/**
 * Discord allows a bot 50 requests per second in all, whichever process makes them. discord.js counts only its own
 * requests, so with several instances every REST request first takes a use of the shared rate 'discord:global'
 * from the coordinator, inside discord.js's own request function (alert posts, command replies and follow-ups,
 * command registration, gateway lookups, and each retry of them all).
 *
 * The coordinator's rate counts fixed windows, and Discord's second does not start when ours does: 50 at the end of
 * one of our windows and 50 at the start of the next would be 100 in one of Discord's. So the budget is taken in
 * slices (a tenth of the window at most) of limit / (slices + 1) each: any window of `windowMs`, wherever it starts,
 * overlaps at most slices + 1 of them, and so sees at most `limit` requests (45 per second sustained for 50).
 */
import { DefaultRestOptions, type RESTOptions } from 'discord.js';
import type { Coordinator } from '../../coordination/coordinator.js';

export const GLOBAL_RATE = 'discord:global';

export interface GlobalRate {
  /** Requests per window across every instance. Default 50. */
  limit: number;
  /** Default 1000 ms. */
  windowMs: number;
}

export function globalRateRequest(
  coordinator: Coordinator,
  rate: Partial<GlobalRate> = {},
  request: RESTOptions['makeRequest'] = DefaultRestOptions.makeRequest,
): RESTOptions['makeRequest'] {
  const limit = rate.limit ?? 50;
  const windowMs = rate.windowMs ?? 1000;
  const slices = Math.max(1, Math.min(9, limit - 1));
  const perSlice = Math.max(1, Math.floor(limit / (slices + 1)));
  const sliceMs = windowMs / slices;
  return async (url, init) => {
    await coordinator.takeRate(GLOBAL_RATE, perSlice, sliceMs);
    // discord.js's timeout runs while the request waits its turn: one that timed out meanwhile is not sent late.
    init.signal?.throwIfAborted();
    return request(url, init);
  };
}
