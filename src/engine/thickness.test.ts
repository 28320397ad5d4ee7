// The suggested thickness of a simulated specimen, against the thickness it was simulated with.
import { describe, expect, it } from 'vitest';
import { forwardProjectCpu } from './reference/projector.ts';
import { makePhantom } from './sim/phantoms.ts';
import { tiltRange } from './sim/tiltScheme.ts';
import { suggestThickness, thicknessWithMargin } from './thickness.ts';

/** Tilts of a `specimenNz`-thick specimen, nx wide, centred in a volume as thick as it is wide. */
function series(phantom: 'cell' | 'lamella' | 'varied', nx: number, specimenNz: number, offset = 0) {
  const specimen = makePhantom(phantom, nx, 16, specimenNz, 3, 4);
  const volume = new Float32Array(nx * 16 * nx);
  volume.set(specimen.data, ((nx - specimenNz) / 2 + offset) * nx * 16);
  return forwardProjectCpu({ nx, ny: 16, nz: nx, data: volume, pixelSize: 4 }, tiltRange(-60, 60, 3));
}

describe('thickness suggestion', () => {
  it('covers a simulated specimen with a margin, not the whole width', () => {
    for (const [phantom, nz] of [['cell', 24], ['lamella', 32], ['varied', 16]] as const) {
      const s = suggestThickness(series(phantom, 96, nz));
      expect(s.thickness, phantom).toBeGreaterThanOrEqual(nz);
      expect(s.thickness, phantom).toBeLessThanOrEqual(2 * nz + 8);
      expect(s.thickness % 8).toBe(0);
      expect(s.profile).toHaveLength(96);
    }
  });

  it("adds half the extent as a margin, up to a multiple of 8, at most the series' width (another program's measure too)", () => {
    expect([thicknessWithMargin(16, 48), thicknessWithMargin(17, 48), thicknessWithMargin(40, 48), thicknessWithMargin(1200, 4096)]).toEqual([24, 32, 48, 1800]);
  });

  it('finds a specimen off the centre where it is, and bins wide series first', () => {
    const s = suggestThickness(series('lamella', 96, 24, 20));
    expect((s.from + s.to) / 2).toBeGreaterThan(48 + 10);
    const wide = suggestThickness({ ...series('lamella', 96, 24), nx: 96 });
    expect(wide.binning).toBe(1);
  });
});
