/**
 * A tiny seeded PRNG (mulberry32). The simulator draws every random decision from it, so a test
 * that fixes the seed and the request order sees the same deliveries, replies and faults each run;
 * spintax picks each recipient's options with it (domain/template.ts), the same in the browser.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
