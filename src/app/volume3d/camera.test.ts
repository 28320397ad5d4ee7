import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMERA, camerasEqual, orbit, panBy, presetCamera, quatFromAxisAngle, quatMultiply, rotateVector, turntable, zoomBy, type V3 } from './camera.ts';

const close = (a: V3, b: V3): void => a.forEach((v, i) => expect(v).toBeCloseTo(b[i], 6));

describe('camera math', () => {
  it('rotates vectors by quaternions', () => {
    close(rotateVector(quatFromAxisAngle([0, 0, 1], Math.PI / 2), [1, 0, 0]), [0, 1, 0]);
    const q = quatMultiply(quatFromAxisAngle([0, 1, 0], 0.3), quatFromAxisAngle([1, 0, 0], 0.2));
    close(rotateVector(q, [0, 0, 1]), rotateVector(quatFromAxisAngle([0, 1, 0], 0.3), rotateVector(quatFromAxisAngle([1, 0, 0], 0.2), [0, 0, 1])));
  });

  it('presets look along the axes with the expected up vectors', () => {
    const xz = presetCamera('xz').rotation;
    close(rotateVector(xz, [0, 0, 1]), [0, -1, 0]); // camera on −y …
    close(rotateVector(xz, [0, 1, 0]), [0, 0, 1]); // … with z up
    const yz = presetCamera('yz').rotation;
    close(rotateVector(yz, [0, 0, 1]), [1, 0, 0]);
    close(rotateVector(yz, [1, 0, 0]), [0, 1, 0]); // y to the right
    close(rotateVector(yz, [0, 1, 0]), [0, 0, 1]);
  });

  it('dragging right turns the volume right (the camera orbits left)', () => {
    const moved = orbit(DEFAULT_CAMERA, 0.5, 0);
    const eye = rotateVector(moved.rotation, [0, 0, 1]);
    expect(eye[0]).toBeLessThan(0);
    // A full turntable turn comes back.
    let state = DEFAULT_CAMERA;
    for (let i = 0; i < 8; i++) state = turntable(state, Math.PI / 4);
    close(rotateVector(state.rotation, [0, 0, 1]), [0, 0, 1]);
  });

  it('zoom is clamped, pan accumulates, equality is by value', () => {
    expect(zoomBy(DEFAULT_CAMERA, 1e6).zoom).toBe(40);
    expect(panBy(panBy(DEFAULT_CAMERA, 1, 2), 1, 1).pan).toEqual([2, 3]);
    expect(camerasEqual(DEFAULT_CAMERA, { ...DEFAULT_CAMERA })).toBe(true);
    expect(camerasEqual(DEFAULT_CAMERA, zoomBy(DEFAULT_CAMERA, 2))).toBe(false);
  });
});
