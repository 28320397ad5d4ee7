"""Reference timing for `npm run bench`: resampling a tomogram onto a grid 1.3 times coarser with scipy.

What WedgeLab's resampleTomogram (src/engine/resample.ts) does to a tomogram made at a pixel size no whole binning
of the tilts gives: here scipy.ndimage.zoom with cubic splines (order 3, its prefilter included), one thread, on an
NZ x NY x NX float32 array. Prints the best of three timings in seconds as JSON.
Usage: python3 resample_reference.py NX NY NZ
"""
import sys

import numpy as np
from reference_timing import print_best_of_three
from scipy import ndimage

nx, ny, nz = (int(a) for a in sys.argv[1:4])
volume = np.random.default_rng(0).standard_normal((nz, ny, nx)).astype(np.float32)
print_best_of_three(lambda: ndimage.zoom(volume, 1 / 1.3, order=3))
