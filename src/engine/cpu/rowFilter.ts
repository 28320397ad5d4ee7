/**
 * The FBP row filter on the CPU (docs/conventions.md#filters): each row zero-padded to the response's length,
 * transformed, multiplied by the response, transformed back and cropped. Two real rows go through one complex
 * transform (one as the real part, one as the imaginary part): the response is real and even, so the two
 * never mix, which halves the work, as the GPU's row filter does.
 */
import { LineFft } from '../fft/cpuFft.ts';

/** Work space of one thread: the plan and its two lines, kept per padded length. */
const plans = new Map<number, { fft: LineFft; re: Float64Array; im: Float64Array }>();

function planFor(length: number) {
  let plan = plans.get(length);
  if (!plan) plans.set(length, (plan = { fft: new LineFft(length), re: new Float64Array(length), im: new Float64Array(length) }));
  return plan;
}

/** Filter rows [r0, r1) of `data` (rows of nx floats, in place) with a real, even response. */
export function filterRowsInPlace(data: Float32Array, nx: number, response: Float32Array, r0: number, r1: number): void {
  const L = response.length;
  const { fft, re, im } = planFor(L);
  for (let r = r0; r < r1; r += 2) {
    const a = r * nx;
    const pair = r + 1 < r1;
    const b = a + nx;
    re.fill(0);
    im.fill(0);
    for (let j = 0; j < nx; j++) re[j] = data[a + j];
    if (pair) for (let j = 0; j < nx; j++) im[j] = data[b + j];
    fft.forward(re, im);
    for (let j = 0; j < L; j++) {
      re[j] *= response[j];
      im[j] *= response[j];
    }
    fft.inverse(re, im);
    for (let j = 0; j < nx; j++) data[a + j] = re[j];
    if (pair) for (let j = 0; j < nx; j++) data[b + j] = im[j];
  }
}
