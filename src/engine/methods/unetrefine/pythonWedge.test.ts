// The training script's missing-wedge operator (models/refine/unet.py wedge_mask) against the engine's wedgeMask
// (docs/conventions.md#wedge-cone) on masks written here: odd and even sides, non-cubic volumes, symmetric and
// asymmetric tilt ranges. A mirrored axis or the wedge in the wrong Fourier plane fails here. Skipped, saying
// why, where /usr/bin/python3 lacks numpy or torch.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { wedgeMask } from '../../metrics/fsc.ts';

const PYTHON = '/usr/bin/python3';
const hasTorch = spawnSync(PYTHON, ['-c', 'import numpy, torch'], { encoding: 'utf8' }).status === 0;
const dir = mkdtempSync(join(tmpdir(), 'wedgelab-unet-wedge-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const CASES = [
  { dims: { nx: 24, ny: 24, nz: 24 }, tiltAngles: [-60, 0, 60] },
  { dims: { nx: 17, ny: 8, nz: 13 }, tiltAngles: [-45, 45] },
  { dims: { nx: 32, ny: 4, nz: 20 }, tiltAngles: [-38, -10, 0, 52] },
  { dims: { nx: 16, ny: 16, nz: 16 }, tiltAngles: [-70, 70] },
];

describe.skipIf(!hasTorch)(`models/refine wedge mask against the engine's${hasTorch ? '' : ' (skipped: /usr/bin/python3 lacks numpy or torch)'}`, () => {
  it('equals wedgeMask voxel for voxel', () => {
    const fixture = CASES.map(({ dims, tiltAngles }) => ({ dims: [dims.nx, dims.ny, dims.nz], tiltAngles, mask: Array.from(wedgeMask(dims, tiltAngles)) }));
    const path = join(dir, 'wedge.json');
    writeFileSync(path, JSON.stringify(fixture));
    const result = spawnSync(PYTHON, ['models/refine/test_wedge.py', path], { encoding: 'utf8' });
    expect(result.stderr + result.stdout).not.toMatch(/differ|not 20|not 4|does not/);
    expect(result.status).toBe(0);
    expect(result.stdout.match(/^ok /gm)).toHaveLength(CASES.length + 1);
  });
});
