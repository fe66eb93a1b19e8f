/**
 * Whether an alert notifies is one rule (isSilent): its subscription's `silent` option, or quiet hours in silent
 * mode. Both renderers apply it to every message they make, a digest included.
 */
import { describe, expect, it } from 'vitest';
import { isSilent, type Alert } from '../../src/core/alert.js';
import { buildDigest } from '../../src/outbox/digest.js';
import { renderDiscord, renderTelegram } from '../../src/render/index.js';
import { makeAlert } from '../support/alerts.js';

const plain = makeAlert();
const silentOption = makeAlert({ overrides: { style: { silent: true } } });
const quietHours = makeAlert({ overrides: { silent: true } });
const digestOf = (alerts: Alert[]) => buildDigest(alerts);

describe('silent alerts', () => {
  it('isSilent: the style says so, or quiet hours marked the alert; otherwise it notifies', () => {
    expect([plain, silentOption, quietHours].map(isSilent)).toEqual([false, true, true]);
    expect(isSilent(makeAlert({ overrides: { style: { silent: true }, silent: true } }))).toBe(true);
  });

  it('Telegram: disable_notification for either kind of silent, digests included', () => {
    const digest = digestOf([makeAlert({ n: 1 }), makeAlert({ n: 2 })]);
    const silentDigest = digestOf([makeAlert({ n: 1, overrides: { style: { silent: true } } }), makeAlert({ n: 2 })]);
    expect(renderTelegram(plain).disable_notification).toBeUndefined();
    expect(renderTelegram(digest).disable_notification).toBeUndefined();
    expect(renderTelegram(silentOption).disable_notification).toBe(true);
    expect(renderTelegram(quietHours).disable_notification).toBe(true);
    expect(renderTelegram(silentDigest).disable_notification).toBe(true);
    expect(renderTelegram({ ...digest, silent: true }).disable_notification).toBe(true);
  });

  it('Discord: the suppress-notifications flag (4096) for either kind of silent, digests included', () => {
    const to = { platform: 'discord', id: '1200000000000000001' } as const;
    const digest = digestOf([makeAlert({ n: 1, to }), makeAlert({ n: 2, to })]);
    expect(renderDiscord({ ...plain, destination: to }).flags).toBeUndefined();
    expect(renderDiscord(digest).flags).toBeUndefined();
    expect(renderDiscord({ ...silentOption, destination: to }).flags).toBe(4096);
    expect(renderDiscord({ ...quietHours, destination: to }).flags).toBe(4096);
    expect(renderDiscord({ ...digest, silent: true }).flags).toBe(4096);
  });
});
