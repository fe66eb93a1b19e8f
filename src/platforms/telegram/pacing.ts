/**
 * Keeps sends within Telegram's limits so they are never answered with 429 in the first place:
 * about one message per second per chat, 20 per minute per group, 30 per second overall.
 * Sends to one chat run one at a time, in the order they were asked for.
 */

export interface PacingLimits {
  /** Minimum time between the end of one send to a chat and the start of the next. */
  perChatGapMs: number;
  /** Sends per rolling minute to one group (negative chat id). */
  perGroupPerMinute: number;
  /** Sends started per rolling second, all chats together. */
  globalPerSecond: number;
}

export const TELEGRAM_LIMITS: PacingLimits = { perChatGapMs: 1000, perGroupPerMinute: 20, globalPerSecond: 30 };

export interface PacingClock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

// Looked up at call time so tests can drive the pacer with fake timers.
const realClock: PacingClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

interface ChatHistory {
  /** When the last send to this chat finished (-Infinity before the first). */
  lastDone: number;
  /** Finish times of recent sends, for the per-group minute window. */
  recent: number[];
  /** The end of this chat's queue: the next send waits for it. */
  tail: Promise<unknown>;
  queued: number;
}

const MINUTE_MS = 60_000;
const SECOND_MS = 1000;
const SWEEP_EVERY = 256;

export class TelegramPacer {
  private readonly chats = new Map<string, ChatHistory>();
  /** Start times reserved for the last `globalPerSecond` sends, in increasing order. */
  private readonly globalStarts: number[] = [];
  private runs = 0;

  constructor(
    private readonly limits: PacingLimits = TELEGRAM_LIMITS,
    private readonly clock: PacingClock = realClock,
  ) {}

  /** Runs `task` after the chat's earlier tasks and once every limit allows it. Settles with the task's outcome. */
  run<T>(chatId: string, task: () => Promise<T>): Promise<T> {
    const chat = this.history(chatId);
    chat.queued += 1;
    const result = chat.tail.then(() => this.paced(chatId, chat, task));
    chat.tail = result.then(
      () => this.release(chat),
      () => this.release(chat),
    );
    if (++this.runs % SWEEP_EVERY === 0) this.sweep();
    return result;
  }

  private async paced<T>(chatId: string, chat: ChatHistory, task: () => Promise<T>): Promise<T> {
    let ready = chat.lastDone + this.limits.perChatGapMs;
    // Negative ids are groups and supergroups; channels (@name or -100…) share the rule, which is harmless.
    const groupWindowFull = chatId.startsWith('-') && chat.recent.length >= this.limits.perGroupPerMinute;
    if (groupWindowFull)
      ready = Math.max(ready, chat.recent[chat.recent.length - this.limits.perGroupPerMinute]! + MINUTE_MS);
    await this.until(ready);
    await this.until(this.reserveGlobalStart());
    try {
      return await task();
    } finally {
      const done = this.clock.now();
      chat.lastDone = done;
      chat.recent.push(done);
      while (chat.recent.length > this.limits.perGroupPerMinute) chat.recent.shift();
    }
  }

  /**
   * Reserved synchronously when a chat is otherwise ready, so reservations come in time order and the
   * (globalPerSecond)th-latest one bounds the next start.
   */
  private reserveGlobalStart(): number {
    const limit = this.limits.globalPerSecond;
    const now = this.clock.now();
    const start =
      this.globalStarts.length >= limit
        ? Math.max(now, this.globalStarts[this.globalStarts.length - limit]! + SECOND_MS)
        : now;
    this.globalStarts.push(start);
    while (this.globalStarts.length > limit) this.globalStarts.shift();
    return start;
  }

  private async until(time: number): Promise<void> {
    // Timers may wake a fraction of a millisecond early; loop until the clock really passed `time`.
    for (let now = this.clock.now(); now < time; now = this.clock.now()) await this.clock.sleep(Math.ceil(time - now));
  }

  private history(chatId: string): ChatHistory {
    let chat = this.chats.get(chatId);
    if (!chat) {
      chat = { lastDone: Number.NEGATIVE_INFINITY, recent: [], tail: Promise.resolve(), queued: 0 };
      this.chats.set(chatId, chat);
    }
    return chat;
  }

  private release(chat: ChatHistory): void {
    chat.queued -= 1;
  }

  /** Forgets idle chats whose history can no longer delay anything, so the map does not grow forever. */
  private sweep(): void {
    const now = this.clock.now();
    for (const [chatId, chat] of this.chats) {
      if (chat.queued === 0 && now - chat.lastDone >= Math.max(MINUTE_MS, this.limits.perChatGapMs))
        this.chats.delete(chatId);
    }
  }
}
