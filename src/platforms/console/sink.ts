/** The console sink: alerts printed for a person. Lets a new user try Taza with no platform token. */
import type { Alert } from '../../core/alert.js';
import type { ConnectionState, Sink } from '../../outbox/sink.js';

export function createConsoleSink(options: { render: (alert: Alert) => string; write?: (text: string) => void }): Sink {
  const write = options.write ?? ((text: string) => process.stdout.write(text));
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
      write(`${options.render(alert)}\n\n`);
    },
  };
}
