import { describe, expect, it } from 'vitest';
import { detectDirection } from '../../src/summarizer/index.js';

describe('detectDirection', () => {
  it('uses the feed language when the text agrees', () => {
    expect(detectDirection('Bitcoin rises', 'en-US')).toEqual({ lang: 'en', dir: 'ltr' });
    expect(detectDirection('بٹ کوائن کی قیمت', 'ur')).toEqual({ lang: 'ur', dir: 'rtl' });
    expect(detectDirection('خبر', 'fa-IR')).toEqual({ lang: 'fa', dir: 'rtl' });
  });

  it('marks right-to-left from the declared language when the text has no letters', () => {
    expect(detectDirection('2025 — 10%', 'ur')).toEqual({ lang: 'ur', dir: 'rtl' });
    expect(detectDirection('', 'he')).toEqual({ lang: 'he', dir: 'rtl' });
  });

  it('detects the script when there is no language, telling Urdu from Persian and Arabic', () => {
    expect(detectDirection('پاکستان کرپٹو کونسل کے درمیان معاہدہ ہوا ہے')).toEqual({ lang: 'ur', dir: 'rtl' });
    expect(detectDirection('پاکستان و ایران گفتگو کردند')).toEqual({ lang: 'fa', dir: 'rtl' });
    expect(detectDirection('أعلنت الحكومة عن خطة جديدة')).toEqual({ lang: 'ar', dir: 'rtl' });
    expect(detectDirection('שלום עולם')).toEqual({ lang: 'he', dir: 'rtl' });
    expect(detectDirection('Plain English text')).toEqual({ dir: 'ltr' });
  });

  it('lets Urdu text win over a wrong default declaration such as en-US', () => {
    expect(detectDirection('وزارتِ خزانہ کے مطابق بٹ کوائن', 'en-US')).toEqual({ lang: 'ur', dir: 'rtl' });
  });

  it('keeps mostly-Latin text left to right even with an Urdu word in it', () => {
    expect(detectDirection('Pakistan Crypto Council (کرپٹو کونسل) signs a letter of intent', 'en')).toEqual({
      lang: 'en',
      dir: 'ltr',
    });
  });

  it('ignores a malformed language tag', () => {
    expect(detectDirection('Hello', 'not a tag!')).toEqual({ dir: 'ltr' });
  });
});
