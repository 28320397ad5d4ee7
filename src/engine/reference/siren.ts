/**
 * Plain TypeScript reference of the coordinate network (SIREN) for tiny networks, in float64:
 * initialisation, forward, backward, Adam, and one full optimisation step of a slab (network →
 * voxel grid → projection → L1 loss + TV → back-projection → backward → Adam). The WGSL kernels
 * in methods/coordnet (siren.ts, run.ts) are tested against it.
 *
 * Parameter layout (shared with the GPU): layers in order 3→W, L × (W→W), W→1; layer l holds
 * `out` rows of `in + 1` floats, the row's weights then its bias. Sine layers compute
 * h = sin(ω0·(W·h_prev + b)); the last layer is linear.
 */
import { ADAM, gridSteps, layerDims, layerOffsets, type SirenGrid, type SirenShape } from '../methods/coordnet/network.ts';
import { backProjectCpu, forwardProjectCpu } from './projector.ts';

export function gridCoords(g: SirenGrid): Float64Array {
  const [sx, sy, sz] = gridSteps(g);
  const n = g.nx * g.ny * g.nz;
  const out = new Float64Array(3 * n);
  for (let v = 0; v < n; v++) {
    out[3 * v] = Math.fround((v % g.nx) * sx);
    out[3 * v + 1] = Math.fround((Math.floor(v / g.nx) % g.ny) * sy);
    out[3 * v + 2] = Math.fround(Math.floor(v / (g.nx * g.ny)) * sz);
  }
  return out;
}

interface Forward {
  out: Float64Array;
  /** Pre-activations u = ω0·(W·h + b) of every sine layer, [n][out]. */
  u: Float64Array[];
  /** Inputs of every layer, [n][in]: the coordinates, then h = sin(u) of each sine layer. */
  h: Float64Array[];
}

export function sirenForwardCpu(shape: SirenShape, theta: ArrayLike<number>, coords: Float64Array): Forward {
  const n = coords.length / 3;
  const dims = layerDims(shape);
  const offsets = layerOffsets(shape);
  const u: Float64Array[] = [];
  const h: Float64Array[] = [coords];
  const out = new Float64Array(n);
  dims.forEach(([nIn, nOut], l) => {
    const last = l === dims.length - 1;
    const z = new Float64Array(n * nOut);
    const input = h[l];
    for (let v = 0; v < n; v++) {
      for (let o = 0; o < nOut; o++) {
        const row = offsets[l] + o * (nIn + 1);
        let a = theta[row + nIn];
        for (let i = 0; i < nIn; i++) a += theta[row + i] * input[v * nIn + i];
        if (last) out[v] = a;
        else z[v * nOut + o] = shape.omega0 * a;
      }
    }
    if (!last) {
      u.push(z);
      h.push(z.map(Math.sin));
    }
  });
  return { out, u, h };
}

/** ∂(Σ_n dOut[n]·out[n])/∂θ. */
export function sirenBackwardCpu(shape: SirenShape, theta: ArrayLike<number>, coords: Float64Array, dOut: ArrayLike<number>): Float64Array {
  const n = coords.length / 3;
  const dims = layerDims(shape);
  const offsets = layerOffsets(shape);
  const { u, h } = sirenForwardCpu(shape, theta, coords);
  const grad = new Float64Array(offsets.at(-1)!);
  let delta = Float64Array.from(dOut); // ∂L/∂a of the current layer, [n][out]
  for (let l = dims.length - 1; l >= 0; l--) {
    const [nIn, nOut] = dims[l];
    for (let o = 0; o < nOut; o++) {
      const row = offsets[l] + o * (nIn + 1);
      for (let v = 0; v < n; v++) {
        const d = delta[v * nOut + o];
        for (let i = 0; i < nIn; i++) grad[row + i] += d * h[l][v * nIn + i];
        grad[row + nIn] += d;
      }
    }
    if (l === 0) break;
    const next = new Float64Array(n * nIn);
    for (let v = 0; v < n; v++) {
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        for (let o = 0; o < nOut; o++) s += delta[v * nOut + o] * theta[offsets[l] + o * (nIn + 1) + i];
        next[v * nIn + i] = s * shape.omega0 * Math.cos(u[l - 1][v * nIn + i]);
      }
    }
    delta = next;
  }
  return grad;
}


/** One Adam step at step number t ≥ 1 (bias-corrected), in place. */
export function adamCpu(theta: Float64Array, m: Float64Array, v: Float64Array, grad: ArrayLike<number>, lr: number, t: number): void {
  const c1 = 1 / (1 - ADAM.beta1 ** t);
  const c2 = 1 / (1 - ADAM.beta2 ** t);
  for (let i = 0; i < theta.length; i++) {
    m[i] = ADAM.beta1 * m[i] + (1 - ADAM.beta1) * grad[i];
    v[i] = ADAM.beta2 * v[i] + (1 - ADAM.beta2) * grad[i] * grad[i];
    theta[i] -= (lr * m[i] * c1) / (Math.sqrt(v[i] * c2) + ADAM.epsilon);
  }
}

/**
 * Anisotropic TV, tv/V·Σ_p Σ_axis |v(p + e) − v(p)|, of an [z][row][x] grid: value, and its
 * (sub)gradient added into `grad`.
 */
export function tvCpu(data: ArrayLike<number>, nx: number, ny: number, nz: number, weight: number, grad?: Float64Array): number {
  const scale = weight / (nx * ny * nz);
  let value = 0;
  const strides = [1, nx, nx * ny];
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      for (let x = 0; x < nx; x++) {
        const p = x + nx * (y + ny * z);
        [x + 1 < nx, y + 1 < ny, z + 1 < nz].forEach((inside, axis) => {
          if (!inside) return;
          const d = data[p + strides[axis]] - data[p];
          value += Math.abs(d);
          if (grad) {
            grad[p + strides[axis]] += scale * Math.sign(d);
            grad[p] -= scale * Math.sign(d);
          }
        });
      }
    }
  }
  return scale * value;
}

export interface SirenStepState {
  theta: Float64Array;
  m: Float64Array;
  v: Float64Array;
  /** Adam steps taken. */
  t: number;
}

/**
 * One optimisation step on a slab: loss = mean |A·f_θ(grid) − b| + TV, gradient by back-projecting
 * sign(residual)/count, then Adam. `tilts` is the slab's [tilt][row][x] data, already scaled.
 * Returns the loss before the step and the gradient.
 */
export function sirenStepCpu(
  shape: SirenShape,
  state: SirenStepState,
  grid: SirenGrid,
  tilts: Float32Array,
  tiltAngles: number[],
  tv: number,
  lr: number,
): { loss: number; grad: Float64Array } {
  const { nx, ny, nz } = grid;
  const coords = gridCoords(grid);
  const out = sirenForwardCpu(shape, state.theta, coords).out;
  const volume = { nx, ny, nz, pixelSize: 1, data: Float32Array.from(out) };
  const projection = forwardProjectCpu(volume, tiltAngles);
  let loss = 0;
  const count = projection.data.length;
  const sign = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const r = projection.data[i] - tilts[i];
    loss += Math.abs(r);
    sign[i] = Math.sign(r) / count;
  }
  loss /= count;
  const gVolume = Float64Array.from(backProjectCpu({ ...projection, data: sign }, nz).data);
  if (tv > 0) loss += tvCpu(volume.data, nx, ny, nz, tv, gVolume);
  const grad = sirenBackwardCpu(shape, state.theta, coords, gVolume);
  state.t += 1;
  adamCpu(state.theta, state.m, state.v, grad, lr, state.t);
  return { loss, grad };
}
