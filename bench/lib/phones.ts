/**
 * Distinct Malaysian mobile numbers (+6012 and seven digits) that libphonenumber accepts, none
 * ending in 0000 (the simulator's "not on WhatsApp" suffix), offset so benchmarks never collide.
 */
export function phoneNumbers(count: number, offset = 0): string[] {
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) {
    const n = 1_000_000 + offset + i;
    if (n % 10_000 === 0) continue;
    out.push(`+6012${n}`);
  }
  return out;
}
