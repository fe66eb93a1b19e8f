/** The presentation options as typed: checked once, with a message for each mistake, and applied to a subscription. */
import { describe, expect, it } from 'vitest';
import { applyStyle, describeStyle, readStyle } from '../../src/subscriptions/alert-style.js';

const discord = { platform: 'discord' as const, mayMentionEveryone: false };

describe('readStyle', () => {
  it('turns a typed \\n into a line break, and none into a removal', () => {
    expect(readStyle({ template: '{title}\\n{link}' }, discord)).toEqual({ template: '{title}\n{link}' });
    expect(
      applyStyle({ template: 'x {title}', silent: true }, readStyle({ template: 'none', silent: false }, discord)),
    ).toEqual({});
  });

  it('keeps defaults as absent fields: images and edits on, silent off', () => {
    const change = readStyle({ images: false, edits: 'no', silent: 'yes' }, discord);
    expect(applyStyle({}, change)).toEqual({ images: false, edits: false, silent: true });
    expect(applyStyle({ images: false }, readStyle({ images: true }, discord))).toEqual({});
  });

  it('reads mentions, pasted ones too, and refuses others', () => {
    expect(readStyle({ mention: '<@&123456789012345678>' }, discord)).toEqual({ mention: 'role:123456789012345678' });
    expect(readStyle({ mention: 'user:123456789012345678' }, discord)).toEqual({ mention: 'user:123456789012345678' });
    expect(() => readStyle({ mention: 'role:abc' }, discord)).toThrow(/"abc" is not a Discord role id/);
    expect(() => readStyle({ mention: 'everyone' }, discord)).toThrow(
      /is not a mention: use role:.+role id.+, user:.+ or here/,
    );
    expect(() => readStyle({ mention: 'here' }, discord)).toThrow(/Mention Everyone/);
    expect(readStyle({ mention: 'here' }, { ...discord, mayMentionEveryone: true })).toEqual({ mention: 'here' });
  });

  it('forum tags: trimmed, deduplicated, at most 5', () => {
    expect(readStyle({ forumTags: ' Crypto, Urdu ,Crypto' }, discord)).toEqual({ forumTags: ['Crypto', 'Urdu'] });
    expect(() => readStyle({ forumTags: 'a,b,c,d,e,f' }, discord)).toThrow(/at most 5 tags/);
  });

  it('describes what is set, for list', () => {
    expect(describeStyle({ silent: true, images: false, thread: 'new' })).toBe(
      'silent · no images · a thread per alert',
    );
    expect(describeStyle({})).toBeUndefined();
  });
});
