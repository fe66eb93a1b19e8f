/**
 * Reads a process's CPU time and memory from /proc (Linux), so Taza, the peer and the farm are each measured
 * from outside, the same way, whatever runtime they use.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let clockTicks: number | undefined;

/** Kernel clock ticks per second (utime and stime are counted in them); 100 on almost every Linux. */
function ticksPerSecond(): number {
  if (clockTicks === undefined) {
    try {
      clockTicks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      clockTicks = 100;
    }
  }
  return clockTicks;
}

export interface ProcessReading {
  /** ms epoch of the reading. */
  at: number;
  /** User + system CPU time of the process so far (its threads included), in ms. */
  cpuMs: number;
  /** Resident set now, in MB. */
  rssMb: number;
  /** Peak resident set so far (VmHWM), in MB. */
  peakRssMb: number;
}

/** One reading; undefined once the process has gone. */
export function readProcess(pid: number): ProcessReading | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), so utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond();
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { at: Date.now(), cpuMs, rssMb: kb('VmRSS') / 1024, peakRssMb: kb('VmHWM') / 1024 };
  } catch {
    return undefined;
  }
}

/** Reads a process every `everyMs` until stopped: a series to cut measurement windows from. */
export class ProcessSampler {
  readonly readings: ProcessReading[] = [];
  private readonly timer: NodeJS.Timeout;

  constructor(
    readonly pid: number,
    everyMs = 200,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
    this.timer.unref();
  }

  /** Takes a reading now (also the way to mark a window's edge precisely). */
  sample(): ProcessReading | undefined {
    const reading = readProcess(this.pid);
    if (reading) this.readings.push(reading);
    return reading;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  get last(): ProcessReading | undefined {
    return this.readings.at(-1);
  }

  /** CPU ms at a moment, interpolated between the readings around it. */
  cpuAt(at: number): number {
    const after = this.readings.findIndex((reading) => reading.at >= at);
    if (after === -1) return this.last?.cpuMs ?? 0;
    if (after === 0) return this.readings[0]!.cpuMs;
    const a = this.readings[after - 1]!;
    const b = this.readings[after]!;
    return a.cpuMs + ((b.cpuMs - a.cpuMs) * (at - a.at)) / Math.max(1, b.at - a.at);
  }

  /** CPU ms spent between two moments. */
  cpuBetween(from: number, to: number): number {
    return this.cpuAt(to) - this.cpuAt(from);
  }

  /** Largest resident set seen in a window (the peak over the whole life is `last.peakRssMb`). */
  maxRssBetween(from: number, to: number): number {
    return Math.max(
      0,
      ...this.readings.filter((reading) => reading.at >= from && reading.at <= to).map((reading) => reading.rssMb),
    );
  }
}

/**
 * CPU ms per thread: the main thread (tid = pid) as 'main', others by name, user and system time apart
 * (`name user` / `name sys`), summed over threads of the same name.
 */
export function threadCpuMs(pid: number): Map<string, number> {
  const byName = new Map<string, number>();
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return byName;
  }
  for (const task of tasks) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
      const name = task === String(pid) ? 'main' : stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const add = (key: string, ticks: number) =>
        byName.set(key, (byName.get(key) ?? 0) + (ticks * 1000) / ticksPerSecond());
      add(`${name} user`, Number(fields[11]));
      add(`${name} sys`, Number(fields[12]));
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return byName;
}
