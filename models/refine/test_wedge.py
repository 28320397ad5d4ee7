#!/usr/bin/python3
"""unet.wedge_mask against the engine's wedgeMask (src/engine/metrics/fsc.ts) on masks the engine wrote.

  /usr/bin/python3 models/refine/test_wedge.py FIXTURE.json

FIXTURE.json (written by src/engine/methods/unetrefine/pythonWedge.test.ts): a list of
{"dims": [nx, ny, nz], "tiltAngles": [...], "mask": [0/1 …, x fastest, DFT order]}. Exits 1 naming the first
case whose masks differ, with the count of differing voxels. Also checks that IsoNet's rotation set keeps 20
of the 24 cube rotations for a symmetric wedge, and that the four it drops leave the wedge in place.
"""
import json
import sys

import numpy as np
import torch

from unet import _all_rotations, rotations, wedge_mask


def main(path):
    with open(path) as f:
        cases = json.load(f)
    for case in cases:
        nx, ny, nz = case["dims"]
        angles = case["tiltAngles"]
        engine = np.array(case["mask"], dtype=np.float32).reshape(nz, ny, nx)
        ours = wedge_mask((nz, ny, nx), min(angles), max(angles))
        differ = int((engine != ours).sum())
        if differ:
            sys.exit(f"wedge mask {nx}×{ny}×{nz}, angles {min(angles)}…{max(angles)}: {differ} voxels differ")
        print(f"ok {nx}×{ny}×{nz} {min(angles)}…{max(angles)}: {int(ours.sum())} measured of {ours.size}")
    kept = rotations(16)
    if len(kept) != 20:
        sys.exit(f"IsoNet's rotation set for ±60° has {len(kept)} rotations, not 20")
    mask = torch.from_numpy(np.fft.fftshift(wedge_mask((17, 17, 17), -60, 60)))
    keeping = [r for r, _ in _all_rotations() if torch.equal(r(mask), mask)]
    if len(keeping) != 4:
        sys.exit(f"{len(keeping)} of the 24 cube rotations keep the ±60° wedge in place, not 4 (identity, 180° about x, y, z)")
    v = torch.randn(5, 6, 7)
    if not all(torch.equal(i(r(v)), v) for r, i in _all_rotations()):
        sys.exit("a rotation's inverse does not undo it")
    print("ok rotations: 20 kept, 4 keep the wedge, inverses undo")


if __name__ == "__main__":
    main(sys.argv[1])
