/**
 * Plain CPU FFT: iterative radix-2 for powers of two, Bluestein's chirp-z for any other
 * length, as reusable per-length plans (`LineFft`). Used for filter design and as the reference that GPU FFTs are tested against.
 * Arrays are split real/imag, float64, transformed in place. Forward uses e^{−2πi jk/n};
 * the inverse is unnormalised here and scaled by 1/n in `ifft`.
 */

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/** A reusable forward/inverse DFT of one length, on split arrays, in place. */
export class LineFft {
  readonly n: number;
  // Power of two: bit-reversal permutation and twiddles w_k = e^{−2πik/n}, k < n/2.
  private rev?: Uint32Array;
  private twRe?: Float64Array;
  private twIm?: Float64Array;
  // Bluestein: chirp c_k = e^{−iπk²/n}, the transformed conjugate chirp, an inner plan and work space.
  private inner?: LineFft;
  private chirpRe?: Float64Array;
  private chirpIm?: Float64Array;
  private bRe?: Float64Array;
  private bIm?: Float64Array;
  private wRe?: Float64Array;
  private wIm?: Float64Array;

  constructor(n: number) {
    if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
    this.n = n;
    if (isPowerOfTwo(n)) {
      const rev = new Uint32Array(n);
      const bits = Math.round(Math.log2(n));
      for (let i = 0; i < n; i++) {
        let r = 0;
        for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
        rev[i] = r;
      }
      this.rev = rev;
      this.twRe = new Float64Array(Math.max(1, n / 2));
      this.twIm = new Float64Array(Math.max(1, n / 2));
      for (let k = 0; k < n / 2; k++) {
        this.twRe[k] = Math.cos((2 * Math.PI * k) / n);
        this.twIm[k] = -Math.sin((2 * Math.PI * k) / n);
      }
      return;
    }
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.inner = new LineFft(m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the argument small and exact.
      const ang = (-Math.PI * ((k * k) % (2 * n))) / n;
      this.chirpRe[k] = Math.cos(ang);
      this.chirpIm[k] = Math.sin(ang);
    }
    this.bRe = new Float64Array(m);
    this.bIm = new Float64Array(m);
    this.bRe[0] = this.chirpRe[0];
    this.bIm[0] = -this.chirpIm[0];
    for (let k = 1; k < n; k++) {
      this.bRe[k] = this.bRe[m - k] = this.chirpRe[k];
      this.bIm[k] = this.bIm[m - k] = -this.chirpIm[k];
    }
    this.inner.forward(this.bRe, this.bIm);
    this.wRe = new Float64Array(m);
    this.wIm = new Float64Array(m);
  }

  /** Forward DFT, e^{−2πi jk/n}, unnormalised. */
  forward(re: Float64Array, im: Float64Array): void {
    if (this.rev) this.radix2(re, im);
    else this.bluestein(re, im);
  }

  /** Inverse DFT, e^{+2πi jk/n}, scaled by 1/n. */
  inverse(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    for (let k = 0; k < n; k++) im[k] = -im[k];
    this.forward(re, im);
    for (let k = 0; k < n; k++) {
      re[k] /= n;
      im[k] = -im[k] / n;
    }
  }

  private radix2(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const rev = this.rev as Uint32Array;
    const twRe = this.twRe as Float64Array;
    const twIm = this.twIm as Float64Array;
    for (let i = 0; i < n; i++) {
      const j = rev[i];
      if (i < j) {
        const tr = re[i];
        re[i] = re[j];
        re[j] = tr;
        const ti = im[i];
        im[i] = im[j];
        im[j] = ti;
      }
    }
    for (let len = 2; len <= n; len *= 2) {
      const half = len / 2;
      const step = n / len;
      for (let i = 0; i < n; i += len) {
        for (let k = 0; k < half; k++) {
          const wr = twRe[k * step];
          const wi = twIm[k * step];
          const a = i + k;
          const b = a + half;
          const xr = re[b] * wr - im[b] * wi;
          const xi = re[b] * wi + im[b] * wr;
          re[b] = re[a] - xr;
          im[b] = im[a] - xi;
          re[a] += xr;
          im[a] += xi;
        }
      }
    }
  }

  private bluestein(re: Float64Array, im: Float64Array): void {
    const n = this.n;
    const inner = this.inner as LineFft;
    const m = inner.n;
    const cr = this.chirpRe as Float64Array;
    const ci = this.chirpIm as Float64Array;
    const br = this.bRe as Float64Array;
    const bi = this.bIm as Float64Array;
    const ar = this.wRe as Float64Array;
    const ai = this.wIm as Float64Array;
    for (let k = 0; k < n; k++) {
      ar[k] = re[k] * cr[k] - im[k] * ci[k];
      ai[k] = re[k] * ci[k] + im[k] * cr[k];
    }
    ar.fill(0, n);
    ai.fill(0, n);
    inner.forward(ar, ai);
    // Multiply by B and conjugate, so that a forward transform does the inverse.
    for (let k = 0; k < m; k++) {
      const r = ar[k] * br[k] - ai[k] * bi[k];
      ai[k] = -(ar[k] * bi[k] + ai[k] * br[k]);
      ar[k] = r;
    }
    inner.forward(ar, ai);
    for (let k = 0; k < n; k++) {
      const r = ar[k] / m;
      const i = -ai[k] / m;
      re[k] = r * cr[k] - i * ci[k];
      im[k] = r * ci[k] + i * cr[k];
    }
  }
}

/** Plans by length: filter design and references call these with a handful of lengths. */
const plans = new Map<number, LineFft>();

function plan(n: number): LineFft {
  let p = plans.get(n);
  if (!p) plans.set(n, (p = new LineFft(n)));
  return p;
}

/** In-place forward DFT of any length. */
export function fft(re: Float64Array, im: Float64Array): void {
  plan(re.length).forward(re, im);
}

/** In-place inverse DFT of any length, scaled by 1/n. */
export function ifft(re: Float64Array, im: Float64Array): void {
  plan(re.length).inverse(re, im);
}
