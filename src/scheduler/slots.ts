/**
 * At most `size` tasks at once in this process; the others wait, the lowest `rank` first, and in the order they
 * came within a rank.
 */
export class Slots {
  private used = 0;
  private readonly waiting: Array<{ rank: number; start: () => void }> = [];

  constructor(private readonly size: number) {}

  async run<T>(task: () => Promise<T>, rank = 0): Promise<T> {
    if (this.used < this.size) this.used++;
    else
      await new Promise<void>((start) => {
        // After the last waiting task of the same or a lower rank.
        let at = this.waiting.length;
        while (at > 0 && this.waiting[at - 1]!.rank > rank) at--;
        this.waiting.splice(at, 0, { rank, start });
      });
    try {
      return await task();
    } finally {
      // The slot goes straight to the next waiting task, if any.
      const next = this.waiting.shift();
      if (next) next.start();
      else this.used--;
    }
  }
}
