"""Reference timing for `npm run bench`: applying a stack alignment with scipy, section by section.

What WedgeLab's CPU path does to a stack that comes with an .xf or .aln (src/engine/cpu/alignStack.ts): every section
resampled through its affine map, bilinear (order 1), the section's mean outside it; here
scipy.ndimage.affine_transform with order=1, one thread, on NZ sections of NY x NX float32, each turned by a few
degrees and shifted by a few pixels, as an alignment does. Prints the best of three timings in seconds as JSON.
Usage: python3 align_reference.py NX NY NZ
"""
import sys

import numpy as np
from reference_timing import print_best_of_three
from scipy import ndimage

nx, ny, nz = (int(a) for a in sys.argv[1:4])
rng = np.random.default_rng(0)
stack = rng.standard_normal((nz, ny, nx)).astype(np.float32)
maps = []
for _ in range(nz):
    angle = np.radians(rng.uniform(-3, 3))
    matrix = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    centre = np.array([(ny - 1) / 2, (nx - 1) / 2])
    offset = centre - matrix @ centre + rng.uniform(-8, 8, 2)
    maps.append((matrix, offset))


def align():
    for section, (matrix, offset) in zip(stack, maps):
        ndimage.affine_transform(section, matrix, offset, order=1, mode="constant", cval=float(section.mean()))


print_best_of_three(align)
