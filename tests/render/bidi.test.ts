import { describe, expect, it } from 'vitest';
import { isolateLtrRuns, withDirection } from '../../src/render/index.js';

const LRI = '\u2066';
const RLI = '\u2067';
const PDI = '\u2069';
const RLM = '\u200F';

describe('isolateLtrRuns', () => {
  it('isolates Latin names, numbers and links inside Urdu text, keeping their inner punctuation', () => {
    expect(isolateLtrRuns("ایل سلواڈور کے El Salvador's Bitcoin Office (2025) سے ملاقات")).toBe(
      `ایل سلواڈور کے ${LRI}El Salvador's Bitcoin Office (2025)${PDI} سے ملاقات`,
    );
    expect(isolateLtrRuns('قیمت 10.5% بڑھ گئی')).toBe(`قیمت ${LRI}10.5%${PDI} بڑھ گئی`);
    expect(isolateLtrRuns('دیکھیں https://example.com/a_b?x=1 پر')).toBe(
      `دیکھیں ${LRI}https://example.com/a_b?x=1${PDI} پر`,
    );
  });

  it('leaves Urdu-only text and Urdu digits alone', () => {
    expect(isolateLtrRuns('کرپٹو کونسل ۲۰۲۵ میں')).toBe('کرپٹو کونسل ۲۰۲۵ میں');
  });
});

describe('withDirection', () => {
  it('starts each RTL line with RLM and isolates it right to left', () => {
    expect(withDirection('پہلی سطر\nBitcoin دوسری', 'rtl')).toBe(
      `${RLM}${RLI}پہلی سطر${PDI}\n${RLM}${RLI}${LRI}Bitcoin${PDI} دوسری${PDI}`,
    );
  });

  it('leaves LTR text unchanged', () => {
    expect(withDirection('Bitcoin 2025 (up 3%)', 'ltr')).toBe('Bitcoin 2025 (up 3%)');
  });
});
