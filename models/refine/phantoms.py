#!/usr/bin/python3
"""The CryoGEN paper's two phantoms (its appendix A.7), corrupted by zeroing the missing wedge in Fourier space.

  /usr/bin/python3 models/refine/phantoms.py --out DIR [--scale 1] [--seed 1]

- sphere: a hollow sphere, outer diameter 70, shell 4, centred in 140³;
- prism: a rectangular prism of thickness 20 (and 40 × 40 faces) in 96³, in 10 seeded random orientations
  (prism_0 … prism_9); the paper trains on the ten and we score the first.
--scale s divides every length (and the box) by s, for CPU budgets. Each phantom is written as
NAME_truth.mrc and NAME_corrupted.mrc (float32, the truth with its Fourier coefficients outside the ±60° wedge
cone set to zero: unet.wedge_mask, the engine's wedgeMask; test_wedge.py). No projection: the paper corrupts
in Fourier space, and so do we.
"""
import argparse
import os

import mrcfile
import numpy as np

from unet import wedge_mask


def centred(n):
    return np.arange(n) - (n - 1) / 2


def hollow_sphere(n, outer_diameter, shell):
    z, y, x = np.meshgrid(centred(n), centred(n), centred(n), indexing="ij")
    r = np.sqrt(x * x + y * y + z * z)
    return ((r <= outer_diameter / 2) & (r > outer_diameter / 2 - shell)).astype(np.float32)


def random_rotation(rng):
    q = rng.standard_normal(4)
    a, b, c, d = q / np.linalg.norm(q)
    return np.array([[a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
                     [2 * (b * c + a * d), a * a - b * b + c * c - d * d, 2 * (c * d - a * b)],
                     [2 * (b * d - a * c), 2 * (c * d + a * b), a * a - b * b - c * c + d * d]])


def prism(n, thickness, side, rotation):
    z, y, x = np.meshgrid(centred(n), centred(n), centred(n), indexing="ij")
    p = rotation.T @ np.stack([x.ravel(), y.ravel(), z.ravel()])
    inside = (np.abs(p[0]) <= side / 2) & (np.abs(p[1]) <= side / 2) & (np.abs(p[2]) <= thickness / 2)
    return inside.reshape(n, n, n).astype(np.float32)


def corrupt(volume, theta=60.0):
    mask = wedge_mask(volume.shape, -theta, theta)
    return np.fft.ifftn(np.fft.fftn(volume) * mask).real.astype(np.float32)


def write(path, data):
    with mrcfile.new(path, overwrite=True) as m:
        m.set_data(data)
        m.voxel_size = 1.0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    s = args.scale
    sphere = hollow_sphere(int(round(140 / s)), 70 / s, 4 / s)
    write(os.path.join(args.out, "sphere_truth.mrc"), sphere)
    write(os.path.join(args.out, "sphere_corrupted.mrc"), corrupt(sphere))
    rng = np.random.default_rng(args.seed)
    for k in range(10):
        p = prism(int(round(96 / s)), 20 / s, 40 / s, random_rotation(rng))
        write(os.path.join(args.out, f"prism_{k}_truth.mrc"), p)
        write(os.path.join(args.out, f"prism_{k}_corrupted.mrc"), corrupt(p))


if __name__ == "__main__":
    main()
