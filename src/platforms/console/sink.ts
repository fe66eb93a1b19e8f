/** The console sink: alerts printed for a person. Lets a new user try Taza with no platform token. */
import type { Alert } from '../../core/alert.js';
import { DeliveryError, type ConnectionState, type Sink } from '../../outbox/sink.js';

export interface ConsoleSinkOptions {
  render: (alert: Alert) => string;
  /** Writes the text; resolves once it has been handed on. Default: standard output. */
  write?: (text: string) => Promise<void>;
}

function writeStdout(text: string): Promise<void> {
  return new Promise((resolve, reject) => process.stdout.write(text, (error) => (error ? reject(error) : resolve())));
}

export function createConsoleSink(options: ConsoleSinkOptions): Sink {
  const write = options.write ?? writeStdout;
  let state: ConnectionState = 'connecting';
  return {
    platform: 'console',
    async start() {
      state = 'connected';
    },
    async stop() {
      state = 'stopped';
    },
    state: () => state,
    async send(alert) {
      if (alert.destination.platform !== 'console')
        throw new DeliveryError('permanent', `not a console destination: ${alert.destination.platform}`);
      if (state !== 'connected') throw new DeliveryError('transient', `console sink is ${state}`);
      try {
        // Resolves only once the text is written: that is the console's acknowledgement.
        await write(`${options.render(alert)}\n\n`);
      } catch (error) {
        throw new DeliveryError(
          'transient',
          `could not write to the console: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
    },
  };
}
