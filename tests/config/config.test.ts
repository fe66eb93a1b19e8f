import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/load.js';
import { parseDuration } from '../../src/config/duration.js';

describe('configuration', () => {
  it('has safe defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config.POLL_INTERVAL).toBe(300_000);
    expect(config.MIN_POLL_INTERVAL).toBe(60_000);
    expect(config.HTTP_PORT).toBe(8080);
    expect(config.ALLOW_PRIVATE_NETWORKS).toBe(false);
    expect(config.DATA_DIR).toBe('./data');
    expect(config.DISCORD_API_BASE).toBe('https://discord.com/api');
    expect(config.TELEGRAM_API_ROOT).toBe('https://api.telegram.org');
    expect(config.DISCORD_TOKEN).toBeUndefined();
  });

  it('reads durations in every documented form', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h')).toBe(3_600_000);
    expect(parseDuration('90')).toBe(90_000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(loadConfig({ POLL_INTERVAL: '30s', MIN_POLL_INTERVAL: '1s' }).POLL_INTERVAL).toBe(30_000);
  });

  it('accepts CIDR lists for ALLOW_PRIVATE_NETWORKS', () => {
    expect(loadConfig({ ALLOW_PRIVATE_NETWORKS: '127.0.0.0/8, 10.0.0.0/8' }).ALLOW_PRIVATE_NETWORKS).toEqual([
      '127.0.0.0/8',
      '10.0.0.0/8',
    ]);
    expect(loadConfig({ ALLOW_PRIVATE_NETWORKS: 'true' }).ALLOW_PRIVATE_NETWORKS).toBe(true);
  });

  it.each([
    ['POLL_INTERVAL', 'often', /POLL_INTERVAL="often" is not valid: expected a duration such as 30s, 5m, 1h/],
    ['HTTP_PORT', '99999', /HTTP_PORT="99999" is not valid: expected a port number/],
    [
      'ALLOW_PRIVATE_NETWORKS',
      'maybe',
      /ALLOW_PRIVATE_NETWORKS="maybe" is not valid: expected true, false, or a comma-separated list of CIDR ranges/,
    ],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL="loud" is not valid: expected one of fatal, error/],
    ['STORE_URL', 'mysql://x', /STORE_URL="mysql:\/\/x" is not valid/],
    ['DISCORD_API_BASE', 'discord', /DISCORD_API_BASE="discord" is not valid: expected an http\(s\) URL/],
  ])('names the variable, the value and what is expected: %s=%s', (name, value, message) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(message);
  });

  it('refuses a poll interval below the minimum', () => {
    expect(() => loadConfig({ POLL_INTERVAL: '10s' })).toThrow(
      /POLL_INTERVAL=10s is shorter than MIN_POLL_INTERVAL=1m/,
    );
  });

  it('never shows a token in an error', () => {
    expect(() => loadConfig({ DISCORD_TOKEN: 'x', DISCORD_API_BASE: 'nope' })).not.toThrow(/"x"/);
  });
});
