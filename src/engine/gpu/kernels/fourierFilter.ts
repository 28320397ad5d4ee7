/**
 * Real arrays filtered in Fourier space on the GPU, the counterpart of ../../tiltFourierFilter.ts and
 * ../../volumeFourierFilter.ts: (x, 0) → forward FFT → the caller's weight pass over the spectrum → inverse FFT →
 * real part, read back. Dose weighting (../../doseWeightingGpu.ts) and the local network's FBP hand-over
 * (../../methods/localnet/fbpHandoverGpu.ts) bring their own weight pass and plan; the buffers and the element
 * passes around it are made once and reused call after call.
 */
import { readFloats, storageBuffer } from '../buffers.ts';
import type { GpuContext } from '../device.ts';
import type { GpuScope } from '../scope.ts';
import { realPartPass, realToComplexPass, type Fft3dPlan } from './fft3d.ts';
import { encodePasses, type GpuPass } from './stockham.ts';

export class FourierFilterGpu {
  /** The complex spectrum (vec2<f32> per element) the weight pass binds and scales in place. */
  readonly spectrum: GPUBuffer;
  private readonly real: GPUBuffer;
  /** The element passes per array length: a filter sees one or two lengths (a last, shorter batch). */
  private readonly passes = new Map<number, { expand: GpuPass; realPart: GpuPass }>();

  /** Buffers for arrays of up to `capacity` floats, owned by `scope`. */
  constructor(
    private readonly gpu: GpuContext,
    private readonly scope: GpuScope,
    capacity: number,
    private readonly label: string,
  ) {
    this.real = scope.own(storageBuffer(gpu, capacity * 4, `${label}.real`));
    this.spectrum = scope.own(storageBuffer(gpu, capacity * 8, `${label}.spectrum`));
  }

  /** `data` filtered: `plan` must transform exactly data.length elements; `weigh` scales `spectrum` in between. */
  async apply(data: Float32Array, plan: Fft3dPlan, weigh: GpuPass): Promise<Float32Array> {
    const { gpu } = this;
    const { expand, realPart } = this.passesFor(data.length);
    gpu.device.queue.writeBuffer(this.real, 0, data.buffer, data.byteOffset, data.byteLength);
    const encoder = gpu.device.createCommandEncoder({ label: this.label });
    encodePasses(encoder, [expand]);
    plan.encode(encoder, this.spectrum, false);
    encodePasses(encoder, [weigh]);
    plan.encode(encoder, this.spectrum, true);
    encodePasses(encoder, [realPart]);
    gpu.device.queue.submit([encoder.finish()]);
    return readFloats(gpu, this.real, data.length);
  }

  private passesFor(count: number): { expand: GpuPass; realPart: GpuPass } {
    let passes = this.passes.get(count);
    if (!passes) {
      const expand = realToComplexPass(this.gpu, this.real, this.spectrum, count);
      const realPart = realPartPass(this.gpu, this.spectrum, this.real, count);
      this.scope.own(expand.uniform);
      this.scope.own(realPart.uniform);
      this.passes.set(count, (passes = { expand: expand.pass, realPart: realPart.pass }));
    }
    return passes;
  }
}
