import type { Logger } from './logger.js';

/**
 * The feed's child logger, made on first use: pino's child set-up costs more than an unchanged check, and most
 * checks log nothing. One small object per check (its methods on the prototype), not a Proxy with a trap per call.
 */
class LazyChild {
  private made: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly bindings: Record<string, string>,
  ) {}

  private get logger(): Logger {
    return (this.made ??= this.parent.child(this.bindings) as Logger);
  }

  trace(...args: Parameters<Logger['trace']>): void {
    this.logger.trace(...args);
  }
  debug(...args: Parameters<Logger['debug']>): void {
    this.logger.debug(...args);
  }
  info(...args: Parameters<Logger['info']>): void {
    this.logger.info(...args);
  }
  warn(...args: Parameters<Logger['warn']>): void {
    this.logger.warn(...args);
  }
  error(...args: Parameters<Logger['error']>): void {
    this.logger.error(...args);
  }
  fatal(...args: Parameters<Logger['fatal']>): void {
    this.logger.fatal(...args);
  }
  child(...args: Parameters<Logger['child']>): Logger {
    return this.logger.child(...args) as unknown as Logger;
  }
  isLevelEnabled(level: string): boolean {
    return this.parent.isLevelEnabled(level);
  }
}

export function lazyChild(logger: Logger, bindings: Record<string, string>): Logger {
  return new LazyChild(logger, bindings) as unknown as Logger;
}
