"""Reference timing for `npm run bench`: scipy.ndimage.gaussian_filter of a random volume.

Filters an NZ x NY x NX float32 volume (mode 'nearest', truncate 4: the kernel WedgeLab's Gaussian smoothing
uses) with standard deviation SIGMA voxels, and prints the best of three timings in seconds as JSON.
Usage: python3 gaussian_reference.py NX NY NZ SIGMA
"""
import sys

import numpy as np
from reference_timing import print_best_of_three
from scipy.ndimage import gaussian_filter

nx, ny, nz = (int(a) for a in sys.argv[1:4])
sigma = float(sys.argv[4])
volume = np.random.default_rng(0).standard_normal((nz, ny, nx)).astype(np.float32)
print_best_of_three(lambda: gaussian_filter(volume, sigma, mode="nearest", truncate=4.0))
