/**
 * The 3-D view's camera as plain data, so several views can share it through a store: an
 * orientation quaternion (camera frame → volume frame), a zoom relative to "volume fits the
 * view", and a pan in the view plane (volume units: the x extent is 1). The identity looks
 * along −z (the beam axis) with x to the right and y up, like the XY slice. Pure math.
 */

export type Quat = [number, number, number, number];
export type V3 = [number, number, number];

export interface CameraState {
  rotation: Quat;
  zoom: number;
  pan: [number, number];
}

export const DEFAULT_CAMERA: CameraState = { rotation: [0, 0, 0, 1], zoom: 1, pan: [0, 0] };

export function quatMultiply(a: Quat, b: Quat): Quat {
  const [ax, ay, az, aw] = a;
  const [bx, by, bz, bw] = b;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export function quatNormalize(q: Quat): Quat {
  const n = Math.hypot(...q) || 1;
  return [q[0] / n, q[1] / n, q[2] / n, q[3] / n];
}

export function quatFromAxisAngle(axis: V3, angle: number): Quat {
  const n = Math.hypot(...axis) || 1;
  const s = Math.sin(angle / 2) / n;
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

export function rotateVector(q: Quat, v: V3): V3 {
  const [x, y, z, w] = q;
  // v + 2w (q × v) + 2 q × (q × v)
  const tx = 2 * (y * v[2] - z * v[1]);
  const ty = 2 * (z * v[0] - x * v[2]);
  const tz = 2 * (x * v[1] - y * v[0]);
  return [v[0] + w * tx + (y * tz - z * ty), v[1] + w * ty + (z * tx - x * tz), v[2] + w * tz + (x * ty - y * tx)];
}

/** Drag by (dx, dy) radians: the volume turns with the pointer (rotation about the view's own axes). */
export function orbit(state: CameraState, dx: number, dy: number): CameraState {
  let q = state.rotation;
  if (dx) q = quatMultiply(q, quatFromAxisAngle([0, 1, 0], -dx));
  if (dy) q = quatMultiply(q, quatFromAxisAngle([1, 0, 0], -dy));
  return { ...state, rotation: quatNormalize(q) };
}

/** Turn about the volume's y axis (the tilt axis): a turntable. */
export function turntable(state: CameraState, angle: number): CameraState {
  return { ...state, rotation: quatNormalize(quatMultiply(quatFromAxisAngle([0, 1, 0], angle), state.rotation)) };
}

export function zoomBy(state: CameraState, factor: number): CameraState {
  return { ...state, zoom: Math.min(40, Math.max(0.1, state.zoom * factor)) };
}

export function panBy(state: CameraState, dx: number, dy: number): CameraState {
  return { ...state, pan: [state.pan[0] + dx, state.pan[1] + dy] };
}

export type ViewPreset = 'xy' | 'xz' | 'yz';

/** Axis-aligned views: XY looks along −z (x right, y up), XZ along +y (x right, z up), YZ along −x (y right, z up). */
export function presetCamera(preset: ViewPreset): CameraState {
  const rotation: Quat =
    preset === 'xy' ? [0, 0, 0, 1] : preset === 'xz' ? quatFromAxisAngle([1, 0, 0], Math.PI / 2) : quatFromAxisAngle([1, 1, 1], (2 * Math.PI) / 3);
  return { rotation, zoom: 1, pan: [0, 0] };
}

export function camerasEqual(a: CameraState, b: CameraState): boolean {
  return a.zoom === b.zoom && a.pan[0] === b.pan[0] && a.pan[1] === b.pan[1] && a.rotation.every((v, i) => v === b.rotation[i]);
}
