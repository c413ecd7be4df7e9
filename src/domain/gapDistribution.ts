/**
 * The pause before the next message. WhatsApp flags senders whose messages leave at fixed
 * intervals (150 strangers at exactly 13 s: banned), so gaps are random and not uniform: a
 * log-normal with its median a quarter of the way into [min, max] and a long tail towards max —
 * mostly brisk, now and then a longer pause, as a person typing would be. Never below min.
 */
const SIGMA = 0.6;
const MEDIAN_AT = 0.25;

export function drawGap(random: () => number, minMs: number, maxMs: number): number {
  if (maxMs <= minMs) return minMs;
  const mu = Math.log(minMs + (maxMs - minMs) * MEDIAN_AT);
  // Resampling keeps the shape inside the bounds; 16 misses in a row (p < 1e-8) fall back to uniform.
  for (let i = 0; i < 16; i++) {
    const x = Math.exp(mu + SIGMA * gaussian(random));
    if (x >= minMs && x <= maxMs) return Math.round(x);
  }
  return Math.round(minMs + random() * (maxMs - minMs));
}

/** The average of drawGap(min, max): the ETA's step. Numerical, over the same truncated density. */
export function meanGap(minMs: number, maxMs: number): number {
  if (maxMs <= minMs) return minMs;
  const mu = Math.log(minMs + (maxMs - minMs) * MEDIAN_AT);
  const a = Math.log(minMs);
  const b = Math.log(maxMs);
  const steps = 400;
  let weight = 0;
  let sum = 0;
  for (let i = 0; i < steps; i++) {
    const y = a + ((i + 0.5) / steps) * (b - a);
    const density = Math.exp(-((y - mu) ** 2) / (2 * SIGMA * SIGMA));
    weight += density;
    sum += density * Math.exp(y);
  }
  return sum / weight;
}

/** mulberry32: a small seedable generator, so a simulated day of pacing is the same every run. */
export function seededRandom(seed: number): () => number {
  let s = seed | 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function gaussian(random: () => number): number {
  let u = 0;
  while (u === 0) u = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}
