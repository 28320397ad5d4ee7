// The latent back-projection network's torch projector (models/synth/geometry.py) against the engine's WGSL
// projector pair: this test writes a fixture (C random volumes and tilt series at random angles, with what
// forwardProjectGpu and backProjectGpu made of them) and runs models/synth/test_geometry.py on it, which checks
// torch gives the same numbers to float tolerance. Skipped, with the reason, where /usr/bin/python3 lacks torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openNodeGpu } from '../../gpu/node.ts';
import { Rng } from '../../sim/random.ts';
import { backProjectGpu, forwardProjectGpu } from '../projection.ts';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wedgelab-synth-geometry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const title = hasTorch ? 'torch projector (models/synth/geometry.py)' : `torch projector (SKIPPED: ${PYTHON} cannot import torch; apt install python3-torch)`;
describe.skipIf(!hasTorch)(title, () => {
  it('equals the engine projector pair in both directions, C channels at once', async () => {
    const gpu = await openNodeGpu();
    const rng = new Rng(17);
    // Odd and even sizes (half-pixel centres), nz ≠ nx, angles anywhere inside ±90° in no order.
    const [nx, ny, nz, channels] = [21, 3, 10, 2];
    const angles = [-88.5, 71, -45.25, -3, 0, 12.5, 60];
    const random = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
    const fixture = { nx, ny, nz, channels, angles, volumes: [] as number[], tilts: [] as number[], projections: [] as number[], backProjections: [] as number[] };
    for (let c = 0; c < channels; c++) {
      const volume = { nx, ny, nz, pixelSize: 1, data: random(nx * ny * nz) };
      const tilts = { nx, ny, nTilts: angles.length, tiltAngles: angles, pixelSize: 1, data: random(nx * ny * angles.length) };
      fixture.volumes.push(...volume.data);
      fixture.tilts.push(...tilts.data);
      fixture.projections.push(...(await forwardProjectGpu(gpu, volume, angles)).data);
      fixture.backProjections.push(...(await backProjectGpu(gpu, tilts, nz)).data);
    }
    const path = join(dir, 'fixture.json');
    writeFileSync(path, JSON.stringify(fixture));
    const run = spawnSync(PYTHON, ['models/synth/test_geometry.py', path], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Ran 3 tests[\s\S]*OK/);
  });
});
