import { describe, expect, it } from 'vitest';
import { maskPhone, maskPhonesIn } from '../../src/domain/maskPhone.ts';

describe('phone masking in logs', () => {
  it('keeps enough to tell two numbers apart, never the whole number', () => {
    expect(maskPhone('+60123456789')).toBe('+6012****789');
    expect(maskPhone('0123456789')).toBe('0123***789');
  });

  it('masks numbers in free text in any common spelling', () => {
    for (const n of ['+60137770009', '60137770009', '013-777 0009', '013 777 0009']) {
      const out = maskPhonesIn(`refused ${n} today`);
      expect(out).not.toContain(n);
      expect(out.replace(/\D/g, '')).not.toContain('37770009');
    }
  });

  it('masks numbers a URL spells with %2B, %20 and %2D', () => {
    for (const path of [
      '/api/opt-outs/%2B60137770009',
      '/api/opt-outs/013-777%200009',
      '/api/opt-outs/013%20777%200009',
      '/api/opt-outs/+60%2013-777%200009',
      '/x/%2b60%2d13%2d7770009',
    ]) {
      const out = maskPhonesIn(path);
      expect(out.replace(/\D/g, '')).not.toContain('7770009');
    }
  });

  it('leaves ids, times and short numbers alone', () => {
    expect(maskPhonesIn('blast 12 at 2026-11-30T06:43:30.206Z took 1234 ms')).toBe('blast 12 at 2026-11-30T06:43:30.206Z took 1234 ms');
  });
});
