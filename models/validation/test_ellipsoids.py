#!/usr/bin/python3
"""Checks of the independent simulator (ellipsoids.py): /usr/bin/python3 models/validation/test_ellipsoids.py

(src/cli/independentSimulator.test.ts runs this in the vitest suite, and checks the geometry against the
engine's projector and the CLI's FBP.)
"""
import io
import math
import os
import subprocess
import sys
import tempfile
import unittest

import mrcfile
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import ellipsoids as E  # noqa: E402  (the module sits next to this file, not on the path)


def brute_chord(inside, p, d, reach=40.0, steps=400_001):
    """Length of p + t·d inside `inside` (a predicate on (n, 3) points), by counting samples t ∈ [−reach, reach]."""
    t = np.linspace(-reach, reach, steps)
    return np.count_nonzero(inside(p + t[:, None] * d)) * (t[1] - t[0])


class Chords(unittest.TestCase):
    def check(self, shape, p, d):
        inside = lambda x: np.einsum("ni,ij,nj->n", x - shape["centre"], shape["A"], x - shape["centre"]) <= 1
        exact = float(E.chord(np.asarray(p) - shape["centre"], shape["A"], np.asarray(d)))
        self.assertAlmostEqual(exact, brute_chord(inside, np.asarray(p), np.asarray(d)), delta=1e-3)
        return exact

    def test_sphere(self):
        # Radius 5 at (1, 2, −3): a ray 3 voxels from the centre crosses 2·sqrt(25 − 9) = 8 voxels.
        sphere = E.ellipsoid((1, 2, -3), (5, 5, 5), np.eye(3), 1.0)
        self.assertAlmostEqual(self.check(sphere, (4, 2, 0), (0, 0, 1)), 8.0, places=9)
        theta = math.radians(35)
        self.check(sphere, (0.5, 1.0, -2.0), (-math.sin(theta), 0.0, math.cos(theta)))
        self.assertEqual(self.check(sphere, (7, 2, 0), (0, 0, 1)), 0.0)  # misses

    def test_rotated_ellipsoid(self):
        rot = E.rotation(np.random.default_rng(5))
        shape = E.ellipsoid((2, -1, 1), (7, 3, 4.5), rot, -0.7)
        for angle, p in ((-57, (1.0, 0.5, 0.0)), (0, (3.2, -2.0, 0.0)), (42, (0.0, 0.0, 2.5))):
            theta = math.radians(angle)
            self.assertGreater(self.check(shape, p, (-math.sin(theta), 0.0, math.cos(theta))), 0.0)

    def test_slab(self):
        # Box |x| ≤ 16, −4 ≤ z ≤ 6: thickness/cos θ inside, cut where the ray leaves through an x face.
        for angle, u in ((0, 3.0), (30, 0.0), (-60, 10.0), (60, 15.5)):
            theta = math.radians(angle)
            d = np.array([-math.sin(theta), 0.0, math.cos(theta)])
            p = u * np.array([math.cos(theta), 0.0, math.sin(theta)])
            inside = lambda x: (np.abs(x[:, 0]) <= 16) & (x[:, 2] >= -4) & (x[:, 2] <= 6)
            exact = float(E.slab_chord(np.array([u]), theta, -4.0, 6.0, 16.0)[0])
            self.assertAlmostEqual(exact, brute_chord(inside, p, d), delta=1e-3)
        self.assertAlmostEqual(float(E.slab_chord(np.array([0.0]), math.radians(30), -4.0, 6.0, 16.0)[0]), 10 / math.cos(math.radians(30)))


class Transfer(unittest.TestCase):
    def test_wavelength(self):
        # 0.01969 Å at 300 kV and 0.02508 Å at 200 kV (the relativistic values of electron-microscopy tables).
        self.assertAlmostEqual(E.wavelength(300), 0.019687, places=5)
        self.assertAlmostEqual(E.wavelength(200), 0.025079, places=5)

    def test_ctf(self):
        # f = 0: only the amplitude contrast passes, negated (a denser object is darker).
        self.assertAlmostEqual(float(E.ctf(np.array(0.0), 3.0)), -0.07, places=12)
        # Without Cs and amplitude contrast the first zero is at χ = π: f = 1/√(λ·Δz), and just below it the
        # transfer is at its most negative, −1, at χ = π/2.
        lam, dz = E.wavelength(300), 3e4
        kwargs = {"defocus_um": 3.0, "cs_mm": 0.0, "amplitude_contrast": 0.0}
        self.assertAlmostEqual(float(E.ctf(np.array(1 / math.sqrt(lam * dz)), **kwargs)), 0.0, places=9)
        self.assertAlmostEqual(float(E.ctf(np.array(1 / math.sqrt(2 * lam * dz)), **kwargs)), -1.0, places=9)
        # A phase plate's π/2 makes it −cos χ: all the contrast at f = 0, and a zero where χ = π/2.
        plate = {**kwargs, "phase_shift": math.pi / 2}
        self.assertAlmostEqual(float(E.ctf(np.array(0.0), **plate)), -1.0, places=12)
        self.assertAlmostEqual(float(E.ctf(np.array(1 / math.sqrt(2 * lam * dz)), **plate)), 0.0, places=9)

    def test_apply(self):
        # A constant tilt is the f = 0 term alone; a cosine along x at frequency f keeps its shape, times CTF(f).
        pixel, nx = 8.0, 32
        flat = np.full((1, 4, nx), 2.0)
        np.testing.assert_allclose(E.apply_ctf(flat, pixel, defocus_um=2.0), -0.14 * np.ones_like(flat), atol=1e-12)
        x = np.arange(nx)
        wave = np.broadcast_to(np.cos(2 * math.pi * 5 * x / nx), (2, 4, nx))
        f = 5 / (nx * pixel)
        np.testing.assert_allclose(E.apply_ctf(wave, pixel, defocus_um=2.0), float(E.ctf(np.array(f), 2.0)) * wave, atol=1e-12)

    def test_astigmatism(self):
        # Defocus 1 (3.2 µm) along 30° from +x towards +y, defocus 2 (2.8 µm) across it: a cosine along 30° passes
        # at 3.2 µm, along 120° at 2.8 µm, along 75° at the mean; the rows (axis 1) are y.
        pixel, n = 4.0, 64
        y, x = np.mgrid[0:n, 0:n]
        for direction, defocus in ((30, 3.2), (120, 2.8), (75, 3.0)):
            k = np.array([math.cos(math.radians(direction)), math.sin(math.radians(direction))]) * 8 * math.sqrt(2)
            k = np.round(k)  # whole cycles over the tilt: periodic
            wave = np.cos(2 * math.pi * (k[0] * x + k[1] * y) / n)[None]
            out = E.apply_ctf(wave, pixel, defocus_um=3.0, astigmatism_um=0.4, astigmatism_angle=30.0)
            angle = math.atan2(k[1], k[0])
            expected = E.ctf(np.array(np.hypot(*k) / (n * pixel)), 3.0 + 0.2 * math.cos(2 * (angle - math.radians(30))))
            np.testing.assert_allclose(out, float(expected) * wave, atol=1e-12)
            self.assertAlmostEqual(3.0 + 0.2 * math.cos(2 * (angle - math.radians(30))), defocus, delta=0.05)

    def test_simulate(self):
        # The CTF acts on the tilts only, before the noise: the ground truth is the same, and the noise is at the
        # asked SNR of the filtered tilts.
        size, angles, micro = (32, 24, 16), [-30.0, 0.0, 30.0], {"defocus_um": 3.0}
        truth, clean = E.simulate("shells", size, angles, None, 11)
        truth_ctf, clean_ctf = E.simulate("shells", size, angles, None, 11, 8.0, micro)
        np.testing.assert_array_equal(truth, truth_ctf)
        np.testing.assert_allclose(clean_ctf, E.apply_ctf(clean, 8.0, **micro), atol=1e-12)
        noisy = E.simulate("shells", size, angles, 0.0, 11, 8.0, micro)[1]
        self.assertAlmostEqual(10 * math.log10(np.var(clean_ctf) / np.var(noisy - clean_ctf)), 0.0, delta=0.2)

    def test_layers_partition_the_rays(self):
        # Cut along the beam, the layers' tilts add up to the uncut tilts: each chord is split, nothing lost.
        size, angles = (40, 24, 20), [-60.0, -15.0, 0.0, 50.0]
        specimen = E.make_specimen("shells", size, 7)
        edges = E.depth_layers(size, 1.0, 300.0)
        self.assertEqual(len(edges) - 1, 4)  # hypot(40, 20) = 44.7 voxels in layers of at most 12.7
        layers = E.project(specimen, size, angles, edges)
        np.testing.assert_allclose(layers.sum(axis=0), E.project(specimen, size, angles)[0], atol=1e-9)
        self.assertTrue(all(np.abs(layer).sum() > 0 for layer in layers))

    def test_tilted_defocus_follows_the_view(self):
        # A sphere of radius 1 voxel, 200 voxels right of the axis in the plane z = 0, 1 Å pixels, tilted 60°: its
        # shadow at u = 100 is at 3 µm + u·p·tan θ = 3.0173 µm (the flip's column gradient), not at 3 µm or at
        # 3 µm − 0.0173. Measured relative differences: 0.006, 0.54 and 0.86.
        size, pixel, theta = (512, 24, 24), 1.0, 60.0
        specimen = {"ellipsoids": [E.ellipsoid((200.0, 0.0, 0.0), (1.0, 1.0, 1.0), np.eye(3), 1.0)], "slab": None}
        edges = E.depth_layers(size, pixel, 300.0)
        tilted = E.apply_tilted_ctf(E.project(specimen, size, [theta], edges), edges, pixel, defocus_um=3.0)
        plain = E.project(specimen, size, [theta])[0]
        offset = 100 * pixel * math.tan(math.radians(theta)) / 1e4
        window = (slice(None), slice(None), slice(size[0] // 2 + 40, size[0] // 2 + 160))
        error = lambda d: np.linalg.norm((tilted - E.apply_ctf(plain, pixel, defocus_um=d))[window]) / np.linalg.norm(tilted[window])
        self.assertLess(error(3.0 + offset), 0.02)
        self.assertGreater(error(3.0), 0.4)
        self.assertGreater(error(3.0 - offset), 0.7)
        # Untilted, a thin specimen is at one defocus: the flat CTF within the layers' rounding.
        flat = E.apply_tilted_ctf(E.project(specimen, size, [0.0], edges), edges, pixel, defocus_um=3.0)
        np.testing.assert_allclose(flat, E.apply_ctf(E.project(specimen, size, [0.0])[0], pixel, defocus_um=3.0), atol=1e-9)


class Simulation(unittest.TestCase):
    def test_mass(self):
        """At θ = 0 the tilt is the integral over z, so with pixel = voxel its total is ∫ density dV in voxel³:
        Σ tilt(θ = 0) = Σ ground truth (both discretise the same integral). Tilted, the total stays the same
        while the whole shadow stays on the detector, as it does here (±60°, objects within the volume)."""
        for family in ("ellipsoids", "shells"):
            truth, tilts = E.simulate(family, (48, 40, 24), [-60.0, 0.0, 45.0], None, 3)
            for total in tilts.sum(axis=(1, 2)):
                self.assertLess(abs(total / truth.sum() - 1), 0.01, family)
        # And both equal Σ density · (4/3)π·abc of the ellipsoids.
        specimen = E.make_specimen("ellipsoids", (48, 40, 24), 3)
        analytic = sum(s["density"] * 4 / 3 * math.pi * np.prod(s["semiAxes"]) for s in specimen["ellipsoids"])
        self.assertLess(abs(E.voxelise(specimen, (48, 40, 24)).sum() / analytic - 1), 0.01)

    def test_determinism_and_noise(self):
        a = E.simulate("shells", (32, 24, 16), [-30.0, 0.0, 30.0], -5.0, 11)
        b = E.simulate("shells", (32, 24, 16), [-30.0, 0.0, 30.0], -5.0, 11)
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
        self.assertFalse(np.array_equal(a[0], E.simulate("shells", (32, 24, 16), [0.0], None, 12)[0]))
        # The SNR changes the noise only, and sets it by docs/conventions.md#noise-level.
        truth, clean = E.simulate("shells", (32, 24, 16), [-30.0, 0.0, 30.0], None, 11)
        np.testing.assert_array_equal(truth, a[0])
        measured = 10 * math.log10(np.var(clean) / np.var(a[1] - clean))
        self.assertAlmostEqual(measured, -5.0, delta=0.2)

    def test_files(self):
        with tempfile.TemporaryDirectory() as out:
            subprocess.run([sys.executable, os.path.join(HERE, "ellipsoids.py"), "--family", "ellipsoids", "--size", "20,18,10",
                            "--angles", "-6,6,3", "--snr-db", "0", "--seed", "4", "--pixel-size", "8", "--out-dir", out], check=True)
            with open(os.path.join(out, "tilt_series.tlt")) as f:
                self.assertEqual(f.read(), "-6.00\n-3.00\n0.00\n3.00\n6.00\n")
            for name, shape, ispg in (("ground_truth.mrc", (10, 18, 20), 1), ("tilt_series.mrc", (5, 18, 20), 0)):
                path = os.path.join(out, name)
                self.assertTrue(mrcfile.validate(path, print_file=io.StringIO()))
                with mrcfile.open(path) as m:
                    self.assertEqual((m.data.shape, m.data.dtype, int(m.header.ispg)), (shape, np.float32, ispg))
                    self.assertEqual((float(m.voxel_size.x), int(m.header.mz)), (8.0, shape[0]))


if __name__ == "__main__":
    unittest.main()
