/** Runs the `taza` CLI as a real process (through tsx, no build) and collects its exit code and output. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface TazaRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Only PATH and LOG_LEVEL come from outside: the configuration is what `env` says. */
export function taza(args: string[], env: Record<string, string> = {}): Promise<TazaRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'src/cli/main.ts', ...args],
      { cwd: ROOT, env: { PATH: process.env.PATH, LOG_LEVEL: 'silent', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

/** The JSON lines of `taza check --json`, one report per input. */
export function jsonLines<T>(stdout: string): T[] {
  return stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as T);
}
