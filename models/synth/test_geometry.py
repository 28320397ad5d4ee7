#!/usr/bin/python3
"""geometry.py against the engine's WGSL projector pair, on a fixture the engine wrote:
/usr/bin/python3 models/synth/test_geometry.py FIXTURE.json

The fixture (src/engine/methods/latentbp/torchGeometry.test.ts writes it, and runs this) holds C random volumes
and C random tilt series, the angles, and what the engine's forwardProjectGpu and backProjectGpu made of them.
All C channels go through torch at once, as the network's latent channels do. Exits non-zero on a mismatch.
"""
import json
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import geometry as G  # noqa: E402  (the module sits next to this file)

FIXTURE = None


def relative_error(actual, expected):
    """max |a − e| / max |e|, as the engine's kernel checks measure it."""
    return float((actual - expected).abs().max() / expected.abs().max().clamp_min(1e-30))


class EngineGeometry(unittest.TestCase):
    def setUp(self):
        f = FIXTURE
        self.nx, self.ny, self.nz, C = f["nx"], f["ny"], f["nz"], f["channels"]
        self.angles = f["angles"]
        K = len(self.angles)
        self.volumes = torch.tensor(f["volumes"], dtype=torch.float32).reshape(C, self.nz, self.ny, self.nx)
        self.tilts = torch.tensor(f["tilts"], dtype=torch.float32).reshape(C, K, self.ny, self.nx)
        self.projections = torch.tensor(f["projections"], dtype=torch.float32).reshape(C, K, self.ny, self.nx)
        self.back = torch.tensor(f["backProjections"], dtype=torch.float32).reshape(C, self.nz, self.ny, self.nx)
        self.A = G.projector_matrix(self.angles, self.nx, self.nz)

    def test_forward_projection(self):
        got = G.forward_project(self.volumes, self.A)
        self.assertLess(relative_error(got, self.projections), 1e-5)

    def test_back_projection(self):
        got = G.back_project(self.tilts, self.A)
        self.assertLess(relative_error(got, self.back), 1e-5)

    def test_adjoint_and_gradient(self):
        # ⟨A v, t⟩ = ⟨v, Aᵀ t⟩, and autograd's gradient of the projection is the back-projection.
        v = self.volumes.clone().double().requires_grad_(True)
        A = self.A.double()
        p = G.forward_project(v, A)
        (p * self.tilts.double()).sum().backward()
        self.assertLess(relative_error(v.grad, G.back_project(self.tilts.double(), A)), 1e-12)


if __name__ == "__main__":
    with open(sys.argv[1]) as fh:
        FIXTURE = json.load(fh)
    unittest.main(argv=sys.argv[:1], verbosity=2)
