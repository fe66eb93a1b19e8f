/**
 * A pino logger whose JSON lines are kept for assertions. Nothing is redacted or scrubbed here (unlike the app's
 * logger), so a test that asserts a token never reaches the logs sees exactly what the code logged.
 */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';

/** pino's numeric levels, as they appear in `lines[].level`. */
export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

export interface CapturedLogs {
  logger: Logger;
  /** Every line, parsed. */
  lines: Array<Record<string, unknown>>;
  /** Every line as written. */
  raw: string[];
  /** Everything logged, as one string (for "never contains" assertions). */
  text(): string;
}

export function captureLogger(level = 'debug'): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      callback();
    },
  });
  return { logger: pino({ level }, destination), lines, raw, text: () => raw.join('\n') };
}
