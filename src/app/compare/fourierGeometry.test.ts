import { describe, expect, it } from 'vitest';
import { foldedAngle, inMissingWedge, pixelFrequency, planeAxes, sectionExtent, tiltDirection, tiltLine, tiltRange, wedgeSectors } from './fourierGeometry.ts';

describe('Fourier overlays', () => {
  it('draws the measured plane of tilt θ along (cos θ, sin θ) in kx–kz', () => {
    const [c, s] = tiltDirection(30);
    expect(c).toBeCloseTo(Math.sqrt(3) / 2);
    expect(s).toBeCloseTo(0.5);
    // Perpendicular to the beam direction (−sin θ, 0, cos θ): k·n = 0.
    const theta = (40 * Math.PI) / 180;
    const [kx, kz] = tiltDirection(40);
    expect(-kx * Math.sin(theta) + kz * Math.cos(theta)).toBeCloseTo(0);
    const [[ax, az], [bx, bz]] = tiltLine(0, 0.5);
    expect([ax, az, bx, bz].map((v) => v + 0)).toEqual([-0.5, -0, 0.5, 0].map((v) => v + 0));
  });

  it('folds φ into (−90°, 90°] and finds the missing wedge around kz', () => {
    expect(foldedAngle(1, 0)).toBe(0);
    expect(foldedAngle(-1, 0)).toBe(0);
    expect(foldedAngle(0, 1)).toBe(90);
    expect(foldedAngle(0, -1)).toBe(90);
    expect(foldedAngle(-1, -1)).toBeCloseTo(45);
    expect(inMissingWedge(0, 1, -60, 60)).toBe(true);
    expect(inMissingWedge(1, 0.1, -60, 60)).toBe(false);
    expect(inMissingWedge(0.2, 1, -60, 60)).toBe(true);
    expect(inMissingWedge(-0.2, 1, -60, 60)).toBe(true);
    expect(inMissingWedge(0, 0, -60, 60)).toBe(false);
  });

  it('gives the two missing sectors of a ±60° series, and agrees with the cone test', () => {
    expect(wedgeSectors(-60, 60)).toEqual([
      [60, 120],
      [240, 300],
    ]);
    expect(wedgeSectors(-50, 70)).toEqual([
      [70, 130],
      [250, 310],
    ]);
    expect(wedgeSectors(-90, 90)).toEqual([]);
    for (let deg = 0; deg < 360; deg += 7) {
      const kx = Math.cos((deg * Math.PI) / 180);
      const kz = Math.sin((deg * Math.PI) / 180);
      const inSector = wedgeSectors(-50, 70).some(([a, b]) => deg > a && deg < b);
      expect(inSector, `${deg}°`).toBe(inMissingWedge(kx, kz, -50, 70));
    }
  });

  it('places zero frequency at pixel size/2', () => {
    expect(pixelFrequency(64, 128, 1 / 128)).toBe(0);
    expect(pixelFrequency(0, 128, 1 / 128)).toBe(-0.5);
    const ext = sectionExtent({ width: 4, height: 2, step: [0.25, 0.5] });
    expect(ext.u).toEqual([-0.625, 0.375]);
    expect(ext.v).toEqual([-0.75, 0.25]);
    expect(planeAxes('kx-kz')).toEqual(['kx', 'kz']);
    expect(tiltRange([10, -60, 60, 10])).toEqual({ min: -60, max: 60, angles: [-60, 10, 60] });
    expect(tiltRange([])).toBeNull();
  });
});
