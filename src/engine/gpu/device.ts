/**
 * Opening a WebGPU device with the adapter's real limits. A plain requestDevice() gets the
 * spec defaults (128 MiB bindings, 8 storage buffers), far below what adapters offer; slab
 * sizes are planned against the limits we actually obtain.
 */

export interface GpuContext {
  device: GPUDevice;
  /** Adapter description for the UI and bench logs. */
  description: string;
  vendor: string;
  architecture: string;
  /**
   * The adapter's device name where the implementation gives one (Dawn: the driver's, lower-cased and hyphenated,
   * e.g. "swiftshader-device-subzero-"; browsers may leave it empty): Dawn's description of an NVIDIA adapter is
   * the driver version alone, so bench logs record this beside it.
   */
  deviceName: string;
  /** Software adapters (SwiftShader) are correct but slow; ONNX models then run on wasm instead. */
  isFallbackAdapter: boolean;
  limits: GPUSupportedLimits;
  /** Set when the device is lost; every later GPU call fails with this message. */
  lostReason: string | null;
}

export class GpuUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GpuUnavailableError';
  }
}

const LIMITS_TO_REQUEST = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function openGpu(gpu: GPU | undefined): Promise<GpuContext> {
  if (!gpu) {
    throw new GpuUnavailableError(
      'WebGPU is not available: use a recent Chrome or Edge (or enable WebGPU) on a page served over https or http://127.0.0.1',
    );
  }
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new GpuUnavailableError('WebGPU found no GPU adapter on this machine');
  const requiredLimits: Record<string, number> = {};
  for (const name of LIMITS_TO_REQUEST) requiredLimits[name] = adapter.limits[name];
  const device = await adapter.requestDevice({ requiredLimits });
  const info = adapter.info;
  const context: GpuContext = {
    device,
    description: info.description || `${info.vendor} ${info.architecture}`.trim() || 'unknown adapter',
    vendor: info.vendor,
    architecture: info.architecture,
    deviceName: info.device,
    isFallbackAdapter: Boolean(info.isFallbackAdapter) || info.architecture === 'swiftshader',
    limits: device.limits,
    lostReason: null,
  };
  void device.lost.then((lost) => {
    context.lostReason = `the WebGPU device was lost (${lost.reason}): ${lost.message || 'no details'}`;
  });
  return context;
}

/** Throws a clear error when the device has been lost, so a run fails instead of hanging. */
export function assertDeviceAlive(gpu: GpuContext): void {
  if (gpu.lostReason) throw new GpuUnavailableError(gpu.lostReason);
}
