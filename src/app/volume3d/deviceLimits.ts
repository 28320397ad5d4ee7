/**
 * WebGL2 limits of this browser, probed once on a throw-away context (released right away),
 * so the display pyramid level can be chosen before any 3-D view exists.
 */
import { reportedDeviceMemoryGiB } from '../../engine/memoryBudget.ts';
import { isSoftwareRenderer, type DeviceLimits } from './pyramid.ts';

let cached: DeviceLimits | null = null;

export function deviceLimits(): DeviceLimits {
  if (cached) return cached;
  const deviceMemoryGb = reportedDeviceMemoryGiB() || null;
  const canvas = document.createElement('canvas');
  const gl = canvas.getContext('webgl2');
  if (!gl) {
    cached = { webgl2: false, maxTextureSize: 0, max3dTextureSize: 0, renderer: 'none', software: true, deviceMemoryGb };
    return cached;
  }
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
  cached = {
    webgl2: true,
    maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
    max3dTextureSize: Number(gl.getParameter(gl.MAX_3D_TEXTURE_SIZE)),
    renderer,
    software: isSoftwareRenderer(renderer),
    deviceMemoryGb,
  };
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return cached;
}
