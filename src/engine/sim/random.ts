/**
 * Seeded PRNG for the simulator: mulberry32 (32-bit state, period 2³²).
 *
 * Bit-identical on every platform: the generator uses only 32-bit integer math
 * (Math.imul, shifts), and normal() uses only IEEE-754 basic operations (+ − × ÷, √),
 * which are correctly rounded everywhere. Math.log/cos are NOT used, because their
 * last bit may differ between JS engines; detLog below replaces Math.log.
 */

/** Mix a 32-bit seed and a stream number into a new well-spread 32-bit seed (splitmix32-like). */
export function deriveSeed(seed: number, stream: number): number {
  let h = (Math.imul(seed | 0, 0x9e3779b9) ^ Math.imul((stream | 0) + 0x632be5ab, 0x85ebca6b)) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}

const LN2 = 0.6931471805599453;
const SQRT_HALF = 0.7071067811865476;

/**
 * Natural log of x > 0 using only basic arithmetic, so it is bit-identical across engines.
 * x = m·2^e with m ∈ [√½, √2) (exact scaling by 2), ln m = 2·atanh(s), s = (m−1)/(m+1), |s| < 0.172.
 * The odd series in s converges to < 1e-16 within 12 terms. Accuracy ≈ 1 ulp.
 */
export function detLog(x: number): number {
  if (!(x > 0)) return x === 0 ? -Infinity : NaN;
  if (x === Infinity) return Infinity;
  let m = x;
  let e = 0;
  while (m >= 2 * SQRT_HALF) {
    m *= 0.5;
    e++;
  }
  while (m < SQRT_HALF) {
    m *= 2;
    e--;
  }
  const s = (m - 1) / (m + 1);
  const s2 = s * s;
  // Horner form of 1 + s²/3 + s⁴/5 + … + s²²/23.
  let series = 1 / 23;
  for (let k = 21; k >= 1; k -= 2) series = 1 / k + s2 * series;
  return e * LN2 + 2 * s * series;
}

export class Rng {
  private state: number;
  private spare: number | null = null;

  /** Any number works as a seed; it is hashed so that nearby seeds give unrelated streams. */
  constructor(seed: number) {
    this.state = deriveSeed(seed, 0x5eed);
  }

  /** Next raw 32-bit unsigned integer (mulberry32). */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [lo, hi) (default [0, 1)); 32-bit resolution. */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * (this.nextUint32() / 4294967296);
  }

  /** Integer uniform in [lo, hi], both inclusive. */
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** Gaussian with the given mean and standard deviation (Marsaglia polar method, pairs cached). */
  normal(mean = 0, sd = 1): number {
    if (this.spare !== null) {
      const z = this.spare;
      this.spare = null;
      return mean + sd * z;
    }
    let a: number;
    let b: number;
    let s: number;
    do {
      a = 2 * this.uniform() - 1;
      b = 2 * this.uniform() - 1;
      s = a * a + b * b;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * detLog(s)) / s);
    this.spare = b * f;
    return mean + sd * a * f;
  }

  /** In [lo, hi), density falling linearly towards hi (lo + (hi−lo)·u²): favours small sizes, like real specimens. */
  skewedLow(lo: number, hi: number): number {
    const u = this.uniform();
    return lo + (hi - lo) * u * u;
  }

  /** A uniformly distributed unit vector (normalised isotropic Gaussian). */
  unitVector(): [number, number, number] {
    for (;;) {
      const x = this.normal();
      const y = this.normal();
      const z = this.normal();
      const n = Math.sqrt(x * x + y * y + z * z);
      if (n > 1e-6) return [x / n, y / n, z / n];
    }
  }
}
